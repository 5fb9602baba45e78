"""``blind_diffcom`` (DiffCom Alg. 3): pilot-free decoding. The multipath taps h are sampled jointly with
x — h with the analytic score of its exponential-PDP Gaussian prior (eq. (26)), x with the image prior —
and both are guided by ‖y − W_ĥ₀(E(x̂₀))‖ on the *un-equalized* data REs (eq. (25))."""
from __future__ import annotations

import torch

from .guidance import channel_prior_score, frame_norm, predicted_symbols
from .registry import DecodeResult, register
from .samplers import ancestral_step, solver_step, tweedie_x0
from .schedule import spaced_timesteps


@register
class BlindDiffCom:
    name = "blind_diffcom"
    defaults = {"steps": 1000, "zeta_x": 0.6, "zeta_h": 0.1, "solver": "ancestral", "eta": 1.0}

    def decode(self, rx, ctx, generator=None, steps=1000, zeta_x=0.6, zeta_h=0.1, solver="ancestral",
               eta=1.0) -> DecodeResult:
        if rx.raw is None:
            raise ValueError("blind_diffcom needs the un-equalized data REs (rx.raw): run the deframer with "
                             "estimator='none'")
        abar = ctx.alphas_cumprod
        pdp = ctx.link.cfg.channel.pdp
        B, L = len(rx), len(pdp)
        c, s = ctx.unet.config.in_channels, ctx.unet.config.sample_size
        x = torch.randn(B, c, s, s, generator=generator)
        h = torch.randn(B, L, dtype=torch.complex64, generator=generator)   # h_T ~ CN(0, I)
        ts = spaced_timesteps(len(abar) - 1, steps)
        h0 = h
        for i, t in enumerate(ts):
            t_prev = ts[i + 1] if i + 1 < len(ts) else -1
            a_t = abar[t]
            a_p = abar[t_prev] if t_prev >= 0 else torch.tensor(1.0)
            x = x.detach().requires_grad_(True)
            h = h.detach().requires_grad_(True)
            eps = ctx.unet(x, torch.full((B,), t)).sample
            x0 = tweedie_x0(x, eps, a_t)
            h0 = (h + (1 - a_t) * channel_prior_score(h, pdp, a_t)) / a_t.sqrt()     # Alg. 3 line 5
            x_next = solver_step(solver, x, x0, eps, a_t, a_p, eta, generator)
            h_next = ancestral_step(h, h0, a_t, a_p, generator)
            y_hat = predicted_symbols(ctx, x0, rx, rx.snr_db, equalized=False, taps=h0[:, None, :])
            loss = frame_norm(rx.raw - y_hat).sum()
            gx, gh = torch.autograd.grad(loss, (x, h))
            x = (x_next - zeta_x * gx).detach()
            h = (h_next - zeta_h * gh).detach()
        info = {"h_est": h0.detach()}
        if rx.taps_true is not None:
            info["d_h"] = (h0.detach() - rx.taps_true).abs().pow(2).sum(dim=1)
        return DecodeResult(x.detach().clamp(-1, 1), nfe=len(ts), steps=len(ts), info=info)
