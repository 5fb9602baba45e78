"""ICDM Lemma 1: after MMSE equalization with the known h_x, the real vectors x = [Re x_c; Im x_c],
z = [Re(h_z z_c); Im(h_z z_c)] and y satisfy  y = √P_x W_x x + √P_z W_z z + W_n n,  n ~ N(0, σ²/2 I).

All three matrices are 2×2-block diagonal per symbol, so they are stored as per-symbol coefficients
and applied in O(k) — never as 2k×2k matrices:
  W_x = |h|²/(|h|²+σ²) I          (real, the same on Re and Im)
  W_z = [[Re h, Im h], [−Im h, Re h]] / (|h|²+σ²)   (multiplication by h*/(|h|²+σ²) in ℂ)
  W_n = |h|/(|h|²+σ²) I
For AWGN all three are the identity (no equalization).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


def to_real(c: torch.Tensor) -> torch.Tensor:
    return torch.cat([c.real, c.imag], dim=-1)


def to_complex(r: torch.Tensor) -> torch.Tensor:
    k = r.shape[-1] // 2
    return torch.complex(r[..., :k], r[..., k:])


def repeat_rows(v, n: int):
    """Repeat each frame's row n times in a row (frame b → rows b·n … b·n+n−1); scalars pass through."""
    return v.repeat_interleave(n, 0) if torch.is_tensor(v) and v.ndim > 0 else v


@dataclass
class EqualizedModel:
    h_x: torch.Tensor | None      # (B, k) complex, None for AWGN
    sigma2: float | torch.Tensor  # scalar or per frame (B, 1)
    p_x: float | torch.Tensor = 1.0
    p_z: float | torch.Tensor = 1.0

    @property
    def _den(self):
        return self.h_x.abs().pow(2) + self.sigma2

    def wx(self) -> torch.Tensor:
        """Per-symbol real gain of W_x, shape (B, 2k)."""
        if self.h_x is None:
            return None
        g = self.h_x.abs().pow(2) / self._den
        return torch.cat([g, g], dim=-1)

    def wn2(self) -> torch.Tensor | float:
        """Diagonal of W_n² (B, 2k), or 1 for AWGN."""
        if self.h_x is None:
            return 1.0
        g = self.h_x.abs().pow(2) / self._den.pow(2)
        return torch.cat([g, g], dim=-1)

    def Wx(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.h_x is None else self.wx() * x

    def Wz(self, z: torch.Tensor) -> torch.Tensor:
        if self.h_x is None:
            return z
        return to_real(self.h_x.conj() / self._den * to_complex(z))

    def WzT(self, r: torch.Tensor) -> torch.Tensor:
        """W_zᵀ r: the adjoint of multiplication by a = h*/(|h|²+σ²) is multiplication by a* = h/(…)."""
        if self.h_x is None:
            return r
        return to_real(self.h_x / self._den * to_complex(r))

    def mean(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """√P_x W_x x + √P_z W_z z."""
        return self.p_x ** 0.5 * self.Wx(x) + self.p_z ** 0.5 * self.Wz(z)

    def repeat(self, n: int) -> "EqualizedModel":
        """The same model for every frame repeated n times in a row (frame b → rows b·n … b·n+n−1)."""
        return EqualizedModel(*(repeat_rows(v, n) for v in (self.h_x, self.sigma2, self.p_x, self.p_z)))

    def equalize(self, y_c: torch.Tensor) -> torch.Tensor:
        """The receiver's MMSE equalizer (ICDM eq. (4)), as a real vector."""
        if self.h_x is None:
            return to_real(y_c)
        return to_real(self.h_x.conj() / self._den * y_c)


def jcg(model: EqualizedModel, y: torch.Tensor, x_t: torch.Tensor, z_t: torch.Tensor, zeta_t: float):
    """Joint conditional gradients r̄_x, r̄_z of ICDM eq. (38):
       r̄_x = √P_x ζ_t² W_xᵀ (W_n²)⁻¹ (y/ζ_t − √P_x W_x x_t − √P_z W_z z_t), and likewise for z with W_z.
    They are ∇ log N(y; ζ_t W v_t, Θ_t) with Θ_t ≈ σ²/2 W_n² (eq. (36)), up to the constant 2/σ²
    that ICDM folds into β and γ (Remark 1)."""
    resid = y / zeta_t - model.mean(x_t, z_t)
    w = resid / model.wn2()
    gx = model.p_x ** 0.5 * zeta_t ** 2 * (w if model.h_x is None else model.wx() * w)
    gz = model.p_z ** 0.5 * zeta_t ** 2 * model.WzT(w)
    return gx, gz


def zeta(alpha_bar_t: torch.Tensor | float):
    """ICDM eq. (37): ζ_t ≈ 1/(2 − ᾱ_t) (the Gaussian-prior posterior-mean factor with σ̂² = 1)."""
    return 1.0 / (2.0 - alpha_bar_t)
