"""Numpy-only pieces of the link description (no torch), so GNU Radio Companion can evaluate block
parameters under the system Python: the interleaver permutation and the exponential PDP."""
from __future__ import annotations

import numpy as np


def seeded_permutation(k: int, seed: int | None) -> np.ndarray:
    """The interleaver's permutation of k symbols; ``seed=None`` is the identity."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    return np.arange(k) if seed is None else np.random.default_rng([seed, k]).permutation(k)


def exponential_pdp(n_taps: int, decay: float) -> np.ndarray:
    """σ_l² = c·exp(-l/r), l = 0 … L-1, normalised to unit total power (DiffCom §III-D)."""
    if n_taps < 1:
        raise ValueError(f"n_taps must be >= 1, got {n_taps}")
    if not decay > 0:
        raise ValueError(f"decay r must be > 0, got {decay}")
    p = np.exp(-np.arange(n_taps, dtype=np.float64) / decay)
    return (p / p.sum()).astype(np.float32)
