"""Default model names for ``gr-semdiff train`` and the overwrite guard.

Names follow the data: ``jscc_fmnist_awgn_cbr1-8`` for Fashion-MNIST, ``jscc_<folder>_awgn_cbr1-8`` for
``--data ~/pics`` — so training on one's own images never lands on a shipped model's name, and the
default output directory is a user directory in any case (``cli_types.user_models_dir``).
"""
from __future__ import annotations

import re
from pathlib import Path


class OverwriteError(ValueError):
    """A model exists where ``train`` would write; the message says how to proceed."""


def data_tag(data: str) -> str:
    if data == "fashion-mnist":
        return "fmnist"
    tag = re.sub(r"[^A-Za-z0-9]+", "-", Path(data).expanduser().resolve().name).strip("-").lower()
    return tag or "images"


def default_name(args) -> str:
    tag = data_tag(args.data)
    if args.what == "jscc":
        return f"jscc_{tag}_{args.channel}_cbr1-{round(1 / args.cbr)}"
    if args.what == "symbol-prior":
        suffix = "_rayleigh" if args.fading == "rayleigh" else ""
        return f"symprior_{args.source.replace('-', '_')}{suffix}_k128"
    return f"{args.what}_{tag}"


def refuse_overwrite(target: Path, force: bool, resume: bool) -> None:
    """A model at ``target`` (file stem or diffusers directory) is only replaced with --force or --resume
    (a resumed run keeps exporting to the model it started)."""
    exists = target.is_dir() or target.with_suffix(".json").exists() or target.with_suffix(".safetensors").exists()
    if exists and not (force or resume):
        raise OverwriteError(f"{target} exists; pass --force to overwrite it, --resume to continue its run, "
                             f"or --name/--out to write elsewhere")
