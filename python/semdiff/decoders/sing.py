"""``sing_zero`` (SING Algorithm 1, §IV-B): DDNM null-space sampling around the DeepJSCC reconstruction.

The JSCC chain is approximated by a linear operator A (``degradations``; chosen per codec and SNR by
``sing_rule``), the measurement is y = A x̂_JSCC, and every reverse step keeps the range of A from y and
lets the prior fill the null space:  x̂₀|t = x₀|t − λ_t A⁺(A x₀|t − y)  (SING eq. in Alg. 1 line 4). The
noise-aware DDNM+ form (Wang et al. 2023, §3.3) sets λ_t and the step's noise from σ_y, the measured
error of y: with the step x_{t'} = a_t x̂₀ + b_t x_t + √γ_t z and the DDPM posterior std σ_t,
λ_t = 1, γ_t = σ_t² − (a_t σ_y)² while σ_t ≥ a_t σ_y, else λ_t = σ_t/(a_t σ_y), γ_t = 0.
No gradients: one network evaluation per step. ``null_space_sample`` also takes an optional
correction (SING-INN, Algorithm 2) that adds a gradient step.
"""
from __future__ import annotations

import torch

from .degradations import make_degradation
from .guidance import frame_norm
from .registry import DecodeResult, register
from .samplers import tweedie_x0
from .schedule import spaced_timesteps
from .sing_rule import FAMILIES, choose


def null_space_sample(ctx, y, op, sigma_y: torch.Tensor, steps: int, generator=None, correction=None,
                      zeta: float = 0.0) -> torch.Tensor:
    """DDNM+ over ``steps`` spaced steps; y = op.A(x̂); sigma_y: (B,). ``correction(x̂₀) → x̃₀`` (SING-INN)
    adds x_{t'} −= ζ ∇_{x_t} ‖x̃₀ − x̂₀‖ (Alg. 2 line 9, with the norm instead of its square: the same DPS
    step normalisation as every guidance term here, ``guidance.py``)."""
    abar = ctx.alphas_cumprod
    B = y.shape[0]
    c, s = ctx.unet.config.in_channels, ctx.unet.config.sample_size
    ts = spaced_timesteps(len(abar) - 1, steps)
    x = torch.randn(B, c, s, s, generator=generator)
    sy = sigma_y.reshape(-1, 1, 1, 1).float()
    for i, t in enumerate(ts):
        ap = abar[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        at = abar[t]
        alpha = at / ap
        a_t = ap.sqrt() * (1 - alpha) / (1 - at)                 # coefficient of x̂₀ in the posterior mean
        b_t = alpha.sqrt() * (1 - ap) / (1 - at)                 # coefficient of x_t
        var_t = ((1 - alpha) * (1 - ap) / (1 - at)).clamp_min(0)
        need_grad = correction is not None and zeta > 0
        with torch.set_grad_enabled(need_grad):
            xt = x.detach().requires_grad_(need_grad)
            x0 = tweedie_x0(xt, ctx.unet(xt, torch.full((B,), t)).sample, at)
            noisy = sy * a_t > var_t.sqrt()
            lam = torch.where(noisy, var_t.sqrt() / (a_t * sy).clamp_min(1e-12), torch.ones_like(sy))
            gamma = torch.where(noisy, torch.zeros_like(sy), var_t - (a_t * sy) ** 2).clamp_min(0)
            x0_hat = x0 - lam * op.A_pinv(op.A(x0) - y)
            x_next = a_t * x0_hat + b_t * xt
            if i + 1 < len(ts):
                x_next = x_next + gamma.sqrt() * torch.randn(x.shape, generator=generator)
            if need_grad:
                x_tilde = correction(x0_hat)
                (grad,) = torch.autograd.grad(frame_norm(x_tilde - x0_hat).sum(), xt)
                x_next = x_next - zeta * grad
        x = x_next.detach()
    return x.clamp(-1, 1)


def operators_for(ctx, rx, operator: str):
    """Per frame: (operator name, σ_y). 'auto' / 'auto_blur' follow the measured rule; a named operator
    takes σ_y from the same measurements."""
    family = "blur" if operator == "auto_blur" or operator.startswith("blur") else "avgpool"
    names, sigma = choose(ctx, rx.snr_db, family)
    if operator.startswith("auto"):
        return names, sigma
    rows = ctx.__dict__["_sing_rule"][family]
    grid = torch.tensor([r["snr_db"] for r in rows])
    idx = (rx.snr_db.reshape(-1, 1).float() - grid).abs().argmin(dim=1).tolist()
    return [operator] * len(rx), torch.tensor([rows[i]["sigma"][operator] for i in idx])


def decode_grouped(ctx, rx, operator: str, run) -> torch.Tensor:
    """x̂_JSCC, then ``run(op, y, x_hat, sigma_y, idx)`` on each group of frames that share an operator."""
    with torch.no_grad():
        x_hat = ctx.codec.decode(rx.symbols, rx.snr_db).clamp(-1, 1)
    names, sigma = operators_for(ctx, rx, operator)
    out = torch.empty_like(x_hat)
    for name in sorted(set(names)):
        idx = torch.tensor([i for i, n in enumerate(names) if n == name])
        op = make_degradation(name)
        out[idx] = run(op, op.A(x_hat[idx]), x_hat[idx], sigma[idx], idx)
    return out, names


OPERATORS = ("auto", "auto_blur", *FAMILIES["avgpool"], *FAMILIES["blur"])


@register
class SingZero:
    name = "sing_zero"
    defaults = {"steps": 100, "operator": "auto", "noise_aware": True}
    choices = {"operator": OPERATORS}

    def decode(self, rx, ctx, generator=None, steps=100, operator="auto", noise_aware=True) -> DecodeResult:
        def run(op, y, x_hat, sigma_y, idx):
            s = sigma_y if noise_aware else torch.zeros_like(sigma_y)
            with torch.no_grad():
                return null_space_sample(ctx, y, op, s, steps, generator)
        x, names = decode_grouped(ctx, rx, operator, run)
        n = len(spaced_timesteps(len(ctx.alphas_cumprod) - 1, steps))
        return DecodeResult(x, nfe=n, steps=n, info={"operator": names})
