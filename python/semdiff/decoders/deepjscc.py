"""``deepjscc``: the codec's own decoder on the equalized symbols (the baseline of every table)."""
from __future__ import annotations

import torch

from .registry import DecodeResult, register


@register
class DeepJSCC:
    name = "deepjscc"
    defaults: dict = {}

    @torch.no_grad()
    def decode(self, rx, ctx, generator=None) -> DecodeResult:
        return DecodeResult(ctx.codec.decode(rx.symbols, rx.snr_db).clamp(-1, 1), nfe=0, steps=0)
