"""Interference injection, ICDM eq. (1):  y_c = √P_x h_x x_c + √P_z h_z z_c + n_c.

SINR = P_x E|h_x|² / (P_z E|h_z|² + σ²) with unit-average channels and unit-power x_c, z_c, so
P_z = P_x / SINR − σ² (an SINR above the SNR is impossible and is refused). h_x is known to the
receiver, h_z never is; both are CN(0, 1) per symbol (Rayleigh) or 1 (AWGN).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..phy.channels import crandn


def interference_power(sinr_db: float, snr_db: float, p_x: float = 1.0) -> float:
    sigma2 = p_x * 10 ** (-snr_db / 10)
    p_z = p_x * 10 ** (-sinr_db / 10) - sigma2
    if p_z <= 0:
        raise ValueError(f"SINR {sinr_db} dB is not reachable at SNR {snr_db} dB: noise alone gives SINR = SNR")
    return p_z


@dataclass
class Interfered:
    y: torch.Tensor          # (B, k) received complex symbols
    h_x: torch.Tensor        # (B, k) known to the receiver
    h_z: torch.Tensor        # (B, k) truth, for evaluation only
    interference: torch.Tensor   # (B, k) √P_z h_z z_c, the true interference term (evaluation)
    sigma2: float
    p_z: float


def inject(x_c: torch.Tensor, z_c: torch.Tensor, sinr_db: float, snr_db: float, fading: str = "rayleigh",
           generator=None, p_x: float = 1.0) -> Interfered:
    if fading not in ("rayleigh", "awgn"):
        raise ValueError(f"fading must be 'rayleigh' or 'awgn', got {fading!r}")
    if x_c.shape != z_c.shape:
        raise ValueError(f"signal {tuple(x_c.shape)} and interferer {tuple(z_c.shape)} frames differ in shape")
    p_z = interference_power(sinr_db, snr_db, p_x)
    sigma2 = p_x * 10 ** (-snr_db / 10)
    if fading == "rayleigh":
        h_x, h_z = crandn(*x_c.shape, generator=generator), crandn(*x_c.shape, generator=generator)
    else:
        h_x = h_z = torch.ones_like(x_c)
    interference = math.sqrt(p_z) * h_z * z_c
    n = crandn(*x_c.shape, generator=generator) * math.sqrt(sigma2)
    return Interfered(math.sqrt(p_x) * h_x * x_c + interference + n, h_x, h_z, interference, sigma2, p_z)
