"""``gr-semdiff train jscc``: the SNR-adaptive DeepJSCC codec, MSE-optimised end to end (DiffCom eq. (1))
over AWGN with SNR ~ U[snr_min, snr_max] dB, or through the OFDM multipath link operator."""
from __future__ import annotations

from pathlib import Path

import torch

from ..data import load_dataset
from ..models.jscc import JSCCCodec, JSCCConfig
from ..models.store import register, save_state
from .loop import Run, infinite_batches


def awgn(z: torch.Tensor, snr_db: torch.Tensor) -> torch.Tensor:
    """y = z + n, n ~ CN(0, σ²) with σ² = 10^(-SNR/10) for unit-power z (per row SNR)."""
    sigma2 = 10 ** (-snr_db / 10)
    n = torch.randn_like(z) * (sigma2 / 2).sqrt()[:, None]
    return z + n


def train_jscc(out: Path, run_dir: Path, cbr: float = 1 / 8, data: str = "fashion-mnist", steps: int = 15000,
               batch: int = 64, lr: float = 1e-3, seed: int = 0, resume: bool = False, snr_min: float = 0.0,
               snr_max: float = 20.0, width: int = 64, channel: str = "awgn", link_preset: str = "default",
               image_size: int = 32, channels: int = 1, ckpt_every: int = 1000, command: str = "",
               init: str | None = None) -> Run:
    """``init`` starts from another codec of the same shape (e.g. the AWGN codec of this CBR before
    fine-tuning through the OFDM link): far fewer CPU steps than training from scratch."""
    cfg = JSCCConfig(image_size=image_size, channels=channels, cbr=cbr, width=width)
    ds = load_dataset(data, "train", size=image_size, channels=channels)
    codec = JSCCCodec(cfg)
    if init:
        from ..models.zoo import load_jscc
        start = load_jscc(init)
        if start.cfg != cfg:
            raise ValueError(f"--init {init}: its config {start.cfg} differs from the one trained here {cfg}")
        codec.load_state_dict(start.state_dict())
    run = Run(run_dir, codec, steps, lr=lr, ckpt_every=ckpt_every, seed=seed, weight_decay=1e-5)
    if resume and run.resume():
        print(f"resumed {run_dir} at step {run.step}")
    link = None
    if channel == "ofdm":
        from ..phy.link import LinkOperator, preset
        link = LinkOperator(preset(link_preset, k=cfg.k, estimator="lmmse", equalizer="mmse"))
    elif channel != "awgn":
        raise ValueError(f"channel must be 'awgn' or 'ofdm', got {channel!r}")

    def loss_fn(b, step):
        x = b[0]
        snr = snr_min + (snr_max - snr_min) * torch.rand(x.shape[0])
        z = codec.encode(x, snr)
        if link is None:
            z_hat = awgn(z, snr)
        else:
            z_hat = link.simulate(z, snr_db=snr).symbols
        return torch.nn.functional.mse_loss(codec.decode(z_hat, snr), x)

    def export(r: Run):
        files = save_state(out, codec, {**cfg.to_dict(), "trained_channel": channel, "link_preset": link_preset,
                                        "snr_range_db": [snr_min, snr_max]}, kind="jscc")
        register(files, command or "gr-semdiff train jscc", directory=Path(out).parent, step=r.step, kind="jscc",
                 **({"init": str(init)} if init else {}))

    run.fit(loss_fn, infinite_batches(ds, batch, seed, run.step), desc=f"jscc cbr={cbr:.4g}", on_checkpoint=export)
    return run
