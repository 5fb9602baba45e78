"""OFDM modulation/demodulation on a ResourceGrid, batched over frames.

Unitary FFT (``norm="ortho"``) so that noise variance is the same per time sample and per
subcarrier (the SNR convention in DESIGN.md: Es/N0 on the resource grid).
"""
from __future__ import annotations

import torch

from .grid import ResourceGrid


class OFDMModem:
    def __init__(self, grid: ResourceGrid):
        self.g = grid
        self.data_bins = torch.as_tensor(grid.bins(grid.data_carriers))
        self.used_bins = torch.as_tensor(grid.bins(grid.carriers))
        self.pilot_bins = torch.as_tensor(grid.bins(grid.pilot_carriers))
        self.pilots = torch.as_tensor(grid.pilot_values())

    # -- grid <-> symbols -------------------------------------------------------------------------
    def map(self, z: torch.Tensor) -> torch.Tensor:
        """(B, k) data symbols -> (B, n_symbols, fft_len) frequency-domain grid with pilots."""
        g = self.g
        if z.shape[-1] != g.k:
            raise ValueError(f"frame needs k={g.k} data symbols, got {z.shape[-1]}")
        B = z.shape[0]
        zp = torch.nn.functional.pad(z, (0, g.n_pad)).reshape(B, g.n_data_symbols, len(g.data_carriers))
        X = z.new_zeros(B, g.n_symbols, g.fft_len)
        s0 = g.n_pilot_only_symbols
        X[:, s0:, self.data_bins] = zp
        if g.pilot_type == "block":
            X[:, :s0, self.used_bins] = self.pilots.to(z.dtype)
        else:
            X[:, s0:, self.pilot_bins] = self.pilots.to(z.dtype)
        return X

    def data_from_grid(self, X: torch.Tensor) -> torch.Tensor:
        """(B, n_symbols, fft_len) -> (B, k) data REs in transmit order (padding removed)."""
        g = self.g
        d = X[:, g.n_pilot_only_symbols:, self.data_bins].reshape(X.shape[0], -1)
        return d[:, :g.k]

    # -- time domain ------------------------------------------------------------------------------
    def modulate(self, X: torch.Tensor) -> torch.Tensor:
        """(B, S, N) grid -> (B, S·(N+cp)) samples: IFFT then cyclic prefix."""
        x = torch.fft.ifft(X, dim=-1, norm="ortho")
        if self.g.cp_len:
            x = torch.cat([x[..., -self.g.cp_len:], x], dim=-1)
        return x.reshape(X.shape[0], -1)

    def demodulate(self, r: torch.Tensor) -> torch.Tensor:
        """(B, S·(N+cp)) samples -> (B, S, N) grid: CP removal then FFT."""
        g = self.g
        if r.shape[-1] != g.frame_len:
            raise ValueError(f"frame must have {g.frame_len} samples, got {r.shape[-1]}")
        sym = r.reshape(r.shape[0], g.n_symbols, g.symbol_len)[..., g.cp_len:]
        return torch.fft.fft(sym, dim=-1, norm="ortho")
