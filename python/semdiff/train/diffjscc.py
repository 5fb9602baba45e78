"""``gr-semdiff train diffjscc``: DiffJSCC's control module (DiffJSCC §II-C, loss (15)) on the frozen prior.

Each batch: a shipped codec (drawn per step), SNR ~ U[snr_min, snr_max], one link realisation → x̂_JSCC
and the receiver's channel estimate; the class condition is what the metric classifier reads from x̂_JSCC,
replaced by the null class with probability ``p_uncond`` (classifier-free guidance). The denoising loss is
(15) in the prior's own parametrization and weighting (v-prediction with min-SNR-γ for the v prior: the same
minimiser as the ε-MSE of (15), with the per-t weight that made the prior itself converge on a CPU).
Only the control branch trains; the prior's fingerprint is saved so a decoder can tell it is the right one.
"""
from __future__ import annotations

from pathlib import Path

import torch

from ..data import load_dataset
from ..models.control import ControlConfig, ControlledPrior, prior_fingerprint
from ..models.store import register, save_state
from .jscc_pairs import CODECS, codec_links, reconstruct
from .loop import Run, infinite_batches
from .prior import diffusion_loss


def train_diffjscc(out: Path, run_dir: Path, prior: str = "prior_fmnist", classifier: str = "classifier_fmnist",
                   data: str = "fashion-mnist", steps: int = 2000, batch: int = 32, lr: float = 2e-4, seed: int = 0,
                   resume: bool = False, ckpt_every: int = 250, command: str = "", snr_min: float = -5.0,
                   snr_max: float = 10.0, p_uncond: float = 0.1, codecs=CODECS, snr_gamma: float = 5.0,
                   init: str | None = None) -> Run:
    """``init``: start from this control module (e.g. one trained on an earlier checkpoint of the prior)."""
    from ..models.zoo import load_classifier, load_diffjscc, load_image_prior

    eps_prior, sched = load_image_prior(prior)
    clf = load_classifier(classifier)
    cfg = ControlConfig(n_classes=clf.cfg.n_classes)
    net = ControlledPrior(eps_prior.inner, cfg)
    if init:
        net.branch.load_state_dict(load_diffjscc(init, fallback_prior=eps_prior)[0].branch.state_dict())
    links = codec_links(codecs)
    run = Run(run_dir, net.branch, steps, lr=lr, ckpt_every=ckpt_every, seed=seed, warmup=100)
    if resume and run.resume():
        print(f"resumed {run_dir} at step {run.step}")
    acp = sched.alphas_cumprod
    prediction = sched.config.prediction_type
    gamma = snr_gamma if prediction == "v_prediction" else None
    meta = {**cfg.to_dict(), "prior": str(prior), "prior_fingerprint": prior_fingerprint(eps_prior.inner),
            "classifier": str(classifier), "codecs": list(codecs), "snr_range_db": [snr_min, snr_max],
            "p_uncond": p_uncond}

    def loss_fn(b, step):
        x = b[0]
        _, codec, link = links[step % len(links)]
        snr = snr_min + (snr_max - snr_min) * torch.rand(x.shape[0])
        x_hat, h_est = reconstruct(x, codec, link, snr)
        with torch.no_grad():
            label = clf(x_hat).argmax(1)
        label = torch.where(torch.rand(len(x)) < p_uncond, torch.full_like(label, cfg.n_classes), label)
        model = lambda xt, t: net(xt, t, x_hat, snr, h_est, label)
        return diffusion_loss(model, x, acp, prediction, gamma)

    def export(r: Run):
        files = save_state(out, net.branch, meta, kind="diffjscc")
        register(files, command or "gr-semdiff train diffjscc", directory=Path(out).parent, step=r.step,
                 kind="diffjscc")

    run.fit(loss_fn, infinite_batches(load_dataset(data, "train"), batch, seed, run.step), desc="diffjscc",
            on_checkpoint=export)
    return run


def main(args, out_root: Path, run_root: Path, command: str):
    train_diffjscc(out_root / args.name, run_root / args.name, prior=args.prior, data=args.data,
                   steps=args.steps or 2000, batch=args.batch or 32, lr=args.lr or 2e-4, seed=args.seed,
                   resume=args.resume, ckpt_every=args.ckpt_every or 250, command=command, init=args.init)
