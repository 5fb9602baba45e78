"""Autoguidance (Karras et al. 2024, "Guiding a diffusion model with a bad version of itself", eq. (3)):
the denoiser D_w(x; σ) = D_0(x; σ) + w · (D_1(x; σ) − D_0(x; σ)), with D_1 the prior and D_0 a weaker
version of the same network — here an earlier EMA of the same training run. Both make the same kinds of
errors, the weaker one more strongly, so stepping away from it (w > 1) removes those errors while keeping
the distribution: unlike classifier-free guidance it needs no conditioning and does not collapse variety.
D is affine in ε at fixed (x_t, t), so the extrapolation is done on ε, which every decoder consumes.

Stored inside the prior's diffusers directory as ``autoguide/`` (the guide's own ``config.json`` +
weights) and ``autoguide/guidance.json`` (``weight``, where the guide came from); ``load_guided`` returns an
``AutoguidedPrior`` when it is there (the zoo's ``load_image_prior`` goes through it).
Cost: two network evaluations per step instead of one.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from diffusers import DDPMScheduler, UNet2DModel
from safetensors.torch import load_file

from .prior import EpsilonPrior, load_prior
from .store import ModelFileError, check_finite, verify_against_manifest

GUIDE_DIR = "autoguide"
GUIDANCE = "guidance.json"


def valid_weight(w: float) -> bool:
    """w = 1 is the prior alone; below it would guide towards the weaker model."""
    return 1.0 <= w < 10.0


class AutoguidedPrior(EpsilonPrior):
    """ε = ε_guide + w (ε_prior − ε_guide). ``inner`` stays the prior's own UNet (DiffJSCC's control
    module attaches to it, unguided); ``guide`` is the weaker UNet, ``weight`` is w (1: the prior alone)."""

    def __init__(self, unet: UNet2DModel, guide: UNet2DModel, scheduler: DDPMScheduler, weight: float):
        super().__init__(unet, scheduler)
        if not valid_weight(weight):
            raise ModelFileError(f"autoguidance weight must be in [1, 10), got {weight!r}")
        if guide.config.in_channels != unet.config.in_channels or guide.config.sample_size != unet.config.sample_size:
            raise ModelFileError("the autoguidance guide does not take the prior's image shape")
        self.guide, self.weight = guide.eval(), float(weight)

    def forward(self, x: torch.Tensor, t):
        out = super().forward(x, t)
        if self.weight != 1.0:
            e_guide = self.epsilon(self.guide(x, t).sample, x, t)
            out.sample = e_guide + self.weight * (out.sample - e_guide)
        return out


def load_guided(directory: Path, autoguide: bool = True) -> tuple[EpsilonPrior, DDPMScheduler]:
    """``load_prior``, guided by the directory's ``autoguide/`` when it has one and ``autoguide`` is on."""
    prior, sched = load_prior(directory)
    found = load_guide(directory) if autoguide else None
    if found is None:
        return prior, sched
    guide, meta = found
    return AutoguidedPrior(prior.inner, guide, sched, meta["weight"]).eval(), sched


def load_guide(directory: Path) -> tuple[UNet2DModel, dict] | None:
    """The guide UNet and its ``guidance.json`` from a prior directory, or None if it has none."""
    gdir = Path(directory) / GUIDE_DIR
    if not gdir.exists():
        return None
    weights = gdir / "diffusion_pytorch_model.safetensors"
    if weights.exists():
        verify_against_manifest(weights)
    try:
        meta = json.loads((gdir / GUIDANCE).read_text())
        weight = float(meta["weight"])
        guide = UNet2DModel.from_pretrained(gdir, local_files_only=True, use_safetensors=True, low_cpu_mem_usage=False)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RuntimeError) as e:
        raise ModelFileError(f"cannot load the autoguidance guide in {gdir}: {e}") from None
    if weight != weight:
        raise ModelFileError(f"{gdir / GUIDANCE}: 'weight' is not a number")
    check_finite(guide.state_dict(), weights)
    return guide.eval(), meta


def drop_guide(directory: Path) -> None:
    import shutil
    shutil.rmtree(Path(directory) / GUIDE_DIR, ignore_errors=True)


def save_guide(directory: Path, prior: UNet2DModel, source: Path, weight: float, note: str = "") -> list[Path]:
    """Write ``directory/autoguide/`` from ``source``: an EMA ``.safetensors`` of the prior's architecture
    (a training snapshot or checkpoint) or a diffusers prior directory. Returns the files written."""
    import copy
    source = Path(source)
    if not valid_weight(weight):
        raise ValueError(f"--guide-weight must be in [1, 10), got {weight}")
    if source.is_dir():
        guide = UNet2DModel.from_pretrained(source, local_files_only=True, use_safetensors=True,
                                            low_cpu_mem_usage=False)
    elif source.suffix == ".safetensors" and source.exists():
        guide = copy.deepcopy(prior)
        try:
            guide.load_state_dict(load_file(str(source)))
        except RuntimeError as e:
            raise ValueError(f"--guide {source}: not a state of the prior's architecture ({str(e)[:120]})") from None
    else:
        raise ValueError(f"--guide {source}: expected a prior directory or an EMA .safetensors file")
    gdir = Path(directory) / GUIDE_DIR
    guide.save_pretrained(gdir, safe_serialization=True)
    (gdir / GUIDANCE).write_text(json.dumps({"weight": weight, "source": str(source), "note": note,
                                             "method": "autoguidance, Karras et al. 2024 eq. (3)"}, indent=2) + "\n")
    return sorted(p for p in gdir.rglob("*") if p.is_file())
