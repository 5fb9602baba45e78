"""``sing_inn`` (SING Algorithm 2, §IV-C): SING-Zero's null-space step, then the conditional INN splits the
estimate x̂₀|t into a coarse part and details, the coarse part is replaced by the DeepJSCC reconstruction's
(its Haar low band), and the INN's inverse gives x̃₀|t; the step ends with x_{t'} −= ζ ∇_{x_t}‖x̃₀|t − x̂₀|t‖²
(line 9). The INN (models/inn.py, ``train inn``) is conditioned on SNR and CBR.

ζ follows the paper's SNR schedule (§V: 0.3 at −5/−3 dB, 0.4 at −1/1 dB, 0.5 at 3/5 dB; held beyond),
scaled by ``zeta_scale``.
"""
from __future__ import annotations

import torch.nn.functional as F

from .registry import MODEL, DecodeResult, register
from .schedule import spaced_timesteps
from .sing import OPERATORS, decode_grouped, null_space_sample


def paper_zeta(snr_db: float) -> float:
    return 0.3 if snr_db < -2 else 0.4 if snr_db < 2 else 0.5


def _inn(ctx, name: str):
    cache = ctx.__dict__.setdefault("_inn", {})
    if name not in cache:
        from ..models.zoo import load_inn
        cache[name] = load_inn(name)
        for p in cache[name].parameters():
            p.requires_grad_(False)
    return cache[name]


@register
class SingINN:
    name = "sing_inn"
    defaults = {"steps": 100, "operator": "auto", "zeta_scale": 1.0, "inn": "inn_fmnist"}
    choices = {"operator": OPERATORS, "inn": MODEL}

    def decode(self, rx, ctx, generator=None, steps=100, operator="auto", zeta_scale=1.0,
               inn="inn_fmnist") -> DecodeResult:
        net = _inn(ctx, inn)

        def run(op, y, x_hat, sigma_y, idx):
            snr = rx.snr_db[idx]
            cond = net.condition(snr, ctx.cbr, len(idx))
            low = 2 * F.avg_pool2d(x_hat, 2)                      # the JSCC image's Haar low band

            def correction(x0_hat):
                _, d = net(x0_hat, cond)
                return net.inverse(low, d, cond)
            zeta = zeta_scale * paper_zeta(float(snr.mean()))
            return null_space_sample(ctx, y, op, sigma_y, steps, generator, correction, zeta)

        x, names = decode_grouped(ctx, rx, operator, run)
        n = len(spaced_timesteps(len(ctx.alphas_cumprod) - 1, steps))
        return DecodeResult(x, nfe=n, steps=n, info={"operator": names})
