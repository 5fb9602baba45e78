"""``gr-semdiff train prior``: the image-domain DDPM prior (ε-prediction, DDPM eq. (8) loss)."""
from __future__ import annotations

import copy
from pathlib import Path

import torch

from ..data import load_dataset
from ..models.prior import make_scheduler, make_unet, save_prior
from ..models.store import register
from .loop import Run, infinite_batches


def train_prior(out: Path, run_dir: Path, data: str = "fashion-mnist", steps: int = 20000, batch: int = 64,
                lr: float = 2e-4, seed: int = 0, resume: bool = False, widths=(32, 64, 64),
                image_size: int = 32, channels: int = 1, ckpt_every: int = 500, command: str = "") -> Run:
    ds = load_dataset(data, "train", size=image_size, channels=channels)
    unet = make_unet(image_size, channels, widths)
    sched = make_scheduler()
    run = Run(run_dir, unet, steps, lr=lr, ema_decay=0.999, ckpt_every=ckpt_every, seed=seed, warmup=500)
    if resume and run.resume():
        print(f"resumed {run_dir} at step {run.step}")
    acp = sched.alphas_cumprod

    def loss_fn(b, step):
        x0 = b[0]
        flip = torch.rand(x0.shape[0]) < 0.5  # clothing is left-right symmetric: free augmentation
        x0 = torch.where(flip[:, None, None, None], x0.flip(-1), x0)
        t = torch.randint(0, sched.config.num_train_timesteps, (x0.shape[0],))
        eps = torch.randn_like(x0)
        a = acp[t].view(-1, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        return torch.nn.functional.mse_loss(unet(xt, t).sample, eps)

    def export(r: Run):
        ema_model = copy.deepcopy(r.model)
        r.ema.copy_to(ema_model)
        files = save_prior(out, ema_model, sched)
        register(files, command or "gr-semdiff train prior", directory=Path(out).parent, step=r.step, kind="prior")

    run.fit(loss_fn, infinite_batches(ds, batch, seed, run.step), desc="prior", on_checkpoint=export)
    return run
