"""``diffjscc`` (DiffJSCC Algorithm 1, §II-C): conditional diffusion on the DeepJSCC reconstruction.

The control module (``models/control.py``, ``train diffjscc``) conditions the frozen prior on x̂_JSCC, the
CSI (SNR and the receiver's channel estimate) and the class the metric classifier reads from x̂_JSCC (the
pixel-space stand-in for DiffJSCC's BLIP-2 caption). Sampling runs ``steps`` spaced steps of the DDPM
posterior (Alg. 1; ``solver`` "ddim" for DDIM with η, "dpmpp_2m" for DPM-Solver++(2M)), optionally with
- classifier-free guidance ε = ε_∅ + w (ε_c − ε_∅) between the predicted class and the null class (w =
  ``cfg_scale``; 1 is the conditional model alone, one network evaluation per step);
- the intermediate guidance of eq. (17): x̂₀ ← x̃₀ − λ/(C·H·W) (x̃₀ − x̂_JSCC) (``lam``; 0 = none; λ = C·H·W,
  1024 here, replaces x̃₀ by x̂_JSCC entirely).
"""
from __future__ import annotations

import torch

from .registry import MODEL, DecodeResult, register
from .samplers import SOLVERS, make_solver, tweedie_x0
from .schedule import spaced_timesteps


def _models(ctx, name: str):
    """(ControlledPrior, its frozen prior, classifier), loaded once per context. The prior is the one the
    control module was trained on (named in its JSON), not necessarily the context's."""
    cache = ctx.__dict__.setdefault("_diffjscc", {})
    if name not in cache:
        from ..models.zoo import load_classifier, load_diffjscc
        net, meta, prior = load_diffjscc(name, fallback_prior=ctx.prior)
        clf = load_classifier(meta.get("classifier", "classifier_fmnist"))
        if clf.cfg.n_classes != net.cfg.n_classes:
            from ..models.store import ModelFileError
            raise ModelFileError(f"{name}: control module has {net.cfg.n_classes} classes, its classifier "
                                 f"{clf.cfg.n_classes}")
        for p in [*net.parameters(), *clf.parameters()]:
            p.requires_grad_(False)
        cache[name] = (ctx.guarded(net), prior, clf)
    return cache[name]


@torch.no_grad()
def conditional_sample(net, prior, n_classes: int, x_hat, snr_db, h_est, label, steps: int, lam: float = 0.0,
                       cfg_scale: float = 1.0, solver: str = "ancestral", eta: float = 1.0,
                       generator=None) -> torch.Tensor:
    """Algorithm 1 over ``steps`` spaced steps; ``label`` (B,) classes, ``n_classes`` the null class."""
    abar = prior.abar
    B = x_hat.shape[0]
    ts = spaced_timesteps(len(abar) - 1, steps)
    x = torch.randn(x_hat.shape, generator=generator)
    null = torch.full_like(label, n_classes)
    frac = lam / x_hat[0].numel()                                  # λ / (C_l H_l W_l), eq. (17)
    step = make_solver(solver, eta, B)
    for i, t in enumerate(ts):
        at = abar[t]
        ap = abar[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        tt = torch.full((B,), t)
        if cfg_scale == 1.0:
            eps = prior.epsilon(net(x, tt, x_hat, snr_db, h_est, label).sample, x, tt)
        else:       # conditional and unconditional in one batch
            two = lambda a: None if a is None else torch.cat([a, a])
            out = net(two(x), two(tt), two(x_hat), two(snr_db), two(h_est), torch.cat([label, null])).sample
            e_c, e_u = prior.epsilon(out, two(x), two(tt)).chunk(2)
            eps = e_u + cfg_scale * (e_c - e_u)
        x0 = tweedie_x0(x, eps, at)
        if frac:
            x0 = x0 - frac * (x0 - x_hat)
            eps = (x - at.sqrt() * x0) / (1 - at).sqrt()           # the ε consistent with the guided x̂₀
        x = x0 if i + 1 == len(ts) else step(x, x0, eps, at, ap, generator=generator)
    return x.clamp(-1, 1)


@register
class DiffJSCC:
    name = "diffjscc"
    defaults = {"steps": 50, "lam": 0.0, "cfg_scale": 1.0, "solver": "ancestral", "eta": 1.0,
                "class_condition": True, "model": "diffjscc_fmnist"}
    choices = {"solver": SOLVERS, "model": MODEL}

    def decode(self, rx, ctx, generator=None, steps=50, lam=0.0, cfg_scale=1.0, solver="ancestral", eta=1.0,
               class_condition=True, model="diffjscc_fmnist") -> DecodeResult:
        net, prior, clf = _models(ctx, model)
        n_classes = clf.cfg.n_classes
        with torch.no_grad():
            x_hat = ctx.codec.decode(rx.symbols, rx.snr_db).clamp(-1, 1)
            label = clf(x_hat).argmax(1) if class_condition else torch.full((len(rx),), n_classes)
        snr = rx.snr_db.float().reshape(-1)
        x = conditional_sample(net, prior, n_classes, x_hat, snr, rx.h_est, label, steps, lam, cfg_scale, solver, eta,
                               generator)
        n = len(spaced_timesteps(len(prior.abar) - 1, steps))
        return DecodeResult(x, nfe=n * (1 if cfg_scale == 1.0 else 2), steps=n,
                            info={"class": label.tolist()})
