"""Every trainer runs a few steps through the CLI into a temporary zoo, checkpoints, resumes, and its
model loads back from the zoo."""
import json

import pytest
import torch

from gnuradio.semdiff.cli import main
from gnuradio.semdiff.models.prior import load_prior
from gnuradio.semdiff.models.zoo import load_classifier, load_jscc, load_symbol_prior


def train(tmp_path, *args):
    return main(["--threads", "2", "train", *args, "--out", str(tmp_path / "zoo"), "--runs", str(tmp_path / "runs"),
                 "--ckpt-every", "2"])


def manifest(tmp_path):
    return json.loads((tmp_path / "zoo" / "manifest.json").read_text())["files"]


def test_jscc_trainer_awgn_and_ofdm_with_resume(tmp_path):
    assert train(tmp_path, "jscc", "--steps", "2", "--batch", "8", "--name", "j") == 0
    assert train(tmp_path, "jscc", "--steps", "4", "--batch", "8", "--name", "j", "--resume") == 0
    state = json.loads((tmp_path / "runs" / "j" / "ckpt" / "state.json").read_text())
    assert state["step"] == 4
    m = manifest(tmp_path)
    assert m["j.safetensors"]["step"] == 4 and "train jscc" in m["j.safetensors"]["command"]
    codec = load_jscc(tmp_path / "zoo" / "j")
    assert codec.cfg.k == 128
    assert train(tmp_path, "jscc", "--steps", "2", "--batch", "4", "--channel", "ofdm", "--name", "jo") == 0
    assert load_jscc(tmp_path / "zoo" / "jo").cfg.k == 128


def test_prior_trainer(tmp_path):
    assert train(tmp_path, "prior", "--steps", "2", "--batch", "4", "--name", "p") == 0
    # a shipped checkpoint has no optimizer state: resuming still works and continues the step count
    (tmp_path / "runs" / "p" / "ckpt" / "optim.pt").unlink()
    assert train(tmp_path, "prior", "--steps", "3", "--batch", "4", "--name", "p", "--resume") == 0
    assert json.loads((tmp_path / "runs" / "p" / "ckpt" / "state.json").read_text())["step"] == 3
    unet, sched = load_prior(tmp_path / "zoo" / "p")
    assert unet(torch.randn(1, 1, 32, 32), torch.tensor([3])).sample.shape == (1, 1, 32, 32)
    assert any(k.startswith("p/") for k in manifest(tmp_path))


def test_classifier_trainer(tmp_path):
    assert train(tmp_path, "classifier", "--steps", "2", "--batch", "16", "--name", "c") == 0
    assert load_classifier(tmp_path / "zoo" / "c")(torch.zeros(2, 1, 32, 32)).shape == (2, 10)


@pytest.mark.parametrize("source", ["qpsk", "16qam", "ofdm", "jscc"])
def test_symbol_prior_trainer(tmp_path, source):
    extra = []
    if source == "jscc":
        assert train(tmp_path, "jscc", "--steps", "1", "--batch", "4", "--name", "enc") == 0
        extra = ["--jscc", str(tmp_path / "zoo" / "enc"), "--limit", "64"]
    assert train(tmp_path, "symbol-prior", "--source", source, "--steps", "2", "--batch", "16", "--name", "s",
                 *extra) == 0
    net = load_symbol_prior(tmp_path / "zoo" / "s")
    assert net.cfg.source == source
    assert net(torch.randn(3, 256), torch.tensor([1, 2, 3])).shape == (3, 256)


def test_diffjscc_trainer_records_its_prior_and_starts_from_init(tmp_path):
    from gnuradio.semdiff.models.zoo import load_diffjscc
    assert train(tmp_path, "prior", "--steps", "1", "--batch", "2", "--name", "p") == 0
    prior = str(tmp_path / "zoo" / "p")
    assert train(tmp_path, "diffjscc", "--prior", prior, "--steps", "2", "--batch", "4", "--name", "d") == 0
    net, meta, p = load_diffjscc(tmp_path / "zoo" / "d")
    assert meta["prior"] == prior and len(meta["prior_fingerprint"]) == 64
    assert train(tmp_path, "diffjscc", "--prior", prior, "--steps", "1", "--batch", "2", "--name", "d2",
                 "--init", str(tmp_path / "zoo" / "d"), "--lr", "1e-12") == 0
    net2, _, _ = load_diffjscc(tmp_path / "zoo" / "d2")
    a, b = net.branch.state_dict(), net2.branch.state_dict()
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)
    moved = [k for k in a if not torch.equal(a[k], net.branch.__class__(p.inner, net.cfg).state_dict()[k])]
    assert moved                                   # the init was trained, not a fresh copy of the prior
