"""Seeded symbol interleaver (DiffCom §IV-A.3: shuffles the JSCC symbols before OFDM so that a deep
fade hits scattered latent positions rather than one region of the image)."""
from __future__ import annotations

import torch

from .profiles import seeded_permutation


class Interleaver:
    """A fixed pseudo-random permutation of k symbols; ``seed=None`` is the identity."""

    def __init__(self, k: int, seed: int | None = 0):
        self.k, self.seed = k, seed
        self.perm = torch.as_tensor(seeded_permutation(k, seed), dtype=torch.long)
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
