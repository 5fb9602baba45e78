"""Every trainer runs a few steps through the CLI into a temporary zoo, checkpoints, resumes, and its
model loads back from the zoo."""
import json
import math
import shutil

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


def test_a_finished_prior_resumed_at_its_horizon_is_exported_once(tmp_path):
    args = ("prior", "--steps", "2", "--batch", "4", "--name", "p", "--snapshot-every", "2")
    assert train(tmp_path, *args) == 0
    shutil.rmtree(tmp_path / "zoo" / "p")           # a fresh checkout: the checkpoint without its export
    assert train(tmp_path, *args, "--resume") == 0
    assert load_prior(tmp_path / "zoo" / "p")[0].config.sample_size == 32
    index = (tmp_path / "runs" / "p" / "snapshots" / "index.jsonl").read_text().splitlines()
    assert [json.loads(line)["step"] for line in index] == [2]


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


def _fit(run_dir, steps, lr, resume=False, new_cycle=False, on_checkpoint=None):
    from gnuradio.semdiff.train.loop import Run
    net = torch.nn.Linear(2, 1)
    run = Run(run_dir, net, steps, lr=lr, ckpt_every=5, warmup=4)
    if resume:
        assert run.resume(new_cycle=new_cycle)
    lrs = []

    def loss(b, step):
        lrs.append(run.opt.param_groups[0]["lr"])
        return net(b[0]).pow(2).mean()

    run.fit(loss, iter(lambda: (torch.randn(4, 2),), None), log_every=5, on_checkpoint=on_checkpoint)
    return run, lrs


def test_new_cycle_restarts_the_schedule_and_persists(tmp_path):
    run, lrs = _fit(tmp_path / "r", 10, 1e-2)
    assert lrs[-1] < 1e-3                       # the first cosine has annealed
    (tmp_path / "r" / "ckpt" / "optim.pt").unlink()   # as on a fresh checkout of a shipped checkpoint
    run, lrs = _fit(tmp_path / "r", 30, 4e-3, resume=True, new_cycle=True)
    assert run.cycle_start == 10 and run.step == 30
    assert lrs[0] == pytest.approx(4e-3 / 4)   # warm-up starts again from the resumed step
    # warm-up done at the cycle's 4th step, where the cosine over the 20-step cycle has begun to fall
    assert lrs.index(max(lrs)) == 3 and max(lrs) == pytest.approx(4e-3 * 0.5 * (1 + math.cos(math.pi * 3 / 20)))
    assert lrs[-1] < 1e-4
    assert json.loads((tmp_path / "r" / "ckpt" / "state.json").read_text())["cycle_start"] == 10
    # a plain resume keeps the cycle: at step 30 of a 30-step cycle started at 10 there is nothing left
    run, lrs = _fit(tmp_path / "r", 40, 4e-3, resume=True)
    assert run.cycle_start == 10 and lrs[0] < 4e-3 / 2


def test_a_resume_drops_log_rows_past_its_checkpoint(tmp_path):
    _fit(tmp_path / "r", 10, 1e-2)
    log = tmp_path / "r" / "log.jsonl"
    with open(log, "a") as f:                      # a lost run's rows: logged, never checkpointed
        f.write(json.dumps({"step": 15, "loss": 9.0}) + "\n" + json.dumps({"step": 20, "loss": 9.0}) + "\n")
    _fit(tmp_path / "r", 20, 1e-2, resume=True)
    steps = [json.loads(r)["step"] for r in log.read_text().splitlines()]
    assert steps == [5, 10, 15, 20]                # each step once, in order
    assert all(json.loads(r)["loss"] != 9.0 for r in log.read_text().splitlines())


def test_a_finished_run_resumed_at_its_horizon_still_exports(tmp_path):
    exported = []
    _fit(tmp_path / "r", 10, 1e-2, on_checkpoint=lambda r: exported.append(r.step))
    assert exported == [5, 10]
    exported.clear()
    run, lrs = _fit(tmp_path / "r", 10, 1e-2, resume=True, on_checkpoint=lambda r: exported.append(r.step))
    assert lrs == [] and exported == [10]          # no step taken, one export of the finished model


def test_new_cycle_needs_a_resumed_prior(tmp_path, capsys):
    with pytest.raises(SystemExit):
        train(tmp_path, "prior", "--steps", "2", "--new-cycle")
    assert "--new-cycle" in capsys.readouterr().err
