"""Loading shipped models by name from the model zoo (``models/`` or $SEMDIFF_MODELS)."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

from ..paths import models_dir, user_models_dir
from .classifier import ClassifierConfig, FashionClassifier
from .jscc import JSCCCodec, JSCCConfig
from .autoguide import load_guided
from .store import ModelFileError, load_state_into, read_config
from .symbol_prior import SymbolPriorConfig, SymbolScoreNet


def _path(name: str | Path) -> Path:
    """A path as given, or a bare name in the shipped zoo, else in the user's model directory."""
    p = Path(name).expanduser()
    if p.is_absolute() or p.parent != Path("."):
        return p
    shipped, user = models_dir() / p, user_models_dir() / p
    found = lambda q: q.is_dir() or q.with_suffix(".json").exists()
    return user if not found(shipped) and found(user) else shipped


# fields a model's JSON may carry besides its config class's own (provenance written by the trainers)
_PROVENANCE = {"jscc": {"trained_channel", "link_preset", "snr_range_db"}, "classifier": set(), "symbol_prior": set(),
               "inn": {"snr_range_db", "codecs"},
               "diffjscc": {"prior", "prior_fingerprint", "classifier", "codecs", "snr_range_db", "p_uncond"}}


def _valid_like(v, default) -> bool:
    """``v`` has ``default``'s JSON type; numbers finite and ≥ 0."""
    if isinstance(default, bool) or isinstance(v, bool):
        return isinstance(v, bool) and isinstance(default, bool)
    if isinstance(default, int):
        return isinstance(v, int) and v >= 0
    if isinstance(default, float):
        return isinstance(v, (int, float)) and math.isfinite(v) and v >= 0
    return isinstance(v, type(default))


def _config(path: Path, kind: str, cls):
    """``cls`` from ``path``.json, or one ModelFileError naming the file: the JSON must be an object of
    this ``kind`` with a ``config`` object whose fields are ``cls``'s (plus provenance), of the right
    types, accepted by ``cls`` itself (e.g. cbr in (0, 1]); numbers are never negative."""
    meta, where = read_config(path), Path(path).with_suffix(".json")
    if not isinstance(meta, dict):
        raise ModelFileError(f"model config {where}: expected a JSON object, got {type(meta).__name__}")
    if meta.get("kind") != kind:
        raise ModelFileError(f"{where} describes a {meta.get('kind')!r} model, not a {kind!r}")
    cfg = meta.get("config")
    if not isinstance(cfg, dict):
        raise ModelFileError(f"model config {where}: 'config' is missing or not an object")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(cfg) - set(fields) - _PROVENANCE[kind]
    if unknown:
        raise ModelFileError(f"model config {where}: unknown field(s) {sorted(unknown)}")
    for k, v in cfg.items():
        if k not in fields:
            continue
        d = fields[k].default
        if not _valid_like(v, d):
            raise ModelFileError(f"model config {where}: {k}={v!r} is not a valid {type(d).__name__}")
    try:
        return cls(**{k: v for k, v in cfg.items() if k in fields})
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"model config {where}: {e}") from None


def _build(path: Path, make):
    try:
        return make()
    except (RuntimeError, ValueError, TypeError, ZeroDivisionError) as e:
        if isinstance(e, ModelFileError):
            raise
        raise ModelFileError(f"model config {Path(path).with_suffix('.json')}: cannot build the model: {e}") from None


def load_jscc(name: str | Path) -> JSCCCodec:
    p = _path(name)
    cfg = _config(p, "jscc", JSCCConfig)
    return load_state_into(_build(p, lambda: JSCCCodec(cfg)), p).eval()


def load_classifier(name: str | Path = "classifier_fmnist") -> FashionClassifier:
    p = _path(name)
    cfg = _config(p, "classifier", ClassifierConfig)
    return load_state_into(_build(p, lambda: FashionClassifier(cfg)), p).eval()


def load_symbol_prior(name: str | Path) -> SymbolScoreNet:
    p = _path(name)
    cfg = _config(p, "symbol_prior", SymbolPriorConfig)
    return load_state_into(_build(p, lambda: SymbolScoreNet(cfg)), p).eval()


def load_inn(name: str | Path = "inn_fmnist"):
    from .inn import CondINN, INNConfig
    p = _path(name)
    cfg = _config(p, "inn", INNConfig)
    return load_state_into(_build(p, lambda: CondINN(cfg)), p).eval()


def load_image_prior(name: str | Path = "prior_fmnist", autoguide: bool = True):
    """The image prior as an ε-predictor, autoguided when its directory carries a guide (``autoguide.py``)."""
    return load_guided(_path(name), autoguide=autoguide)


def load_diffjscc(name: str | Path = "diffjscc_fmnist", fallback_prior=None):
    """DiffJSCC's ``ControlledPrior``, its JSON config and its frozen prior (an ``EpsilonPrior``): the control
    branch is only meaningful on the prior it was trained against, so that prior is the one named in its
    config (``fallback_prior`` when it names none). A prior whose weights differ from the recorded
    fingerprint still loads (same architecture) but with a warning."""
    import warnings

    from .control import ControlConfig, ControlledPrior, prior_fingerprint
    p = _path(name)
    cfg = _config(p, "diffjscc", ControlConfig)
    meta = read_config(p)["config"]
    prior = load_image_prior(meta["prior"])[0] if meta.get("prior") or fallback_prior is None else fallback_prior
    model = _build(p, lambda: ControlledPrior(prior.inner, cfg))
    load_state_into(model.branch, p)
    trained_on = meta.get("prior_fingerprint")
    if trained_on and trained_on != prior_fingerprint(prior.inner):
        warnings.warn(f"{Path(p).with_suffix('.json')}: control branch trained on another prior "
                      f"({meta.get('prior')!r}, fingerprint {trained_on[:12]}); retrain with `gr-semdiff train diffjscc`")
    return model.eval(), meta, prior
