"""``gr-semdiff train prior``: the image-domain DDPM prior.

Two recipes (``--recipe``), compared at equal wall time in the README:
- ``eps``: the first prior — ε-prediction with DDPM eq. (14)'s unweighted loss, (32, 64, 64) × 1 layer.
- ``v`` (default): v-prediction (Salimans & Ho 2022) with min-SNR-γ loss weighting (Hang et al. 2023,
  γ = 5), (32, 64, 128) × 2 layers. v-prediction keeps the x̂₀ implied at high noise bounded, where
  ε-prediction divides a small error by √ᾱ_t; min-SNR stops the many low-noise steps (which only
  polish texture) from dominating the gradient — both converge faster per CPU second.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from ..data import load_dataset
from ..models.autoguide import drop_guide, save_guide
from ..models.prior import make_scheduler, make_unet, save_prior
from ..models.store import register
from .loop import Run, infinite_batches

RECIPES = {
    "eps": dict(prediction="epsilon", snr_gamma=None, widths=(32, 64, 64), layers_per_block=1, lr=2e-4),
    "v": dict(prediction="v_prediction", snr_gamma=5.0, widths=(32, 64, 128), layers_per_block=2, lr=5e-4),
}


def diffusion_loss(unet, x0: torch.Tensor, acp: torch.Tensor, prediction: str, snr_gamma: float | None,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Denoising loss at t ~ U{0..T-1}: target ε or v = √ᾱ ε − √(1−ᾱ) x₀; with ``snr_gamma`` each
    sample is weighted so the loss equals min(SNR_t, γ)·‖x̂₀ − x₀‖² (min-SNR-γ)."""
    t = torch.randint(0, len(acp), (x0.shape[0],), generator=generator)
    eps = torch.randn(x0.shape, generator=generator)
    a = acp[t].float().view(-1, 1, 1, 1)
    xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
    target = eps if prediction == "epsilon" else a.sqrt() * eps - (1 - a).sqrt() * x0
    per = (unet(xt, t).sample - target).pow(2).mean(dim=(1, 2, 3))
    if snr_gamma:
        snr = acp[t].float() / (1 - acp[t].float())
        # ‖ε̂−ε‖² = SNR·‖x̂₀−x₀‖², ‖v̂−v‖² = (SNR+1)·‖x̂₀−x₀‖²
        per = per * snr.clamp(max=snr_gamma) / (snr if prediction == "epsilon" else snr + 1)
    return per.mean()


def _indexed(snap: Path, step: int) -> bool:
    index = snap / "index.jsonl"
    return index.exists() and any(json.loads(line)["step"] == step for line in index.read_text().splitlines() if line)


def train_prior(out: Path, run_dir: Path, data: str = "fashion-mnist", steps: int = 60000, batch: int = 64,
                lr: float | None = None, seed: int = 0, resume: bool = False, recipe: str = "v",
                image_size: int = 32, channels: int = 1, ckpt_every: int = 500, snapshot_every: int = 0,
                ema_decay: float = 0.999, command: str = "", new_cycle: bool = False, guide: Path | None = None,
                guide_weight: float = 1.5) -> Run:
    if recipe not in RECIPES:
        raise ValueError(f"recipe must be one of {sorted(RECIPES)}, got {recipe!r}")
    rc = RECIPES[recipe]
    ds = load_dataset(data, "train", size=image_size, channels=channels)
    unet = make_unet(image_size, channels, rc["widths"], layers_per_block=rc["layers_per_block"])
    sched = make_scheduler(rc["prediction"])
    run = Run(run_dir, unet, steps, lr=lr or rc["lr"], ema_decay=ema_decay, ckpt_every=ckpt_every, seed=seed,
              warmup=500)
    if resume and run.resume(new_cycle=new_cycle):
        print(f"resumed {run_dir} at step {run.step}")
    acp = sched.alphas_cumprod

    def loss_fn(b, step):
        # No left-right flips: Fashion-MNIST's footwear faces one way (92-100 % of sandals, sneakers and
        # ankle boots in the test split), and a flipped training set taught the prior backward shoes.
        return diffusion_loss(unet, b[0], acp, rc["prediction"], rc["snr_gamma"])

    def export(r: Run):
        ema_model = copy.deepcopy(r.model)
        r.ema.copy_to(ema_model)
        drop_guide(out)   # a guide left from an earlier export was chosen for another model
        files = save_prior(out, ema_model, sched)
        if guide:
            files += save_guide(out, ema_model, Path(guide), guide_weight, note=f"guide of the prior at step {r.step}")
        register(files, command or "gr-semdiff train prior", directory=Path(out).parent, step=r.step, kind="prior",
                 recipe=recipe)
        snap = Path(r.dir) / "snapshots"
        # once per step: a finished run resumed at its horizon exports again but is not a new snapshot
        if snapshot_every and r.step % snapshot_every == 0 and not _indexed(snap, r.step):
            # EMA snapshots with their training time: the FID-against-wall-time curve (eval prior-curve)
            if not (snap / "config.json").exists():   # the architecture the snapshots load into
                r.model.save_config(snap)
                sched.save_config(snap / "scheduler")
            save_file({k: v.contiguous() for k, v in r.ema.shadow.items()}, str(snap / f"ema_{r.step:07d}.safetensors"),
                      metadata={"step": str(r.step), "train_seconds": f"{r.train_seconds:.1f}", "recipe": recipe})
            with open(snap / "index.jsonl", "a") as f:
                f.write(json.dumps({"step": r.step, "train_seconds": round(r.train_seconds, 1),
                                    "file": f"ema_{r.step:07d}.safetensors"}) + "\n")

    run.fit(loss_fn, infinite_batches(ds, batch, seed, run.step), desc=f"prior ({recipe})", on_checkpoint=export)
    return run
