"""Decoding methods, chosen by name from one registry: ``decode(method, rx, ctx, **params)``."""
from . import blind_diffcom, deepjscc, diffcom, diffjscc, sing, sing_inn  # noqa: F401  (importing registers the methods)
from .context import DecodeContext, RxBatch
from .registry import DecodeResult, decode, get_method, methods

__all__ = ["DecodeContext", "RxBatch", "DecodeResult", "decode", "get_method", "methods"]
