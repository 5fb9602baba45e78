"""ICDM's p-order joint conditional predictor-corrector sampler (p-ConJPC, ICDM eqs. (39)–(49),
Algorithms 2–3) over the signal and interference symbol vectors together.

Time runs here as in diffusers (t = T−1 … 0, ᾱ growing towards the clean end); ICDM's paper counts the
other way. With λ_t = ½ log(ᾱ_t/(1−ᾱ_t)) (ICDM's ρ_t) and h = λ_t − λ_s for a step s → t:

  predictor  x̄_t = √(ᾱ_t/ᾱ_s) x_s − σ_t (eʰ − 1) r_s − σ_t h Σ_{m<p} a_m D_m     (eq. (41)/(42))
  corrector  x_t  = √(ᾱ_t/ᾱ_s) x_s − σ_t (eʰ − 1) r_s − σ_t h (Σ_{m<p} c_m D_m + c_p (ε̂(x̄_t) − r_s))
with D_m = (r_{s_m} − r_s)/w_m, w_m = (λ_{s_m} − λ_s)/h, and a, c solving the UniPC-type systems of
eqs. (43)–(44) (B(h) = h). r = ε̂ − β r̄ is the guided noise prediction of eq. (40) (JCG, eq. (38));
the corrector uses the *unconditional* ε̂ at the predicted point, as ICDM specifies, and that network
output is reused at the next step, so each step costs one evaluation per prior. The first p steps use
lower orders (Algorithm 3 lines 2–6). ``order=1, corrector=False`` is the first-order (DDIM-equivalent)
solver with the same gradients.
"""
from __future__ import annotations

import math

import torch

from ..decoders.schedule import spaced_timesteps
from .lemma1 import EqualizedModel, jcg, repeat_rows, zeta


def _coefficients(rks: list[float], h: float, order: int) -> torch.Tensor:
    """Solve R a = b with R[i, m] = r_m^i and b_i = h·φ_{i+1}(h)·(i+1)!/B(h), B(h) = h (UniPC bh1)."""
    hh = h
    h_phi_1 = math.expm1(hh)
    h_phi_k = h_phi_1 / hh - 1
    fact = 1
    R, b = [], []
    r = torch.tensor(rks, dtype=torch.float64)
    for i in range(1, order + 1):
        R.append(r ** (i - 1))
        b.append(h_phi_k * fact / hh)
        fact *= i + 1
        h_phi_k = h_phi_k / hh - 1 / fact
    R, b = torch.stack(R), torch.tensor(b, dtype=torch.float64)
    if order == 1:
        return torch.tensor([0.5], dtype=torch.float64)
    return torch.linalg.solve(R, b)


class ConJPC:
    """One solver state per variable (signal or interference): keeps the last p guided predictions."""

    def __init__(self, order: int):
        if order < 1:
            raise ValueError(f"order p must be >= 1, got {order}")
        self.order = order
        self.hist: list[tuple[float, torch.Tensor]] = []   # (λ, r) newest last

    def step(self, x_s, r_s, lam_s, abar_s, abar_t, eps_fn=None, corrector=True):
        """Advance x_s → x_t. ``eps_fn(x̄_t)`` gives the unconditional ε̂ at the predicted point (for the
        corrector); returns (x_t, ε̂(x̄_t) or None)."""
        sig_t = (1 - abar_t) ** 0.5
        lam_t = 0.5 * math.log(abar_t / (1 - abar_t))
        h = lam_t - lam_s
        self.hist.append((lam_s, r_s))
        self.hist = self.hist[-self.order:]
        p = len(self.hist)                      # lower order until p previous points exist
        rks, D = [], []
        for lam_m, r_m in reversed(self.hist[:-1]):
            rk = (lam_m - lam_s) / h
            rks.append(rk)
            D.append((r_m - r_s) / rk)
        base = (abar_t / abar_s) ** 0.5 * x_s - sig_t * math.expm1(h) * r_s
        x_t = base
        if D:
            a = _coefficients(rks, h, p - 1) if p - 1 > 1 else torch.tensor([0.5], dtype=torch.float64)
            x_t = base - sig_t * h * sum(float(a[m]) * D[m] for m in range(len(D)))
        if not corrector or eps_fn is None:
            return x_t, None
        eps_t = eps_fn(x_t)
        c = _coefficients(rks + [1.0], h, p)
        corr = sum(float(c[m]) * D[m] for m in range(len(D))) if D else 0.0
        return base - sig_t * h * (corr + float(c[-1]) * (eps_t - r_s)), eps_t


GUIDANCE = ("icdm", "dps", "gdm", "projection", "cddm")


def guidance_gradients(kind: str, model: EqualizedModel, y, x, z, ex, ez, a_s: float, generator=None):
    """Likelihood-ascent directions (r̄_x, r̄_z) for the guidance variants of ICDM Table I:
    icdm (eq. (38)), dps (eq. (51)), gdm (eq. (52)), projection (eqs. (53)–(54)). All share one sign
    convention: adding them moves W v towards y. ``cddm`` (Table II's baseline) has no interferer
    branch: the interference is treated as noise (folded into σ² by ``icdm_sample``)."""
    if kind in ("icdm", "cddm"):
        return jcg(model, y, x, z, float(zeta(a_s)))
    if kind == "projection":
        y_t = a_s ** 0.5 * y + (1 - a_s) ** 0.5 * torch.randn(y.shape, generator=generator)
        resid = y_t - model.mean(x, z)
        return model.p_x ** 0.5 * model.Wx(resid), model.p_z ** 0.5 * model.WzT(resid)
    # DPS / GDM work on the one-step Tweedie estimates x̂_T, ẑ_T (eq. (50))
    x0 = (x - (1 - a_s) ** 0.5 * ex) / a_s ** 0.5
    z0 = (z - (1 - a_s) ** 0.5 * ez) / a_s ** 0.5
    resid = y - model.mean(x0, z0)
    if kind == "dps":
        w = resid / (2 * resid.norm(dim=1, keepdim=True).clamp_min(1e-12))          # κ_t
    elif kind == "gdm":
        wx2 = 1.0 if model.h_x is None else model.wx() ** 2
        wz2 = 1.0 if model.h_x is None else torch.cat([1 / model._den] * 2, dim=-1) ** 2 * torch.cat(
            [model.h_x.abs() ** 2] * 2, dim=-1)
        c = (2 - a_s) * y.pow(2).sum(dim=1, keepdim=True) / (1 - a_s)
        w = resid / (wx2 + wz2 + c)
    else:
        raise ValueError(f"guidance must be one of {GUIDANCE}, got {kind!r}")
    return model.p_x ** 0.5 * model.Wx(w), model.p_z ** 0.5 * model.WzT(w)


