"""A model file that is valid JSON but wrong, a truncated manifest, or weights nobody vouches for: each
is one ModelFileError naming the file — never a raw AttributeError/KeyError/TypeError, never NaN
weights loaded silently."""
import json
import shutil

import pytest
from safetensors.torch import load_file, save_file

from gnuradio.semdiff.models.store import ModelFileError
from gnuradio.semdiff.models.zoo import load_classifier, load_jscc
from gnuradio.semdiff.paths import models_dir

NAME = "jscc_fmnist_awgn_cbr1-16"


@pytest.fixture
def copy(tmp_path):
    for ext in (".json", ".safetensors"):
        shutil.copy(models_dir() / (NAME + ext), tmp_path / (NAME + ext))
    return tmp_path / NAME


def _edit(path, fn):
    meta = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(json.dumps(fn(meta)))


CASES = {
    "a list": lambda m: [m],
    "config missing": lambda m: {"kind": "jscc"},
    "config a string": lambda m: {**m, "config": "x"},
    "cbr 0": lambda m: {**m, "config": {**m["config"], "cbr": 0}},
    "width -8": lambda m: {**m, "config": {**m["config"], "width": -8}},
    "width a string": lambda m: {**m, "config": {**m["config"], "width": "64"}},
    "unknown field": lambda m: {**m, "config": {**m["config"], "depth": 3}},
    "wrong kind": lambda m: {**m, "kind": "classifier"},
}


@pytest.mark.parametrize("case", CASES)
def test_wrong_config_is_one_error_naming_the_file(copy, case):
    _edit(copy, CASES[case])
    with pytest.raises(ModelFileError, match=NAME + ".json"):
        load_jscc(copy)


def test_truncated_manifest_names_the_manifest(copy):
    (copy.parent / "manifest.json").write_text('{"files": {"' + NAME)
    with pytest.raises(ModelFileError, match="manifest.json"):
        load_jscc(copy)


def test_unlisted_weights_warn_and_nan_weights_are_refused(copy):
    with pytest.warns(UserWarning, match="no model manifest"):
        load_jscc(copy)
    w = load_file(str(copy.with_suffix(".safetensors")))
    key = next(k for k, v in w.items() if v.is_floating_point())
    w[key] = w[key].float().clone()
    w[key].view(-1)[0] = float("nan")
    save_file(w, str(copy.with_suffix(".safetensors")))
    with pytest.raises(ModelFileError, match="non-finite"):
        load_jscc(copy)


def test_a_manifest_that_lists_the_file_catches_a_flipped_weight(copy):
    from gnuradio.semdiff.models.store import register
    register([copy.with_suffix(".safetensors"), copy.with_suffix(".json")], "test", directory=copy.parent)
    load_jscc(copy)
    w = load_file(str(copy.with_suffix(".safetensors")))
    key = next(k for k, v in w.items() if v.is_floating_point())
    w[key] = -w[key]
    save_file(w, str(copy.with_suffix(".safetensors")))
    with pytest.raises(ModelFileError, match="sha256"):
        load_jscc(copy)


def test_classifier_config_checked_too(tmp_path):
    for ext in (".json", ".safetensors"):
        shutil.copy(models_dir() / ("classifier_fmnist" + ext), tmp_path / ("c" + ext))
    _edit(tmp_path / "c", lambda m: {**m, "config": {**m["config"], "feature_dim": 1.5}})
    with pytest.raises(ModelFileError, match="c.json"):
        load_classifier(tmp_path / "c")
