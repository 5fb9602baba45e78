"""``blind_diffcom`` (DiffCom Alg. 3): pilot-free decoding. The multipath taps h are sampled jointly with
x — h with the analytic score of its exponential-PDP Gaussian prior (eq. (26)), x with the image prior —
and both are guided by ‖y − W_ĥ₀(E(x̂₀))‖ on the *un-equalized* data REs (eq. (25)).

``channel="lmmse"`` replaces the sampled h by its decision-directed LMMSE estimate given the current
symbols E(x̂₀) (the received data REs are linear in the taps, so this is an L×L solve per frame with
the same exponential-PDP prior). Not in the paper: measured here, sampling h from its prior (Alg. 3)
did not lock onto the channel with our small image prior, while the closed-form update does."""
from __future__ import annotations

import torch

from .guidance import channel_prior_score, frame_norm, predicted_symbols
from .registry import DecodeResult, register
from .samplers import SOLVERS, ancestral_step, make_solver, tweedie_x0
from .schedule import spaced_timesteps


def channel_lmmse(ctx, z: torch.Tensor, rx, pdp: torch.Tensor) -> torch.Tensor:
    """LMMSE taps given symbols z: y = A h + n with A's columns the un-equalized REs for unit taps,
    h ~ CN(0, diag(pdp)) — ĥ = (AᴴA + σ² diag(pdp)⁻¹)⁻¹ Aᴴ y, an L×L solve per frame."""
    B, L = z.shape[0], len(pdp)
    eye = torch.eye(L, dtype=torch.complex64)
    A = torch.stack([ctx.link.forward(z, taps=eye[l].expand(B, 1, L), equalized=False) for l in range(L)], -1)
    Ah = A.conj().transpose(1, 2)
    reg = rx.noise_var.reshape(B, 1, 1).to(torch.complex64) * torch.diag(1 / pdp.to(torch.complex64))[None]
    return torch.linalg.solve(Ah @ A + reg, Ah @ rx.raw.to(torch.complex64)[..., None])[..., 0]


@register
class BlindDiffCom:
    name = "blind_diffcom"
    defaults = {"steps": 1000, "zeta_x": 0.6, "zeta_h": 0.1, "solver": "ancestral", "eta": 1.0,
                "channel": "sample", "restarts": 1}
    choices = {"solver": SOLVERS, "channel": ("sample", "lmmse")}

    def decode(self, rx, ctx, generator=None, steps=1000, zeta_x=0.6, zeta_h=0.1, solver="ancestral",
               eta=1.0, channel="sample", restarts=1) -> DecodeResult:
        """``restarts`` > 1 runs that many chains per frame in one batch and keeps, per frame, the one whose
        final (ĥ, x̂) explains the received REs best — the joint problem has wrong fixed points (a chain
        that starts from a poor channel guess can settle on a rotated or mis-scaled pair)."""
        if restarts > 1:
            B = len(rx)
            rep = rx.select(torch.arange(B).repeat_interleave(restarts))
            r = self.decode(rep, ctx, generator, steps, zeta_x, zeta_h, solver, eta, channel, 1)
            best = r.info["residual"].reshape(B, restarts).argmin(1) + torch.arange(B) * restarts
            info = {k: v[best] for k, v in r.info.items()}
            return DecodeResult(r.images[best], nfe=r.nfe * restarts, steps=r.steps, info=info)
        if channel not in ("sample", "lmmse"):
            raise ValueError(f"channel must be 'sample' (Alg. 3) or 'lmmse', got {channel!r}")
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
        step = make_solver(solver, eta, B)
        for i, t in enumerate(ts):
            t_prev = ts[i + 1] if i + 1 < len(ts) else -1
            a_t = abar[t]
            a_p = abar[t_prev] if t_prev >= 0 else torch.tensor(1.0)
            x = x.detach().requires_grad_(True)
            h = h.detach().requires_grad_(True)
            eps = ctx.unet(x, torch.full((B,), t)).sample
            x0 = tweedie_x0(x, eps, a_t)
            if channel == "lmmse":
                with torch.no_grad():
                    h0 = channel_lmmse(ctx, ctx.codec.encode(x0, rx.snr_db), rx, pdp)
            else:
                h0 = (h + (1 - a_t) * channel_prior_score(h, pdp, a_t)) / a_t.sqrt()     # Alg. 3 line 5
            x_next = step(x, x0, eps, a_t, a_p, generator=generator)
            h_next = ancestral_step(h, h0, a_t, a_p, generator)
            y_hat = predicted_symbols(ctx, x0, rx, rx.snr_db, equalized=False, taps=h0[:, None, :])
            loss = frame_norm(rx.raw - y_hat).sum()
            if channel == "lmmse":
                (gx,) = torch.autograd.grad(loss, x)
                gh = torch.zeros_like(h)
            else:
                gx, gh = torch.autograd.grad(loss, (x, h))
            x = (x_next - zeta_x * gx).detach()
            h = (h_next - zeta_h * gh).detach()
        with torch.no_grad():
            x_out = x.clamp(-1, 1)
            y_hat = predicted_symbols(ctx, x_out, rx, rx.snr_db, equalized=False, taps=h0.detach()[:, None, :])
            info = {"h_est": h0.detach(), "residual": frame_norm(rx.raw - y_hat)}
        if rx.taps_true is not None:
            info["d_h"] = (h0.detach() - rx.taps_true).abs().pow(2).sum(dim=1)
        return DecodeResult(x_out, nfe=len(ts), steps=len(ts), info=info)
