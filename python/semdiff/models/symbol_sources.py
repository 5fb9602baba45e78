"""Frames of channel symbols for training and evaluating the symbol priors: a JSCC encoder's output on
images, two images of a lower-CBR encoder side by side (a *different* JSCC transmitter), and the
model-free waveforms in ``phy.interferers``."""
from __future__ import annotations

import torch

from ..data import load_dataset
from ..phy.channels import crandn
from ..phy.interferers import WAVEFORMS
from .zoo import load_jscc

SOURCES = ("jscc", "jscc-pair", *WAVEFORMS)


@torch.no_grad()
def encode_dataset(codec, split: str = "train", snr_range=(0.0, 20.0), seed: int = 0, limit: int | None = None,
                   batch: int = 500) -> torch.Tensor:
    """Encode a Fashion-MNIST split at SNR ~ U[snr_range] (the encoder is SNR-adaptive)."""
    ds = load_dataset("fashion-mnist", split)
    x = ds.images if limit is None else ds.images[:limit]
    g = torch.Generator().manual_seed(seed)
    snr = snr_range[0] + (snr_range[1] - snr_range[0]) * torch.rand(len(x), generator=g)
    return torch.cat([codec.encode(x[i:i + batch], snr[i:i + batch]) for i in range(0, len(x), batch)])


class SymbolSource:
    """``sample(batch, generator) -> (batch, k) complex``; JSCC sources draw from a pre-encoded pool."""

    def __init__(self, name: str, k: int, split: str = "train", jscc: str | None = None, seed: int = 0,
                 limit: int | None = None, fading: str = "none"):
        if name not in SOURCES:
            raise ValueError(f"symbol source must be one of {SOURCES}, got {name!r}")
        if fading not in ("none", "rayleigh"):
            raise ValueError(f"fading must be 'none' or 'rayleigh', got {fading!r}")
        self.name, self.k, self.fading = name, k, fading
        self.pool = None
        if name == "jscc":
            codec = load_jscc(jscc or "jscc_fmnist_awgn_cbr1-8")
            if codec.cfg.k != k:
                raise ValueError(f"JSCC model {jscc} has k={codec.cfg.k}, the prior wants k={k}")
            self.pool = encode_dataset(codec, split, seed=seed, limit=limit)
        elif name == "jscc-pair":
            codec = load_jscc(jscc or "jscc_fmnist_awgn_cbr1-16")
            if 2 * codec.cfg.k != k:
                raise ValueError(f"jscc-pair needs a codec with k={k // 2}, {jscc} has k={codec.cfg.k}")
            self.pool = encode_dataset(codec, split, seed=seed + 1, limit=limit)

    def sample(self, batch: int, generator=None) -> torch.Tensor:
        """Frames of k symbols; with ``fading="rayleigh"`` each symbol is multiplied by its own CN(0, 1)
        gain — ICDM's interferer variable is h_z·z_c (eq. (2)), what its prior must model under fading."""
        if self.name == "jscc":
            z = self.pool[torch.randint(0, len(self.pool), (batch,), generator=generator)]
        elif self.name == "jscc-pair":
            i = torch.randint(0, len(self.pool), (2, batch), generator=generator)
            z = torch.cat([self.pool[i[0]], self.pool[i[1]]], dim=1)
        else:
            z = WAVEFORMS[self.name](batch, self.k, generator=generator)
        if self.fading == "rayleigh":
            z = z * crandn(*z.shape, generator=generator)
        return z
