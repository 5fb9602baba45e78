"""Argument types and checks of the ``gr-semdiff`` parser (``cli_parser``). Every option is checked
at the boundary: a bad value ends the command with one line naming the option (exit 2), never a
traceback from deep inside a run.

Scalar values are checked by the argparse ``type`` functions below; names that live in the torch core
(decoding methods, link conditions, interferer classes) by ``check`` after parsing, so ``--help`` does
not have to import torch.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

TEST_SENT = 5000    # eval.realism.SENT: evaluations send at most the first 5000 test images
TEST_TUNE = 1000    # eval.realism.TUNE


class Parser(argparse.ArgumentParser):
    """One-line errors: ``gr-semdiff eval diffcom: error: argument --n: must be ≥ 1, got -5``."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(2)


def _int_in(lo: int, hi: int | None = None):
    def parse(s: str) -> int:
        try:
            v = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {s!r}") from None
        if v < lo or (hi is not None and v > hi):
            raise argparse.ArgumentTypeError(f"must be in {lo} … {hi}, got {v}" if hi is not None
                                             else f"must be ≥ {lo}, got {v}")
        return v
    return parse


def _float_in(lo: float = -math.inf, hi: float = math.inf, lo_open: bool = False, allow_inf: bool = False):
    def parse(s: str) -> float:
        try:
            v = float(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {s!r}") from None
        if math.isnan(v) or (math.isinf(v) and not allow_inf):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {s!r}")
        if v < lo or v > hi or (lo_open and v == lo):
            side = ">" if lo_open else "≥"
            raise argparse.ArgumentTypeError(f"must be {side} {lo:g}" + (f" and ≤ {hi:g}" if hi < math.inf else "")
                                             + f", got {s}")
        return v
    return parse


positive = _int_in(1)
nonneg = _int_in(0)
finite = _float_in()
pos_float = _float_in(0.0, lo_open=True)


def nonneg_list(s: str) -> list[float]:
    """Comma list of finite numbers ≥ 0 (e.g. guidance strengths to sweep)."""
    try:
        v = [float(a) for a in s.split(",") if a.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a comma list of numbers, got {s!r}") from None
    if not v or not all(math.isfinite(a) and a >= 0 for a in v):
        raise argparse.ArgumentTypeError(f"must be a comma list of finite numbers ≥ 0, got {s!r}")
    return v


def json_object(s: str) -> dict:
    try:
        v = json.loads(s)
    except json.JSONDecodeError as e:
        raise argparse.ArgumentTypeError(f"not valid JSON ({e.msg} at character {e.pos}): {s!r}") from None
    if not isinstance(v, dict):
        raise argparse.ArgumentTypeError(f"must be a JSON object like {{\"diffcom\": {{\"steps\": 200}}}}, got {s!r}")
    return v


def existing_dir(s: str) -> str:
    if s != "fashion-mnist" and not Path(s).expanduser().is_dir():
        raise argparse.ArgumentTypeError(f"'fashion-mnist' or an existing image folder, got {s!r}")
    return s if s == "fashion-mnist" else str(Path(s).expanduser())


def guide_source(s: str) -> str:
    p = Path(s).expanduser()
    if not (p.is_dir() or (p.suffix == ".safetensors" and p.is_file())):
        raise argparse.ArgumentTypeError(f"a prior directory or an EMA .safetensors file, got {s!r}")
    return str(p)


def _list_of(name: str, allowed, value: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        raise ValueError(f"argument {name}: {', '.join(map(repr, bad)) or 'empty list'} not in {sorted(allowed)}")
    return items


def check(args, parser: argparse.ArgumentParser) -> None:
    """Checks that need the torch core: names of methods, conditions, classes; method parameters."""
    try:
        if args.cmd == "eval" and args.what in ("diffcom", "refiners"):
            from importlib import import_module

            from .decoders import methods
            from .decoders.registry import validate_params
            table = import_module(f".eval.{args.what}_table", __package__)
            conditions = table.CONDITIONS
            args.methods = ",".join(_list_of("--methods", methods(), args.methods))
            if args.conditions == "":
                args.conditions = ",".join(getattr(table, "DEFAULT_CONDITIONS", conditions))
            elif args.conditions != "none":
                args.conditions = ",".join(_list_of("--conditions", conditions, args.conditions))
            if args.conditions == "none" and not (getattr(args, "blind", False) or getattr(args, "lams", None)):
                raise ValueError("argument --conditions: 'none' runs nothing without --blind (diffcom) or --lams "
                                 "(refiners)")
            if getattr(args, "tune", False) and getattr(args, "images", None):
                raise ValueError("argument --tune: sends Fashion-MNIST's TUNE images; it cannot go with --images")
            if getattr(args, "lams", None):
                _list_of("--lam-condition", conditions, args.lam_condition)
            for m, p in (args.params or {}).items():
                try:
                    validate_params(m, p)
                except ValueError as e:
                    raise ValueError(f"argument --params: {e}") from None
        elif args.cmd == "demo":
            from .decoders import methods
            args.methods = ",".join(_list_of("--methods", methods(), args.methods))
        elif args.cmd == "eval" and args.what == "icdm":
            from .interference.icdm import INTERFERER_CLASSES
            args.classes = ",".join(_list_of("--classes", INTERFERER_CLASSES, args.classes))
        elif args.cmd == "train" and args.new_cycle and not (args.resume and args.what == "prior"):
            raise ValueError("argument --new-cycle: restarts the learning-rate schedule of a resumed prior run; "
                             "it needs 'train prior --resume'")
        elif args.cmd == "train" and args.snr_min > args.snr_max:
            raise ValueError(f"argument --snr-min: {args.snr_min} is above --snr-max {args.snr_max}")
        elif args.cmd == "train" and args.what == "symbol-prior":
            from .models.symbol_sources import SOURCES
            _list_of("--source", SOURCES, args.source)
    except ValueError as e:
        parser.error(str(e))
