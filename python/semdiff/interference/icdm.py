"""ICDM interference cancellation on frames of equalized symbols (ICDM Algorithm 3), batched.

Inputs per frame: the MMSE-equalized symbols y (complex, k), the known desired-signal channel h_x per
symbol (None for AWGN), the noise variance σ² and the SINR (which fixes P_z = P_x/SINR − σ²). The two
symbol priors are ε-prediction networks over [Re; Im] (``models.symbol_prior``); for a Rayleigh channel
the interferer prior models h_z·z_c (ICDM eq. (2): h_z is folded into z).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..models.prior import make_scheduler
from .conjpc import icdm_sample
from .lemma1 import EqualizedModel, to_complex, to_real


@dataclass
class ICDMParams:
    steps: int = 40
    order: int = 2
    beta: float = 1.0
    gamma: float = 1.0
    corrector: bool = True
    samples: int = 1      # posterior samples averaged per frame (1 = one draw, as in ICDM Alg. 3)


def cancel(y_eq: torch.Tensor, h_x: torch.Tensor | None, sigma2: torch.Tensor, sinr_db: torch.Tensor,
           prior_x, prior_z, params: ICDMParams = ICDMParams(), generator=None, p_x: float = 1.0):
    """Returns (x̂ complex (B, k), interference estimate √P_z W_z ẑ as received after equalization
    (B, k), network evaluations per prior)."""
    sigma2 = torch.as_tensor(sigma2, dtype=torch.float32).reshape(-1, 1)
    p_z = (p_x * 10 ** (-torch.as_tensor(sinr_db, dtype=torch.float32).reshape(-1, 1) / 10) - sigma2)
    if bool((p_z <= 0).any()):
        raise ValueError("SINR above SNR for some frame: no interference power left to cancel")
    model = EqualizedModel(h_x, sigma2, p_x, p_z)
    abar = make_scheduler().alphas_cumprod
    with torch.no_grad():
        x, z, nfe = icdm_sample(to_real(y_eq), model, lambda v, t: prior_x(v, t), lambda v, t: prior_z(v, t),
                                abar, params.steps, params.order, params.beta, params.gamma, params.corrector,
                                generator, samples=params.samples)
    return to_complex(x), to_complex(p_z ** 0.5 * model.Wz(z)), nfe
