"""Saving and loading models as safetensors + JSON config, and the shipped-model manifest.

Nothing here unpickles: weights are safetensors, configs JSON, and every shipped file's sha256 is
checked against ``models/manifest.json`` before it is read, so a corrupt or truncated file fails with
a message naming it rather than deep inside torch.
"""
from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ..paths import models_dir

MANIFEST = "manifest.json"
# int8 storage: a weight matrix W is kept as round(W / s) in int8 with one float16 scale s per output
# row under "<name>" + Q8_SCALE; loading multiplies back. Used for the symbol priors, whose thirteen
# fp16 exports alone would exceed the zoo's size budget (not torch.ao quantization: that pickles and
# changes the module; this is storage only, the module computes in float32).
Q8_SCALE = ".q8_scale"


class ModelFileError(RuntimeError):
    """A model file that is missing, corrupt, truncated or does not match its config."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_state(path: Path, module: torch.nn.Module, config: dict, kind: str,
               dtype: torch.dtype | None = None) -> list[Path]:
    """Write ``path``.safetensors (weights) and ``path``.json ({kind, config}); return both paths.
    ``dtype`` (float16, or int8 for per-row quantized matrices) stores floating-point tensors narrower
    to keep the shipped zoo small; loading casts them back to the module's dtype."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().contiguous().cpu() for k, v in module.state_dict().items()}
    if dtype == torch.int8:
        tensors = quantize_int8(tensors)
    elif dtype is not None:
        tensors = {k: v.to(dtype) if v.is_floating_point() else v for k, v in tensors.items()}
    weights = path.with_suffix(".safetensors")
    save_file(tensors, str(weights))
    meta = path.with_suffix(".json")
    meta.write_text(json.dumps({"kind": kind, "config": config}, indent=2, sort_keys=True) + "\n")
    return [weights, meta]


def quantize_int8(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Matrices → int8 + per-row float16 scale; vectors (biases, norms) → float16."""
    out = {}
    for k, v in tensors.items():
        if not v.is_floating_point():
            out[k] = v
        elif v.ndim >= 2:
            w = v.float().flatten(1)
            scale = (w.abs().amax(1) / 127).clamp_min(1e-12).half()
            out[k] = (w / scale.float()[:, None]).round().clamp(-127, 127).to(torch.int8).view(v.shape)
            out[k + Q8_SCALE] = scale
        else:
            out[k] = v.half()
    return out


def dequantize_int8(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out = {}
    for k, v in tensors.items():
        if k.endswith(Q8_SCALE):
            continue
        scale = tensors.get(k + Q8_SCALE)
        if scale is not None:
            if v.dtype != torch.int8 or scale.numel() != v.shape[0]:
                raise ModelFileError(f"tensor {k!r}: int8 storage with a scale of {scale.numel()} rows "
                                     f"for a {v.dtype} tensor of shape {tuple(v.shape)}")
            v = (v.float().flatten(1) * scale.float()[:, None]).view(v.shape)
        out[k] = v
    return out


def read_config(path: Path) -> dict:
    meta = Path(path).with_suffix(".json")
    if not meta.exists():
        raise ModelFileError(f"model config not found: {meta}")
    try:
        return json.loads(meta.read_text())
    except json.JSONDecodeError as e:
        raise ModelFileError(f"model config {meta} is not valid JSON: {e}") from e


def load_tensors(weights: Path) -> dict[str, torch.Tensor]:
    weights = Path(weights)
    if not weights.exists():
        raise ModelFileError(f"model weights not found: {weights}")
    verify_against_manifest(weights)
    try:
        tensors = dequantize_int8(load_file(str(weights)))
    except (SafetensorError, OSError, ValueError) as e:
        raise ModelFileError(f"cannot read {weights} (corrupt or truncated safetensors): {e}") from e
    check_finite(tensors, weights)
    return tensors


def check_finite(tensors: dict[str, torch.Tensor], where: Path) -> None:
    """NaN/Inf weights are never a model (a flipped exponent bit makes them): refuse them by name."""
    bad = [k for k, v in tensors.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise ModelFileError(f"{where}: non-finite weights in {bad[:3]}{' …' if len(bad) > 3 else ''}")


def load_state_into(module: torch.nn.Module, path: Path) -> torch.nn.Module:
    weights = Path(path).with_suffix(".safetensors")
    state = load_tensors(weights)
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ModelFileError(f"{weights} does not match its config: {e}") from e
    return module


def _read_manifest(mf: Path) -> dict:
    try:
        data = json.loads(mf.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelFileError(f"manifest {mf} is not valid JSON (truncated?): {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
        raise ModelFileError(f"manifest {mf}: expected {{\"files\": {{path: entry}}}}")
    return data


def manifest_entries(directory: Path | None = None) -> dict:
    m = Path(directory or models_dir()) / MANIFEST
    return _read_manifest(m) if m.exists() else {}


_UNVERIFIED_WARNED: set[Path] = set()


def verify_against_manifest(path: Path) -> None:
    """If ``path`` is listed in the manifest of its models directory, check its sha256; a file that no
    manifest lists loads with a warning (once): nothing but the finite-weight check guards it."""
    path = Path(path).resolve()
    for root in (models_dir().resolve(), *path.parents):
        mf = root / MANIFEST
        if mf.exists():
            try:
                rel = str(path.relative_to(root))
            except ValueError:
                continue
            entry = _read_manifest(mf).get("files", {}).get(rel)
            if entry is None:
                break
            if not isinstance(entry, dict) or sha256(path) != entry.get("sha256"):
                raise ModelFileError(f"{path}: sha256 does not match {mf} (file corrupt or replaced)")
            return
    if path not in _UNVERIFIED_WARNED:
        _UNVERIFIED_WARNED.add(path)
        warnings.warn(f"{path} is in no model manifest: its integrity is not checked", stacklevel=3)


def register(files: list[Path], command: str, directory: Path | None = None, **info) -> None:
    """Add files to the manifest with their sha256, size and the command that made them."""
    root = Path(directory or models_dir()).resolve()
    mf = root / MANIFEST
    data = _read_manifest(mf) if mf.exists() else {"files": {}}
    for f in files:
        f = Path(f).resolve()
        data["files"][str(f.relative_to(root))] = {
            "sha256": sha256(f), "bytes": f.stat().st_size, "command": command, **info}
    data["files"] = dict(sorted(data["files"].items()))
    mf.write_text(json.dumps(data, indent=2) + "\n")
