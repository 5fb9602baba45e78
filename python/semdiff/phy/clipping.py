"""PAPR clipping: |s| ≤ c·√P̄, with P̄ the frame's average transmit power (Yang et al.'s OFDM deep JSCC,
the clipping DiffCom Table VII evaluates). ``c = None`` or ``inf`` disables it."""
from __future__ import annotations

import math

import torch


def _validate(ratio):
    if ratio is not None and not ratio > 0:
        raise ValueError(f"clip ratio must be > 0 (or None for no clipping), got {ratio}")


def clip(s: torch.Tensor, ratio: float | None, straight_through: bool = False) -> torch.Tensor:
    """Clip each frame (row) of complex samples to amplitude ratio·sqrt(mean |s|^2).

    ``straight_through=True`` passes the gradient as if no clipping happened — what the decoders use
    when they back-propagate through W_h, because the exact gradient is zero in the clipped direction.
    """
    _validate(ratio)
    if ratio is None or math.isinf(ratio):
        return s
    p_avg = s.abs().pow(2).mean(dim=-1, keepdim=True)
    a_max = ratio * p_avg.sqrt()
    mag = s.abs()
    scale = torch.where(mag > a_max, a_max / mag.clamp_min(1e-30), torch.ones_like(mag))
    clipped = s * scale
    if straight_through:
        return s + (clipped - s).detach()
    return clipped


def papr_db(s: torch.Tensor) -> torch.Tensor:
    """Per-frame peak-to-average power ratio in dB (rows of ``s``)."""
    p = s.abs().pow(2)
    return 10 * torch.log10(p.max(dim=-1).values / p.mean(dim=-1))


def papr_ccdf(s: torch.Tensor, symbol_len: int, thresholds_db) -> torch.Tensor:
    """P(PAPR > threshold) over OFDM symbols (the usual per-symbol CCDF)."""
    per_symbol = papr_db(s.reshape(-1, symbol_len))
    th = torch.as_tensor(thresholds_db, dtype=per_symbol.dtype)
    return (per_symbol[:, None] > th[None, :]).float().mean(dim=0)
