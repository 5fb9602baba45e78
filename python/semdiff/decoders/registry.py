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
    nfe: int = 0                              # network evaluations per image
    steps: int = 0                            # sampler steps
    info: dict = field(default_factory=dict)  # method-specific (e.g. h estimate for blind decoding)


def decode(method: str, rx, ctx, generator=None, **params) -> DecodeResult:
    m = get_method(method)
    unknown = set(params) - set(m.defaults)
    if unknown:
        raise ValueError(f"{method} has no parameter(s) {sorted(unknown)}; it takes {sorted(m.defaults)}")
    return m.decode(rx, ctx, generator=generator, **{**m.defaults, **params})
