"""Pilot-based channel estimation (LS, LMMSE), noise-variance estimation, and equalization (ZF, MMSE).

All estimators work on the L-tap delay model H = F h, F[c, l] = exp(-j2π c l / N) over carriers c,
with a known power-delay profile D = diag(σ_l²) for LMMSE:

  LMMSE (carriers a from pilots p):  Ĥ_a = F_a (σ² D⁻¹ + F_pᴴ F_p)⁻¹ F_pᴴ Ĥ_LS,p
  — the Woodbury form of R_ap (R_pp + σ² I)⁻¹ Ĥ_LS,p with R = F D Fᴴ; one L×L solve per frame instead
  of a carriers×carriers inverse, and the same formula for block pilots (a = p = all used carriers)
  and comb pilots (a = data carriers: LMMSE interpolation).

  Noise: the part of Ĥ_LS outside the L-tap subspace is noise only, so
  σ̂² = ‖(I − F_p F_p⁺) Ĥ_LS‖² / (n_estimates · (N_p − L)).

  LS on comb pilots interpolates linearly over carrier index (per OFDM symbol).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from .grid import ResourceGrid

ESTIMATORS = ("ls", "lmmse", "perfect", "none")
EQUALIZERS = ("zf", "mmse")


def delay_matrix(carriers, n_taps: int, fft_len: int) -> torch.Tensor:
    c = torch.as_tensor(carriers, dtype=torch.float64)[:, None]
    l = torch.arange(n_taps, dtype=torch.float64)[None, :]
    return torch.exp(-2j * math.pi * c * l / fft_len).to(torch.complex64)


def _interp_weights(pilots, targets):
    """Linear interpolation indices/weights from pilot carriers to target carriers (clamped ends)."""
    p = np.asarray(pilots, dtype=np.float64)
    t = np.asarray(targets, dtype=np.float64)
    hi = np.clip(np.searchsorted(p, t), 1, len(p) - 1)
    lo = hi - 1
    w = np.clip((t - p[lo]) / (p[hi] - p[lo]), 0.0, 1.0)
    return torch.as_tensor(lo), torch.as_tensor(hi), torch.as_tensor(w, dtype=torch.float32)


class ChannelEstimator:
    """Estimates H on the data carriers of every data OFDM symbol, and the noise variance."""

    def __init__(self, grid: ResourceGrid, method: str = "lmmse", pdp: torch.Tensor | None = None):
        if method not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {ESTIMATORS}, got {method!r}")
        self.g, self.method = grid, method
        self.pdp = torch.ones(1) if pdp is None else torch.as_tensor(pdp, dtype=torch.float32)
        L = len(self.pdp)
        pc = grid.carriers if grid.pilot_type == "block" else grid.pilot_carriers
        if len(pc) <= L and method in ("ls", "lmmse"):
            raise ValueError(f"{len(pc)} pilot carriers cannot resolve an {L}-tap channel "
                             f"(need more pilot carriers than taps)")
        self.pilot_carriers = pc
        self.F_p = delay_matrix(pc, L, grid.fft_len)
        self.F_a = delay_matrix(grid.data_carriers, L, grid.fft_len)
        self.G = self.F_p.conj().T @ self.F_p                         # F_pᴴ F_p (L×L)
        self.F_p_pinv = torch.linalg.pinv(self.F_p)                  # L×N_p
        self.pilots = torch.as_tensor(grid.pilot_values())
        self.pilot_bins = torch.as_tensor(grid.bins(pc))
        if grid.pilot_type == "block":
            # block pilots span every used carrier and the data carriers are the same set
            self.data_in_pilots = torch.as_tensor([pc.index(c) for c in grid.data_carriers])
        else:
            self.lo, self.hi, self.w = _interp_weights(pc, grid.data_carriers)

    def ls(self, Y: torch.Tensor) -> torch.Tensor:
        """LS estimates on the pilot REs: (B, n_est, N_p) with n_est pilot symbols (block) or data
        symbols (comb)."""
        g = self.g
        if g.pilot_type == "block":
            Yp = Y[:, :g.n_pilot_symbols, self.pilot_bins]
        else:
            Yp = Y[:, g.n_pilot_only_symbols:, self.pilot_bins]
        return Yp / self.pilots.to(Y.dtype)

    def noise_var(self, H_ls: torch.Tensor) -> torch.Tensor:
        """σ̂² per frame from the LS residual outside the L-tap subspace."""
        resid = H_ls - (H_ls @ self.F_p_pinv.T) @ self.F_p.T
        n_p, L = self.F_p.shape
        return resid.abs().pow(2).sum(dim=(1, 2)) / (H_ls.shape[1] * (n_p - L))

    def lmmse(self, H_ls: torch.Tensor, sigma2: torch.Tensor) -> torch.Tensor:
        """(B, n, N_p) LS -> (B, n, N_data) LMMSE on the data carriers."""
        A = self.G[None] + (sigma2[:, None, None] / self.pdp[None, None, :]).to(self.G.dtype) * torch.eye(
            len(self.pdp), dtype=self.G.dtype)                        # σ² D⁻¹ + F_pᴴ F_p
        rhs = (H_ls @ self.F_p.conj()).transpose(1, 2)                # F_pᴴ Ĥ_LS  -> (B, L, n)
        taps = torch.linalg.solve(A, rhs)                            # (B, L, n)
        return (self.F_a @ taps).transpose(1, 2)

    def estimate(self, Y: torch.Tensor, noise_var: torch.Tensor | None = None):
        """Return (H on data REs (B, S_d, N_data), σ² (B,))."""
        g = self.g
        B = Y.shape[0]
        H_ls = self.ls(Y)
        sigma2 = self.noise_var(H_ls) if noise_var is None else torch.as_tensor(
            noise_var, dtype=torch.float32).expand(B).clone()
        if g.pilot_type == "block":
            # averaging n_p pilot symbols divides the estimation noise by n_p
            H_avg = H_ls.mean(dim=1, keepdim=True)
            if self.method == "lmmse":
                H = self.lmmse(H_avg, sigma2 / H_ls.shape[1])
            else:
                H = H_avg[..., self.data_in_pilots]
            H = H.expand(B, g.n_data_symbols, -1)
        else:
            if self.method == "lmmse":
                H = self.lmmse(H_ls, sigma2)
            else:
                H = H_ls[..., self.lo] * (1 - self.w) + H_ls[..., self.hi] * self.w
        return H, sigma2


def equalize(Yd: torch.Tensor, H: torch.Tensor, sigma2: torch.Tensor, kind: str = "mmse") -> torch.Tensor:
    """ZF: Y/H.  MMSE: Hᴴ Y / (|H|² + σ²) per resource element."""
    if kind == "zf":
        return Yd / H
    if kind == "mmse":
        s2 = torch.as_tensor(sigma2, dtype=torch.float32)
        s2 = s2.reshape(-1, *([1] * (Yd.ndim - 1))) if s2.ndim == 1 else s2
        return H.conj() * Yd / (H.abs().pow(2) + s2)
    raise ValueError(f"equalizer must be one of {EQUALIZERS}, got {kind!r}")


def analytic_nmse(grid: ResourceGrid, pdp: torch.Tensor, sigma2: float, method: str) -> float:
    """Expected NMSE of the block-pilot estimate per used carrier (E|H|² = 1):
    LS: σ²/n_p;  LMMSE: (1/N_u) Σ_i λ_i σ'²/(λ_i + σ'²), λ_i the eigenvalues of R = F D Fᴴ, σ'² = σ²/n_p."""
    s2 = sigma2 / grid.n_pilot_symbols
    if method == "ls":
        return s2
    F = delay_matrix(grid.carriers, len(pdp), grid.fft_len).to(torch.complex128)
    R = F @ torch.diag(torch.as_tensor(pdp, dtype=torch.complex128)) @ F.conj().T
    lam = torch.linalg.eigvalsh(R).clamp_min(0)
    return float((lam * s2 / (lam + s2)).sum() / len(grid.carriers))
