"""Loading shipped models by name from the model zoo (``models/`` or $SEMDIFF_MODELS)."""
from __future__ import annotations

from pathlib import Path

from ..paths import models_dir
from .classifier import ClassifierConfig, FashionClassifier
from .jscc import JSCCCodec, JSCCConfig
from .prior import load_prior
from .store import ModelFileError, load_state_into, read_config
from .symbol_prior import SymbolPriorConfig, SymbolScoreNet

_JSCC_FIELDS = set(JSCCConfig.__dataclass_fields__)


def _path(name: str | Path) -> Path:
    p = Path(name)
    return p if p.is_absolute() or p.parent != Path(".") else models_dir() / name


def _check_kind(meta: dict, kind: str, path: Path):
    if meta.get("kind") != kind:
        raise ModelFileError(f"{path}.json describes a {meta.get('kind')!r} model, not a {kind!r}")


def load_jscc(name: str | Path) -> JSCCCodec:
    p = _path(name)
    meta = read_config(p)
    _check_kind(meta, "jscc", p)
    cfg = JSCCConfig(**{k: v for k, v in meta["config"].items() if k in _JSCC_FIELDS})
    return load_state_into(JSCCCodec(cfg), p).eval()


def load_classifier(name: str | Path = "classifier_fmnist") -> FashionClassifier:
    p = _path(name)
    meta = read_config(p)
    _check_kind(meta, "classifier", p)
    return load_state_into(FashionClassifier(ClassifierConfig(**meta["config"])), p).eval()


def load_symbol_prior(name: str | Path) -> SymbolScoreNet:
    p = _path(name)
    meta = read_config(p)
    _check_kind(meta, "symbol_prior", p)
    return load_state_into(SymbolScoreNet(SymbolPriorConfig(**meta["config"])), p).eval()


def load_image_prior(name: str | Path = "prior_fmnist"):
    return load_prior(_path(name))
