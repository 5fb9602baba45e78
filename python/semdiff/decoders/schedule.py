"""Timestep choices for the samplers: spaced sub-sequences of the training schedule and HiFi-DiffCom's
start step (DiffCom eq. (21))."""
from __future__ import annotations

import torch


def spaced_timesteps(t_start: int, steps: int) -> list[int]:
    """``steps`` descending timesteps from ``t_start`` (inclusive) towards 0, evenly spaced (DDIM-style).
    ``steps >= t_start + 1`` gives every step (ancestral DDPM)."""
    steps = max(1, min(steps, t_start + 1))
    ts = torch.linspace(t_start, 0, steps).round().long().tolist()
    return sorted(set(ts), reverse=True)


def hifi_start_step(noise_var: torch.Tensor, cbr: float, alphas_cumprod: torch.Tensor, tau: float = 20.0,
                    eta: float = 1.0) -> torch.Tensor:
    """DiffCom eq. (21): T_s = min(η · argmin_t |(1 + 1/σ²)^{ρτ/2} − ᾱ_t/(1 − ᾱ_t)|², T), per frame.

    The left side is the Gaussian-source SDR an RD-optimal codec reaches at CBR ρ and noise σ², raised
    to τ for numerical stability; the right side the diffusion's signal-to-noise ratio at step t. The
    CBR is the codec's own and σ² the receiver's estimate — never a hard-coded 1/48."""
    T = len(alphas_cumprod)
    sdr = (1 + 1 / noise_var.double().clamp_min(1e-12)) ** (cbr * tau / 2)
    dsnr = (alphas_cumprod / (1 - alphas_cumprod)).double()
    t = torch.argmin((sdr[:, None] - dsnr[None, :]).pow(2), dim=1)
    return torch.clamp((eta * t.double()).round().long(), 0, T - 1)
