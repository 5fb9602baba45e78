"""Symbol-domain diffusion priors for ICDM (ICDM §III-A, Alg. 1): ε-prediction networks over the 2k real
numbers [Re z; Im z] of one frame of k channel symbols, with the same linear-β DDPM schedule as the
image prior (ICDM eq. (24): x_t = √ᾱ_t x_0 + √(1-ᾱ_t) ε).

ICDM uses DiT backbones; a frame here is a short unordered-ish vector (interleaved symbols), so a
residual MLP with a sinusoidal time embedding is the cheaper fit for CPU training.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class SymbolPriorConfig:
    k: int = 128                  # complex symbols per frame (input dim 2k)
    hidden: int = 256
    depth: int = 4
    source: str = "jscc"          # what it was trained on (for the manifest and the user)
    fading: str = "none"          # "rayleigh": trained on h·z with per-symbol CN(0, 1) gains

    def to_dict(self):
        return asdict(self)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([a.sin(), a.cos()], dim=1)


class _Block(nn.Module):
    def __init__(self, h: int):
        super().__init__()
        self.norm = nn.LayerNorm(h)
        self.fc1, self.fc2 = nn.Linear(h, 2 * h), nn.Linear(2 * h, h)
        self.temb = nn.Linear(h, 2 * h)

    def forward(self, x, emb):
        y = self.fc1(self.norm(x)) + self.temb(emb)
        return x + self.fc2(nn.functional.silu(y))


class SymbolScoreNet(nn.Module):
    """ε̂(v_t, t) for v = [Re z; Im z] ∈ R^{2k}; the score is -ε̂/√(1-ᾱ_t) (ICDM eq. (29))."""

    def __init__(self, cfg: SymbolPriorConfig = SymbolPriorConfig()):
        super().__init__()
        self.cfg = cfg
        d, h = 2 * cfg.k, cfg.hidden
        self.inp = nn.Linear(d, h)
        self.t_mlp = nn.Sequential(nn.Linear(128, h), nn.SiLU(), nn.Linear(h, h))
        self.blocks = nn.ModuleList([_Block(h) for _ in range(cfg.depth)])
        self.out = nn.Sequential(nn.LayerNorm(h), nn.Linear(h, d))
        nn.init.zeros_(self.out[1].weight)
        nn.init.zeros_(self.out[1].bias)

    def forward(self, v: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        if v.shape[-1] != 2 * self.cfg.k:
            raise ValueError(f"symbol prior expects {2 * self.cfg.k} reals (k={self.cfg.k}), got {v.shape[-1]}")
        emb = self.t_mlp(timestep_embedding(t.expand(v.shape[0]) if t.ndim == 0 else t, 128))
        x = self.inp(v)
        for b in self.blocks:
            x = b(x, emb)
        return self.out(x)
