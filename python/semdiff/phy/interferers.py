"""Model-free interferer waveforms as frames of k complex samples with unit average power
(ICDM §IV: QAM with random data, OFDM, tones, chirps, Gaussian). JSCC interferers, which need a
trained encoder, are built in ``models.symbol_sources``."""
from __future__ import annotations

import math

import torch

from .channels import crandn


def qam(batch: int, k: int, order: int, generator=None) -> torch.Tensor:
    """Square M-QAM (M = 4, 16, 64 …) with uniform random data, unit average power."""
    m = int(round(math.sqrt(order)))
    if m * m != order or m < 2:
        raise ValueError(f"QAM order must be a square >= 4, got {order}")
    levels = torch.arange(m, dtype=torch.float32) * 2 - (m - 1)
    i = torch.randint(0, m, (batch, k), generator=generator)
    q = torch.randint(0, m, (batch, k), generator=generator)
    z = torch.complex(levels[i], levels[q])
    return z / math.sqrt(2 * (m * m - 1) / 3)


def ofdm(batch: int, k: int, fft_len: int = 64, cp_len: int = 16, used: int = 52, generator=None) -> torch.Tensor:
    """Time-domain OFDM samples (QPSK on ``used`` carriers around DC, CP), cut to k, unit power."""
    n_sym = math.ceil(k / (fft_len + cp_len))
    X = torch.zeros(batch, n_sym, fft_len, dtype=torch.complex64)
    half = used // 2
    bins = torch.tensor([c % fft_len for c in range(-half, used - half + 1) if c != 0][:used])
    X[:, :, bins] = qam(batch, n_sym * used, 4, generator).reshape(batch, n_sym, used)
    x = torch.fft.ifft(X, dim=-1, norm="ortho")
    x = torch.cat([x[..., -cp_len:], x], dim=-1).reshape(batch, -1)[:, :k]
    return x * math.sqrt(fft_len / used)


def tone(batch: int, k: int, generator=None) -> torch.Tensor:
    """A single complex tone, random frequency and phase per frame."""
    f = torch.rand(batch, 1, generator=generator) - 0.5
    ph = torch.rand(batch, 1, generator=generator) * 2 * math.pi
    n = torch.arange(k, dtype=torch.float32)[None]
    return torch.polar(torch.ones(batch, k), 2 * math.pi * f * n + ph)


def chirp(batch: int, k: int, generator=None) -> torch.Tensor:
    """A linear chirp sweeping a random band [f0, f0 + B] over the frame, random phase."""
    f0 = torch.rand(batch, 1, generator=generator) - 0.5
    bw = torch.rand(batch, 1, generator=generator) * 0.5
    ph = torch.rand(batch, 1, generator=generator) * 2 * math.pi
    n = torch.arange(k, dtype=torch.float32)[None]
    return torch.polar(torch.ones(batch, k), 2 * math.pi * (f0 * n + 0.5 * bw * n * n / k) + ph)


def gaussian(batch: int, k: int, generator=None) -> torch.Tensor:
    return crandn(batch, k, generator=generator)


WAVEFORMS = {"qpsk": lambda b, k, generator=None: qam(b, k, 4, generator),
             "16qam": lambda b, k, generator=None: qam(b, k, 16, generator),
             "ofdm": ofdm, "tone": tone, "chirp": chirp, "gaussian": gaussian}
