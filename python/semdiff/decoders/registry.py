"""One registry of decoding methods by name (as DPS chooses operators and methods by name).

Every method is a class with ``name``, a ``defaults`` dict of its parameters, optionally ``choices``
(allowed values of its string parameters), and ``decode(rx, ctx, generator=None, **params) ->
DecodeResult``, batched over frames. ``validate_params`` is the one boundary check of parameters that
the CLI, the GR block's constructor and its control messages all go through.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import math

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


MODEL = "<model>"     # ``choices`` value of a parameter that names a model (any zoo name or path)
MAX_STEPS = 100_000   # far above any sampler here (T = 1000); stops a control message asking for 10**7


def validate_params(method: str, params: dict) -> dict:
    """Check ``params`` of ``method`` against its defaults: known names only; integers (all counts) in
    1 … MAX_STEPS; reals finite and ≥ 0 (strengths, η, τ); strings from the method's ``choices``.
    Raises ValueError naming the method, the parameter and the value; returns params with defaults."""
    m = get_method(method)
    if not isinstance(params, dict):
        raise ValueError(f"{method}: parameters must be a mapping, got {type(params).__name__}")
    unknown = set(params) - set(m.defaults)
    if unknown:
        raise ValueError(f"{method} has no parameter(s) {sorted(unknown)}; it takes {sorted(m.defaults)}")
    for k, v in params.items():
        d = m.defaults[k]
        bad = None
        if isinstance(d, bool):
            bad = None if isinstance(v, bool) else "must be true or false"
        elif isinstance(d, int):
            ok = isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_STEPS
            bad = None if ok else f"must be an integer in 1 … {MAX_STEPS}"
        elif isinstance(d, float):
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
            bad = None if ok else "must be a finite number ≥ 0"
        elif isinstance(d, str):
            allowed = getattr(m, "choices", {}).get(k, ())
            if allowed == MODEL:       # a zoo name or a path: loading it checks the rest
                ok = isinstance(v, str) and 0 < len(v) < 512 and v.isprintable()
                bad = None if ok else "must be a model name or path"
            else:
                bad = None if isinstance(v, str) and v in allowed else f"must be one of {list(allowed)}"
        if bad:
            raise ValueError(f"{method}: parameter {k}={v!r} {bad}")
    return {**m.defaults, **params}


def decode(method: str, rx, ctx, generator=None, **params) -> DecodeResult:
    return get_method(method).decode(rx, ctx, generator=generator, **validate_params(method, params))
