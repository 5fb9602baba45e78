"""``gr-semdiff``: demo, train, eval, samples, bench. The parser lives in ``cli_parser`` (types and checks
in ``cli_types``); each sub-command lives in its own module; this file dispatches and turns a user's
error (a bad option, a missing or corrupt model or data file) into one line and exit status 2.
Set SEMDIFF_DEBUG=1 for the traceback."""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from .cli_parser import build_parser
from .cli_types import check


def _train(args) -> int:
    from .train.names import default_name, refuse_overwrite

    command = "gr-semdiff " + " ".join(shlex.quote(a) for a in args.argv)
    out_root, run_root = Path(args.out).expanduser(), Path(args.runs)
    name = args.name or default_name(args)
    refuse_overwrite(out_root / name, args.force, args.resume)
    if args.what == "prior":
        from .train.prior import train_prior
        train_prior(out_root / name, run_root / name, data=args.data, steps=args.steps or 60000,
                    batch=args.batch or 64, lr=args.lr, seed=args.seed, resume=args.resume, recipe=args.recipe,
                    new_cycle=args.new_cycle, ckpt_every=args.ckpt_every or 500, snapshot_every=args.snapshot_every,
                    ema_decay=args.ema_decay, command=command, guide=args.guide, guide_weight=args.guide_weight)
    elif args.what == "jscc":
        from .train.jscc import train_jscc
        train_jscc(out_root / name, run_root / name, cbr=args.cbr, data=args.data, steps=args.steps or 15000,
                   batch=args.batch or 64, lr=args.lr or 1e-3, seed=args.seed, resume=args.resume,
                   channel=args.channel, link_preset=args.link_preset, ckpt_every=args.ckpt_every or 1000,
                   command=command, init=args.init, snr_min=args.snr_min, snr_max=args.snr_max)
    else:
        from importlib import import_module
        args.name = name
        mod = import_module(f".train.{args.what.replace('-', '_')}", __package__)
        mod.main(args, out_root, run_root, command)
    print(f"wrote {out_root / name}")
    return 0


def _samples(args) -> int:
    from .eval.grid import save_grid
    from .models.prior import sample_prior
    from .models.zoo import load_image_prior

    unet, sched = load_image_prior(args.prior)
    x = sample_prior(unet, sched, args.n, steps=args.steps, seed=args.seed, progress=True)
    path = save_grid(x, args.out, title=f"{args.prior}: {args.n} samples, DDIM {args.steps} steps, seed {args.seed}")
    print(f"wrote {path}")
    return 0


def _module(path: str):
    def run(args) -> int:
        from importlib import import_module
        return import_module(f".{path}", __package__).main(args)
    return run


COMMANDS = {("demo", None): _module("demo"), ("train", None): _train, ("samples", None): _samples,
            ("eval", "models"): _module("eval.zoo_report"), ("eval", "prior"): _module("eval.prior_report"),
            ("eval", "diffcom"): _module("eval.diffcom_table"), ("eval", "icdm"): _module("eval.icdm_report"),
            ("eval", "refiners"): _module("eval.refiners_table"),
            ("eval", "sync"): _module("air.report"),
            ("bench", "phy"): _module("bench.phy"), ("bench", "decoder"): _module("bench.decoder"),
            ("bench", "sync"): _module("bench.sync"), ("capture", None): _module("capture.synth"),
            ("replay", None): _module("capture.replay")}


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in the model manifest
    check(args, parser)
    import torch

    args.threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(args.threads)
    run = COMMANDS[(args.cmd, getattr(args, "what", None) if args.cmd in ("eval", "bench") else None)]
    from .data import DataError
    from .models.store import ModelFileError
    try:
        return run(args)
    except (ModelFileError, DataError, ValueError, FileNotFoundError, PermissionError) as e:
        if os.environ.get("SEMDIFF_DEBUG"):
            raise
        sys.stderr.write(f"gr-semdiff {args.cmd}: error: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
