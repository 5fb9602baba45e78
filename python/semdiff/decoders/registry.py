"""One registry of decoding methods by name (as DPS chooses operators and methods by name).

Every method is a class with ``name``, a ``defaults`` dict of its parameters, and
``decode(rx, ctx, generator=None, **params) -> DecodeResult``, batched over frames.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

_REGISTRY: dict[str, type] = {}


def register(cls):
    if cls.name in _REGISTRY:
        raise ValueError(f"decoding method {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def methods() -> list[str]:
    return sorted(_REGISTRY)


def get_method(name: str):
    if name not in _REGISTRY:
        raise ValueError(f"unknown decoding method {name!r}; choose from {methods()}")
    return _REGISTRY[name]()


@dataclass
class DecodeResult:
    images: torch.Tensor                      # (B, C, H, W) in [-1, 1]
    nfe: int = 0                              # network evaluations per image (the most any frame needed)
    steps: int = 0                            # sampler steps
    info: dict = field(default_factory=dict)  # method-specific (e.g. h estimate for blind decoding)
    frame_nfe: torch.Tensor | None = None     # (B,) evaluations per frame when frames differ (HiFi's own T_s)

    def nfe_of(self, i: int) -> int:
        return int(self.frame_nfe[i]) if self.frame_nfe is not None else self.nfe

    def steps_of(self, i: int) -> int:
        # frames with their own count run one network evaluation per sampler step (guided_sample)
        return int(self.frame_nfe[i]) if self.frame_nfe is not None else self.steps

    @property
    def total_nfe(self) -> int:
        """Image-network evaluations summed over the batch — what a throughput benchmark divides by."""
        return int(self.frame_nfe.sum()) if self.frame_nfe is not None else self.nfe * len(self.images)


def decode(method: str, rx, ctx, generator=None, **params) -> DecodeResult:
    m = get_method(method)
    unknown = set(params) - set(m.defaults)
    if unknown:
        raise ValueError(f"{method} has no parameter(s) {sorted(unknown)}; it takes {sorted(m.defaults)}")
    return m.decode(rx, ctx, generator=generator, **{**m.defaults, **params})
