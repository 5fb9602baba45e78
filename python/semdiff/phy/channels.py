"""Channel models on time-domain frames, batched; each returns the true channel for evaluation.

SNR convention (DESIGN.md, stated once here): SNR = Es/N0 on the resource grid — the average energy
of a received data symbol, for data symbols of unit power and a channel of unit average power, over
the noise variance per subcarrier. With the unitary FFT the time-domain noise variance per complex
sample equals the per-subcarrier one, so σ² = 10^(-SNR/10). Pilots and the CP are not counted in Es.

Channels:
  * ``none`` / ``awgn``: h = [1];
  * ``rayleigh``: flat, h ~ CN(0, 1), one per frame (``fading="block"``) or one per OFDM symbol
    (``fading="fast"``);
  * ``multipath``: L taps, h_l ~ CN(0, σ_l²), σ_l² ∝ exp(-l/r), Σσ_l² = 1 (DiffCom §III-D; defaults
    L = 8, r = 4), block fading over the frame.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .profiles import exponential_pdp

CHANNELS = ("none", "awgn", "rayleigh", "multipath")


def exp_pdp(n_taps: int, decay: float) -> torch.Tensor:
    """σ_l² = c·exp(-l/r), normalised to unit total power (DiffCom §III-D)."""
    return torch.from_numpy(exponential_pdp(n_taps, decay))


def noise_var(snr_db) -> torch.Tensor:
    return 10 ** (-torch.as_tensor(snr_db, dtype=torch.float32) / 10)


def crandn(*shape, generator=None) -> torch.Tensor:
    """CN(0, 1) samples."""
    re = torch.randn(*shape, generator=generator)
    im = torch.randn(*shape, generator=generator)
    return torch.complex(re, im) / 2 ** 0.5


@dataclass(frozen=True)
class ChannelModel:
    kind: str = "multipath"
    n_taps: int = 8
    decay: float = 4.0
    fading: str = "block"          # rayleigh only: "block" | "fast"

    def __post_init__(self):
        if self.kind not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}, got {self.kind!r}")
        if self.fading not in ("block", "fast"):
            raise ValueError(f"fading must be 'block' or 'fast', got {self.fading!r}")
        exp_pdp(self.n_taps, self.decay)  # validates

    @property
    def pdp(self) -> torch.Tensor:
        return exp_pdp(self.n_taps, self.decay) if self.kind == "multipath" else torch.ones(1)

    def draw(self, batch: int, n_symbols: int, generator=None) -> torch.Tensor:
        """Taps (B, S, L): S = n_symbols for fast fading, else 1."""
        if self.kind in ("none", "awgn"):
            return torch.ones(batch, 1, 1, dtype=torch.complex64)
        if self.kind == "rayleigh":
            s = n_symbols if self.fading == "fast" else 1
            return crandn(batch, s, 1, generator=generator)
        return crandn(batch, 1, self.n_taps, generator=generator) * self.pdp.sqrt()


def apply_taps(s: torch.Tensor, taps: torch.Tensor, symbol_len: int) -> torch.Tensor:
    """Convolve each frame with its taps, truncated to the frame length (frames are bursts).

    ``taps`` (B, S, L): S = 1 applies one impulse response to the whole frame; S > 1 (flat fast
    fading, L = 1) scales each OFDM symbol by its own coefficient.
    """
    B, n = s.shape
    if taps.shape[1] > 1:
        if taps.shape[2] != 1:
            raise ValueError("per-symbol taps are supported for flat fading (L = 1) only")
        return (s.reshape(B, -1, symbol_len) * taps).reshape(B, n)
    h = taps[:, 0, :]
    out = s * h[:, :1]
    for l in range(1, h.shape[1]):
        out = out + torch.nn.functional.pad(s[:, :n - l], (l, 0)) * h[:, l:l + 1]
    return out


def awgn(s: torch.Tensor, sigma2, generator=None) -> torch.Tensor:
    """Add CN(0, σ²) noise; σ² scalar or per frame (B,)."""
    sigma2 = torch.as_tensor(sigma2, dtype=torch.float32)
    if sigma2.ndim == 1:
        sigma2 = sigma2[:, None]
    return s + crandn(*s.shape, generator=generator) * sigma2.sqrt()


def frequency_response(taps: torch.Tensor, fft_len: int) -> torch.Tensor:
    """(B, S, L) taps -> (B, S, N) H[k] = Σ_l h_l e^{-j2πkl/N} (unnormalised DFT, so Y = H·X with the
    unitary FFT of the samples)."""
    return torch.fft.fft(taps, n=fft_len, dim=-1)
