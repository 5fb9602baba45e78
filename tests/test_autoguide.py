"""Autoguidance (Karras et al. 2024): the guided ε, the guide stored in the prior's directory, the CLI."""
import json

import pytest
import torch

from gnuradio.semdiff.cli import main
from gnuradio.semdiff.models.autoguide import GUIDANCE, GUIDE_DIR, AutoguidedPrior, load_guided, save_guide
from gnuradio.semdiff.models.prior import EpsilonPrior, make_scheduler, make_unet, save_prior
from gnuradio.semdiff.models.store import ModelFileError
from gnuradio.semdiff.models.zoo import load_image_prior


def _unet(seed):
    torch.manual_seed(seed)
    return make_unet(32, 1, (8, 16, 16)).eval()


@torch.no_grad()
def test_the_guided_epsilon_extrapolates_away_from_the_guide():
    sched = make_scheduler("v_prediction")
    good, bad = _unet(0), _unet(1)
    x, t = torch.randn(2, 1, 32, 32), torch.tensor([10, 700])
    e_good, e_bad = EpsilonPrior(good, sched)(x, t).sample, EpsilonPrior(bad, sched)(x, t).sample
    guided = AutoguidedPrior(good, bad, sched, 2.5)(x, t).sample
    assert torch.allclose(guided, e_bad + 2.5 * (e_good - e_bad), atol=1e-5)
    assert torch.allclose(AutoguidedPrior(good, bad, sched, 1.0)(x, t).sample, e_good)
    with pytest.raises(ModelFileError, match="weight"):
        AutoguidedPrior(good, bad, sched, 0.5)


def test_a_guide_saved_from_an_ema_state_loads_with_its_prior(tmp_path):
    from safetensors.torch import save_file
    sched = make_scheduler("v_prediction")
    good, bad = _unet(0), _unet(1)
    save_prior(tmp_path / "p", good, sched)
    save_file(bad.state_dict(), str(tmp_path / "ema.safetensors"))
    files = save_guide(tmp_path / "p", good, tmp_path / "ema.safetensors", 1.7)
    assert tmp_path / "p" / GUIDE_DIR / GUIDANCE in files
    prior, _ = load_guided(tmp_path / "p")
    assert isinstance(prior, AutoguidedPrior) and prior.weight == 1.7
    assert all(torch.equal(a, b) for a, b in zip(prior.guide.state_dict().values(), bad.state_dict().values()))
    plain, _ = load_image_prior(tmp_path / "p", autoguide=False)
    assert type(plain) is EpsilonPrior
    save_file(make_unet(32, 1, (8, 8, 8)).state_dict(), str(tmp_path / "other.safetensors"))
    with pytest.raises(ValueError, match="architecture"):   # a state of another network is refused by name
        save_guide(tmp_path / "p", good, tmp_path / "other.safetensors", 1.5)


@pytest.mark.parametrize("text", ['[1.5]', '{"weight": "x"}', '{"weight": 0.2}', '{"wait": 1.5}', '{"weight'])
def test_a_bad_guidance_file_names_itself(tmp_path, text):
    sched = make_scheduler("v_prediction")
    save_prior(tmp_path / "p", _unet(0), sched)
    save_guide(tmp_path / "p", _unet(0), tmp_path / "p", 1.5)
    (tmp_path / "p" / GUIDE_DIR / GUIDANCE).write_text(text)
    with pytest.raises(ModelFileError, match="autoguid"):
        load_guided(tmp_path / "p")


def test_train_prior_attaches_the_guide_and_a_later_export_without_one_drops_it(tmp_path):
    common = ["--threads", "2", "train", "prior", "--batch", "4", "--name", "p", "--out", str(tmp_path / "zoo"),
              "--runs", str(tmp_path / "runs"), "--ckpt-every", "2"]
    assert main([*common, "--steps", "2"]) == 0
    ema = tmp_path / "runs" / "p" / "ckpt" / "ema.safetensors"
    guide = tmp_path / "guide.safetensors"
    guide.write_bytes(ema.read_bytes())
    assert main([*common, "--steps", "4", "--resume", "--guide", str(guide), "--guide-weight", "2"]) == 0
    prior, _ = load_image_prior(tmp_path / "zoo" / "p")
    assert isinstance(prior, AutoguidedPrior) and prior.weight == 2.0
    files = json.loads((tmp_path / "zoo" / "manifest.json").read_text())["files"]
    assert any(k.startswith(f"p/{GUIDE_DIR}/") for k in files)         # the guide's sha256 is in the manifest
    assert main([*common, "--steps", "6", "--resume"]) == 0
    assert type(load_image_prior(tmp_path / "zoo" / "p")[0]) is EpsilonPrior


@pytest.mark.parametrize("bad", [["--guide", "/nonexistent.safetensors"], ["--guide-weight", "0.5"],
                                 ["--guide-weight", "nan"]])
def test_bad_guide_options_are_one_line_errors(tmp_path, capsys, bad):
    with pytest.raises(SystemExit) as e:
        main(["train", "prior", "--steps", "1", "--out", str(tmp_path), *bad])
    err = capsys.readouterr().err
    assert e.value.code != 0 and "--guide" in err and "Traceback" not in err
