"""Image-domain diffusion prior: a diffusers ``UNet2DModel`` with the DDPM linear β schedule
(1e-4 … 0.02, T = 1000, ε-prediction), as DiffCom §IV-A.2 uses.

Saved and loaded in diffusers' own directory format (``config.json`` +
``diffusion_pytorch_model.safetensors``, scheduler in ``scheduler/``), so a user's own
diffusers-format DDPM loads the same way, always with ``local_files_only=True``.
"""
from __future__ import annotations

from pathlib import Path

import torch
from diffusers import DDPMScheduler, UNet2DModel

from .store import ModelFileError, verify_against_manifest

T_TRAIN = 1000


def make_unet(image_size: int = 32, channels: int = 1, widths=(32, 64, 64), attention_at_lowest: bool = True
              ) -> UNet2DModel:
    """The shipped prior's architecture: 3 levels, 1 layer per block, self-attention at the lowest
    resolution only (8x8 for 32x32 inputs), where it is cheap."""
    n = len(widths)
    down = ["DownBlock2D"] * (n - 1) + ["AttnDownBlock2D" if attention_at_lowest else "DownBlock2D"]
    up = ["AttnUpBlock2D" if attention_at_lowest else "UpBlock2D"] + ["UpBlock2D"] * (n - 1)
    return UNet2DModel(sample_size=image_size, in_channels=channels, out_channels=channels,
                       block_out_channels=tuple(widths), layers_per_block=1,
                       down_block_types=tuple(down), up_block_types=tuple(up), norm_num_groups=8)


def make_scheduler() -> DDPMScheduler:
    return DDPMScheduler(num_train_timesteps=T_TRAIN, beta_schedule="linear", beta_start=1e-4, beta_end=0.02,
                         prediction_type="epsilon", clip_sample=False)


def save_prior(directory: Path, unet: UNet2DModel, scheduler: DDPMScheduler | None = None) -> list[Path]:
    directory = Path(directory)
    unet.save_pretrained(directory, safe_serialization=True)
    (scheduler or make_scheduler()).save_pretrained(directory / "scheduler")
    return sorted(p for p in directory.rglob("*") if p.is_file())


def load_prior(directory: Path) -> tuple[UNet2DModel, DDPMScheduler]:
    """Load a diffusers-format prior from a local directory (never the hub): either a UNet2DModel
    directory (config.json + weights, scheduler/ beside) or a saved DDPMPipeline (unet/, scheduler/)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelFileError(f"prior directory not found: {directory}")
    if (directory / "unet" / "config.json").exists():
        unet, _ = load_prior(directory / "unet")
        sched_dir = directory / "scheduler"
        return unet, (DDPMScheduler.from_pretrained(sched_dir, local_files_only=True) if sched_dir.exists()
                      else make_scheduler())
    weights = directory / "diffusion_pytorch_model.safetensors"
    if not (directory / "config.json").exists():
        raise ModelFileError(f"no diffusers prior in {directory} (config.json missing)")
    if weights.exists():
        verify_against_manifest(weights)
    try:
        unet = UNet2DModel.from_pretrained(directory, local_files_only=True, use_safetensors=True,
                                           low_cpu_mem_usage=False)
    except (OSError, ValueError, RuntimeError) as e:
        raise ModelFileError(f"cannot load the diffusers prior in {directory}: {e}") from e
    sched_dir = directory / "scheduler"
    scheduler = (DDPMScheduler.from_pretrained(sched_dir, local_files_only=True) if sched_dir.exists()
                 else make_scheduler())
    return unet.eval(), scheduler


@torch.no_grad()
def sample_prior(unet: UNet2DModel, scheduler: DDPMScheduler, n: int, steps: int = 50, batch: int = 250,
                 seed: int = 0, eta: float = 0.0) -> torch.Tensor:
    """Unconditional samples in [-1, 1] with diffusers' DDIM solver over the prior's own schedule."""
    from diffusers import DDIMScheduler

    # the prior's config keeps clip_sample off: clipping x̂₀ at every DDIM step measured worse here
    # (FID (Fashion-MNIST features) of 500 samples: 436 without, 544 with)
    ddim = DDIMScheduler.from_config(scheduler.config)
    ddim.set_timesteps(steps)
    g = torch.Generator().manual_seed(seed)
    c, s = unet.config.in_channels, unet.config.sample_size
    out = []
    for i in range(0, n, batch):
        x = torch.randn(min(batch, n - i), c, s, s, generator=g)
        for t in ddim.timesteps:
            x = ddim.step(unet(x, t).sample, t, x, eta=eta, generator=g).prev_sample
        out.append(x.clamp(-1, 1))
    return torch.cat(out)