def icdm_sample(y: torch.Tensor, model: EqualizedModel, eps_x, eps_z, alphas_cumprod: torch.Tensor,
                steps: int = 40, order: int = 2, beta: float = 1.0, gamma: float = 1.0, corrector: bool = True,
                generator=None, guidance: str = "icdm", samples: int = 1, power_normalised: bool = True):
    """ICDM Algorithm 3: estimate (x̂, ẑ) from the equalized real observation y (B, 2k).

    ``samples`` > 1 draws that many posterior samples per frame in one batch and returns their mean:
    the sampler's single draw has twice the MMSE in expectation, the mean approaches the posterior
    mean (the MSE-optimal estimate) — worth it because the symbol priors are small MLPs.

    eps_x(v, t), eps_z(v, t): the two symbol-prior noise predictors (t an int tensor (B,)).
    ``guidance`` picks the likelihood-gradient estimate (ablations of ICDM Tables I–II).
    ``power_normalised`` (not in the paper): β and γ are the strengths for P_x + P_z = 2 (SINR 0 dB) and are
    scaled per frame by 2/(P_x + P_z). The guidance term is a quadratic whose curvature grows with
    P_x W_x² + P_z W_z², so a fixed β that suits SINR 0 dB makes the explicit step unstable when the
    interferer is strong. Measured (jscc-pair, AWGN, β = 8, 100 frames): SINR −10 dB −35.5 dB "gain"
    unscaled vs +11.5 dB scaled, −7 dB +4.5 vs +10.2; at 0 … 10 dB the two agree within 0.2 dB and under
    Rayleigh fading at 10 dB the scaled form gains +3.7 vs +3.0 dB.
    Returns (x̂, ẑ, network evaluations per prior)."""
    if guidance not in GUIDANCE:
        raise ValueError(f"guidance must be one of {GUIDANCE}, got {guidance!r}")
    if power_normalised:
        scale = 2.0 / (model.p_x + model.p_z)
        beta, gamma = beta * scale, gamma * scale
    if samples > 1:
        x, z, nfe = icdm_sample(y.repeat_interleave(samples, 0), model.repeat(samples), eps_x, eps_z,
                                alphas_cumprod, steps, order, repeat_rows(beta, samples), repeat_rows(gamma, samples),
                                corrector, generator, guidance, power_normalised=False)
        return (x.reshape(-1, samples, x.shape[-1]).mean(1), z.reshape(-1, samples, z.shape[-1]).mean(1), nfe)
    if guidance == "cddm":   # interference as noise: no z branch, its power added to σ² (CDDM-style)
        model = EqualizedModel(model.h_x, model.sigma2 + model.p_z, model.p_x, 0.0)
    B, d = y.shape
    x = torch.randn(B, d, generator=generator)
    z = torch.randn(B, d, generator=generator)
    ts = spaced_timesteps(len(alphas_cumprod) - 1, steps + 1)
    sx, sz = ConJPC(order), ConJPC(order)
    ex = ez = None
    nfe = 0
    for i in range(len(ts) - 1):
        s, t = ts[i], ts[i + 1]
        a_s, a_t = float(alphas_cumprod[s]), float(alphas_cumprod[t])
        tt = torch.full((B,), s)
        if ex is None:                                   # first step: nothing to reuse
            with torch.no_grad():
                ex, ez = eps_x(x, tt), eps_z(z, tt)
            nfe += 1
        gx, gz = guidance_gradients(guidance, model, y, x, z, ex, ez, a_s, generator)
        r_x, r_z = ex - beta * gx, ez - gamma * gz        # eq. (40)
        lam_s = 0.5 * math.log(a_s / (1 - a_s))
        tn = torch.full((B,), t)
        with torch.no_grad():
            x, ex = sx.step(x, r_x, lam_s, a_s, a_t, (lambda v: eps_x(v, tn)) if corrector else None, corrector)
            z, ez = sz.step(z, r_z, lam_s, a_s, a_t, (lambda v: eps_z(v, tn)) if corrector else None, corrector)
        if not corrector:
            ex = ez = None
        nfe += 1 if corrector else 0
    # last point: Tweedie denoise to the clean end with the guided prediction
    a0 = float(alphas_cumprod[ts[-1]])
    with torch.no_grad():
        if ex is None:
            tt = torch.full((B,), ts[-1])
            ex, ez = eps_x(x, tt), eps_z(z, tt)
            nfe += 1
    x0 = (x - (1 - a0) ** 0.5 * ex) / a0 ** 0.5
    z0 = (z - (1 - a0) ** 0.5 * ez) / a0 ** 0.5
    return x0, z0, nfe
