"""Seeded symbol interleaver (DiffCom §IV-A.3: shuffles the JSCC symbols before OFDM so that a deep
fade hits scattered latent positions rather than one region of the image)."""
from __future__ import annotations

import numpy as np
import torch


class Interleaver:
    """A fixed pseudo-random permutation of k symbols; ``seed=None`` is the identity."""

    def __init__(self, k: int, seed: int | None = 0):
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        self.k, self.seed = k, seed
        perm = np.arange(k) if seed is None else np.random.default_rng([seed, k]).permutation(k)
        self.perm = torch.as_tensor(perm, dtype=torch.long)
        self.inv = torch.empty_like(self.perm)
        self.inv[self.perm] = torch.arange(k)

    def _check(self, z: torch.Tensor):
        if z.shape[-1] != self.k:
            raise ValueError(f"interleaver built for k={self.k} symbols, got {z.shape[-1]}")

    def interleave(self, z: torch.Tensor) -> torch.Tensor:
        """out[..., i] = z[..., perm[i]]"""
        self._check(z)
        return z[..., self.perm]

    def deinterleave(self, y: torch.Tensor) -> torch.Tensor:
        self._check(y)
        return y[..., self.inv]
