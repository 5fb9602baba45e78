"""Reverse-diffusion solvers, independent of the model and of any guidance (as diffusers' schedulers and
UniPC keep the solver apart): given x_t, the Tweedie estimate x̂₀|t and the next timestep, return x_{t'}.

ancestral: DDPM posterior q(x_{t'} | x_t, x̂₀) (DiffCom Alg. 1 line 13, generalised to skipped steps);
ddim:      DDIM with stochasticity η (η = 0 deterministic, η = 1 matches ancestral variance).
"""
from __future__ import annotations

import torch


def tweedie_x0(x_t: torch.Tensor, eps: torch.Tensor, abar_t: torch.Tensor) -> torch.Tensor:
    """x̂₀|t = (x_t − √(1−ᾱ_t) ε̂) / √ᾱ_t  (DiffCom eq. (15) with s_θ = −ε̂/√(1−ᾱ_t))."""
    return (x_t - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()


def _bc(a: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return a.reshape(-1, *([1] * (like.ndim - 1))) if a.ndim else a


def ancestral_step(x_t, x0, abar_t, abar_prev, generator=None):
    """Sample q(x_prev | x_t, x0): mean = √ᾱ_p β̃/(1−ᾱ_t) x0 + √(α̃)(1−ᾱ_p)/(1−ᾱ_t) x_t with α̃ = ᾱ_t/ᾱ_p."""
    abar_t, abar_prev = _bc(abar_t, x_t), _bc(abar_prev, x_t)
    alpha = abar_t / abar_prev
    beta = 1 - alpha
    mean = (abar_prev.sqrt() * beta / (1 - abar_t)) * x0 + (alpha.sqrt() * (1 - abar_prev) / (1 - abar_t)) * x_t
    var = beta * (1 - abar_prev) / (1 - abar_t)
    noise = torch.randn(x_t.shape, generator=generator, dtype=x_t.dtype)
    return mean + var.clamp_min(0).sqrt() * noise


def ddim_step(x_t, x0, eps, abar_t, abar_prev, eta: float = 0.0, generator=None):
    abar_t, abar_prev = _bc(abar_t, x_t), _bc(abar_prev, x_t)
    sigma = eta * ((1 - abar_prev) / (1 - abar_t) * (1 - abar_t / abar_prev)).clamp_min(0).sqrt()
    dir_xt = (1 - abar_prev - sigma ** 2).clamp_min(0).sqrt() * eps
    noise = torch.randn(x_t.shape, generator=generator, dtype=x_t.dtype) if eta > 0 else 0.0
    return abar_prev.sqrt() * x0 + dir_xt + sigma * noise


SOLVERS = ("ancestral", "ddim")


def solver_step(solver: str, x_t, x0, eps, abar_t, abar_prev, eta: float = 1.0, generator=None):
    if solver == "ancestral":
        return ancestral_step(x_t, x0, abar_t, abar_prev, generator)
    if solver == "ddim":
        return ddim_step(x_t, x0, eps, abar_t, abar_prev, eta, generator)
    raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
