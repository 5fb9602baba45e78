"""Saving and loading models as safetensors + JSON config, and the shipped-model manifest.

Nothing here unpickles: weights are safetensors, configs JSON, and every shipped file's sha256 is
checked against ``models/manifest.json`` before it is read, so a corrupt or truncated file fails with
a message naming it rather than deep inside torch.
"""
from __future__ import annotations

import hashlib
import json
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
        return dequantize_int8(load_file(str(weights)))
    except (SafetensorError, OSError, ValueError) as e:
        raise ModelFileError(f"cannot read {weights} (corrupt or truncated safetensors): {e}") from e


def load_state_into(module: torch.nn.Module, path: Path) -> torch.nn.Module:
    weights = Path(path).with_suffix(".safetensors")
    state = load_tensors(weights)
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ModelFileError(f"{weights} does not match its config: {e}") from e
    return module


def manifest_entries(directory: Path | None = None) -> dict:
    m = Path(directory or models_dir()) / MANIFEST
    if not m.exists():
        return {}
    return json.loads(m.read_text())


def verify_against_manifest(path: Path) -> None:
    """If ``path`` is listed in the manifest of its models directory, check its sha256."""
    path = Path(path).resolve()
    for root in (models_dir().resolve(), *path.parents):
        mf = root / MANIFEST
        if mf.exists():
            try:
                rel = str(path.relative_to(root))
            except ValueError:
                continue
            entry = json.loads(mf.read_text()).get("files", {}).get(rel)
            if entry is not None and sha256(path) != entry["sha256"]:
                raise ModelFileError(f"{path}: sha256 does not match {mf} (file corrupt or replaced)")
            return


def register(files: list[Path], command: str, directory: Path | None = None, **info) -> None:
    """Add files to the manifest with their sha256, size and the command that made them."""
    root = Path(directory or models_dir()).resolve()
    mf = root / MANIFEST
    data = json.loads(mf.read_text()) if mf.exists() else {"files": {}}
    for f in files:
        f = Path(f).resolve()
        data["files"][str(f.relative_to(root))] = {
            "sha256": sha256(f), "bytes": f.stat().st_size, "command": command, **info}
    data["files"] = dict(sorted(data["files"].items()))
    mf.write_text(json.dumps(data, indent=2) + "\n")
