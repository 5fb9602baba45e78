"""SNR-adaptive deep JSCC codec (DeepJSCC with ADJSCC attention-feature modules).

The encoder maps an image x in [-1, 1]^(C,S,S) to k complex channel symbols z with mean |z|^2 = 1
(P̄ = 1) per image; the decoder maps received (equalized) symbols plus the SNR back to an image.
CBR ρ = k/m with m = C·S·S real source values (DiffCom §II-A).

The attention-feature (AF) module rescales feature channels by a gate computed from the
channel-wise mean and the SNR, so one model serves all SNRs (ADJSCC; used by DiffCom and DiffJSCC).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class JSCCConfig:
    image_size: int = 32
    channels: int = 1
    cbr: float = 1 / 8          # ρ = k/m
    width: int = 64             # feature channels
    latent_down: int = 4        # spatial downsampling of the latent grid (S/latent_down)^2

    def __post_init__(self):
        if self.image_size <= 0 or self.image_size % self.latent_down:
            raise ValueError(f"image_size {self.image_size} must be a positive multiple of latent_down "
                             f"{self.latent_down}")
        if not 0 < self.cbr <= 1:
            raise ValueError(f"cbr must be in (0, 1], got {self.cbr}")
        if self.latent_channels * self.latent_hw ** 2 != 2 * self.k or self.k == 0:
            raise ValueError(f"cbr {self.cbr} gives k={self.k} complex symbols, which does not fill a "
                             f"{self.latent_hw}x{self.latent_hw} latent grid; choose cbr so that "
                             f"2k is a multiple of {self.latent_hw ** 2}")

    @property
    def m(self) -> int:
        return self.channels * self.image_size ** 2

    @property
    def k(self) -> int:
        return round(self.cbr * self.m)

    @property
    def latent_hw(self) -> int:
        return self.image_size // self.latent_down

    @property
    def latent_channels(self) -> int:
        return max(1, (2 * self.k) // self.latent_hw ** 2)

    def to_dict(self) -> dict:
        return asdict(self)


class AFModule(nn.Module):
    """ADJSCC attention feature module: channel gate from (mean features, SNR dB)."""

    def __init__(self, ch: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(ch + 1, ch // 4), nn.ReLU(), nn.Linear(ch // 4, ch), nn.Sigmoid())

    def forward(self, h: torch.Tensor, snr_db: torch.Tensor) -> torch.Tensor:
        ctx = torch.cat([h.mean(dim=(2, 3)), snr_db[:, None] / 20.0], dim=1)
        return h * self.net(ctx)[:, :, None, None]


class ResBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(ch, ch, 3, padding=1), nn.PReLU(ch), nn.Conv2d(ch, ch, 3, padding=1))
        self.act = nn.PReLU(ch)

    def forward(self, h):
        return self.act(h + self.body(h))


def normalize_power(z: torch.Tensor) -> torch.Tensor:
    """Scale each row of complex z (B, k) to mean |z|^2 = 1 (average power constraint, P̄ = 1)."""
    p = z.abs().pow(2).mean(dim=1, keepdim=True)
    return z / torch.sqrt(p + 1e-12)


def real_to_complex(v: torch.Tensor) -> torch.Tensor:
    """(B, 2k) real [Re; Im] -> (B, k) complex64."""
    k = v.shape[1] // 2
    return torch.complex(v[:, :k].float(), v[:, k:].float())


def complex_to_real(z: torch.Tensor) -> torch.Tensor:
    """(B, k) complex -> (B, 2k) real [Re; Im]."""
    return torch.cat([z.real, z.imag], dim=1)


class JSCCEncoder(nn.Module):
    def __init__(self, cfg: JSCCConfig):
        super().__init__()
        w = cfg.width
        self.cfg = cfg
        self.stem = nn.Sequential(nn.Conv2d(cfg.channels, w // 2, 3, padding=1), nn.PReLU(w // 2))
        downs, ch = [], w // 2
        for _ in range(_levels(cfg)):
            downs += [nn.Conv2d(ch, w, 4, stride=2, padding=1), nn.PReLU(w)]
            ch = w
        # residual blocks only at the latent resolution: most of the cost of a CNN at 32x32 is in
        # the high-resolution layers, and CPU training time is the budget here
        self.down = nn.Sequential(*downs, ResBlock(w))
        self.af1, self.mid, self.af2 = AFModule(w), ResBlock(w), AFModule(w)
        self.out = nn.Conv2d(w, cfg.latent_channels, 3, padding=1)

    def forward(self, x: torch.Tensor, snr_db: torch.Tensor) -> torch.Tensor:
        h = self.down(self.stem(x))
        h = self.af2(self.mid(self.af1(h, snr_db)), snr_db)
        v = self.out(h).flatten(1)
        return normalize_power(real_to_complex(v))


class JSCCDecoder(nn.Module):
    def __init__(self, cfg: JSCCConfig):
        super().__init__()
        w = cfg.width
        self.cfg = cfg
        self.inp = nn.Sequential(nn.Conv2d(cfg.latent_channels, w, 3, padding=1), nn.PReLU(w))
        self.af1, self.mid, self.af2 = AFModule(w), ResBlock(w), AFModule(w)
        ups, ch = [ResBlock(w)], w
        for i in range(_levels(cfg)):
            last = i == _levels(cfg) - 1
            nxt = w // 2 if last else w
            ups += [nn.ConvTranspose2d(ch, nxt, 4, stride=2, padding=1), nn.PReLU(nxt)]
            if not last:
                ups.append(ResBlock(nxt))
            ch = nxt
        self.up = nn.Sequential(*ups)
        self.out = nn.Conv2d(ch, cfg.channels, 3, padding=1)

    def forward(self, z_hat: torch.Tensor, snr_db: torch.Tensor) -> torch.Tensor:
        c = self.cfg
        v = complex_to_real(z_hat).reshape(-1, c.latent_channels, c.latent_hw, c.latent_hw)
        h = self.af1(self.inp(v), snr_db)
        h = self.af2(self.mid(h), snr_db)
        return torch.tanh(self.out(self.up(h)))


class JSCCCodec(nn.Module):
    """Encoder + decoder pair; ``forward`` runs them over an AWGN channel for training."""

    def __init__(self, cfg: JSCCConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = JSCCEncoder(cfg)
        self.decoder = JSCCDecoder(cfg)

    def encode(self, x: torch.Tensor, snr_db) -> torch.Tensor:
        return self.encoder(x, _snr_vector(snr_db, x.shape[0], x.device))

    def decode(self, z_hat: torch.Tensor, snr_db) -> torch.Tensor:
        return self.decoder(z_hat, _snr_vector(snr_db, z_hat.shape[0], z_hat.device))


def _levels(cfg: JSCCConfig) -> int:
    n = cfg.latent_down.bit_length() - 1
    if 1 << n != cfg.latent_down:
        raise ValueError(f"latent_down must be a power of two, got {cfg.latent_down}")
    return n


def _snr_vector(snr_db, batch: int, device) -> torch.Tensor:
    t = torch.as_tensor(snr_db, dtype=torch.float32, device=device)
    return t.expand(batch).contiguous() if t.ndim == 0 else t.reshape(batch)
