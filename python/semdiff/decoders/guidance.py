"""Guidance terms, separate from the solver (DiffCom eqs. (16)–(20), (25)–(26)).

Each returns a per-frame loss whose gradient w.r.t. x_t (and h_t) steers the sampler:
  measurement  ‖y − W_h(E(x̂₀|t))‖                         (DiffCom Alg. 1 line 15 / Alg. 2 line 15)
  confirming   ‖x_d − D(W_h⁻¹(W_h(E(x̂₀|t))))‖            (HiFi-DiffCom Alg. 2 line 17)
We take the gradient of the norm rather than the squared norm: that is DPS's step normalisation
(ζ_t = ζ / ‖y − A(x̂₀)‖), which makes one ζ work across SNRs and frame sizes.
"""
from __future__ import annotations

import torch


def frame_norm(d: torch.Tensor) -> torch.Tensor:
    return d.reshape(d.shape[0], -1).abs().pow(2).sum(dim=1).clamp_min(1e-20).sqrt()


def predicted_symbols(ctx, x0: torch.Tensor, rx, snr_db: torch.Tensor, equalized: bool = True,
                      taps: torch.Tensor | None = None) -> torch.Tensor:
    """W_h(E(x̂₀)) with the receiver's estimate h (or candidate ``taps``) — what y should be."""
    z = ctx.codec.encode(x0, snr_db)
    if taps is not None:
        return ctx.link.forward(z, taps=taps, sigma2=rx.noise_var, equalized=equalized)
    return ctx.link.forward(z, rx.h_est, rx.noise_var, equalized=equalized)


def measurement_loss(ctx, x0, rx) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (per-frame ‖y − W_h(E(x̂₀))‖, the predicted symbols)."""
    y_hat = predicted_symbols(ctx, x0, rx, rx.snr_db)
    return frame_norm(rx.symbols - y_hat), y_hat


def confirming_loss(ctx, y_hat: torch.Tensor, x_d: torch.Tensor, rx) -> torch.Tensor:
    """‖x_d − D(W_h⁻¹(W_h(E(x̂₀))))‖: y_hat already went through W_h and the receiver's equalizer."""
    return frame_norm(x_d - ctx.codec.decode(y_hat, rx.snr_db))


def channel_prior_score(h_t: torch.Tensor, pdp: torch.Tensor, abar_t) -> torch.Tensor:
    """∇ log p_t(h_t) for h ~ CN(0, diag(pdp)) noised to step t: h_t ~ CN(0, ᾱ_t·pdp + (1 − ᾱ_t))
    (DiffCom eq. (26)'s −h/σ_h², exact at every t)."""
    var = abar_t * pdp + (1 - abar_t)
    return -h_t / var
