"""SING-INN's conditional invertible network (SING §IV-C, eqs. (14)–(16); after CommIN's lifting INN).

x (C×H×W) is squeezed by an orthonormal 2×2 Haar transform into four (C×H/2×W/2) bands; the low band
is the coarse part c, the three others the detail part d. Lifting steps alternate
    d ← d + P(c, s)        (the Prediction network sees the coarse part)
    c ← c + U(d, s)        (the Update network sees the details)
— additive couplings, so the inverse subtracts the same terms in reverse order and is exact whatever P
and U compute. P and U are stacks of CondBlocks, x_{j+1} = Conv₂(ReLU(Conv₁(x_j))) ⊙ α + x_j with
α = FC(condition) (eqs. (14)–(15)); the condition is the SNR (dB / 10) and the codec's CBR (× 10), so
one network serves every SNR and codec. Training (loss (16)) asks c to match the DeepJSCC
reconstruction at the same resolution (its 2×2 mean, i.e. SING-Zero's avgpool2 range: the Haar low
band is that mean × 2); d then carries what the channel took away.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn


@dataclass
class INNConfig:
    channels: int = 1
    width: int = 32
    lifting_steps: int = 4
    blocks_per_net: int = 2
    n_cond: int = 2

    def to_dict(self):
        return asdict(self)


class CondBlock(nn.Module):
    def __init__(self, width: int, n_cond: int):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(width, width, 3, padding=1), nn.Conv2d(width, width, 3, padding=1)
        self.fc = nn.Linear(n_cond, width)

    def forward(self, h, cond):
        return self.c2(torch.relu(self.c1(h))) * self.fc(cond)[:, :, None, None] + h


class CondNet(nn.Module):
    """cin → width → CondBlocks → cout; the last conv starts at zero so the INN starts as the Haar squeeze."""

    def __init__(self, cin: int, cout: int, cfg: INNConfig):
        super().__init__()
        self.inp = nn.Conv2d(cin, cfg.width, 3, padding=1)
        self.blocks = nn.ModuleList(CondBlock(cfg.width, cfg.n_cond) for _ in range(cfg.blocks_per_net))
        self.out = nn.Conv2d(cfg.width, cout, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, cond):
        h = self.inp(x)
        for b in self.blocks:
            h = b(h, cond)
        return self.out(h)


def haar(x):
    """(B, C, H, W) → low (B, C, H/2, W/2) and the three detail bands (B, 3C, H/2, W/2); orthonormal."""
    a, b, c, d = x[..., ::2, ::2], x[..., ::2, 1::2], x[..., 1::2, ::2], x[..., 1::2, 1::2]
    return (a + b + c + d) / 2, torch.cat([(a - b + c - d) / 2, (a + b - c - d) / 2, (a - b - c + d) / 2], 1)


def ihaar(low, det):
    C = low.shape[1]
    h1, h2, h3 = det[:, :C], det[:, C:2 * C], det[:, 2 * C:]
    a, b = (low + h1 + h2 + h3) / 2, (low - h1 + h2 - h3) / 2
    c, d = (low + h1 - h2 - h3) / 2, (low - h1 - h2 + h3) / 2
    B, _, h, w = low.shape
    x = low.new_zeros(B, C, 2 * h, 2 * w)
    x[..., ::2, ::2], x[..., ::2, 1::2], x[..., 1::2, ::2], x[..., 1::2, 1::2] = a, b, c, d
    return x


class CondINN(nn.Module):
    def __init__(self, cfg: INNConfig = INNConfig()):
        super().__init__()
        self.cfg = cfg
        C = cfg.channels
        self.P = nn.ModuleList(CondNet(C, 3 * C, cfg) for _ in range(cfg.lifting_steps))
        self.U = nn.ModuleList(CondNet(3 * C, C, cfg) for _ in range(cfg.lifting_steps))

    @staticmethod
    def condition(snr_db, cbr, batch: int) -> torch.Tensor:
        s = torch.as_tensor(snr_db, dtype=torch.float32).reshape(-1).expand(batch) / 10
        r = torch.as_tensor(cbr, dtype=torch.float32).reshape(-1).expand(batch) * 10
        return torch.stack([s, r], 1)

    def forward(self, x, cond):
        """x → (c, d): c (B, C, H/2, W/2) the coarse part, d (B, 3C, H/2, W/2) the details."""
        c, d = haar(x)
        for P, U in zip(self.P, self.U):
            d = d + P(c, cond)
            c = c + U(d, cond)
        return c, d

    def inverse(self, c, d, cond):
        for P, U in zip(reversed(self.P), reversed(self.U)):
            c = c - U(d, cond)
            d = d - P(c, cond)
        return ihaar(c, d)
