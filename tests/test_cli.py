"""The gr-semdiff commands run end to end on small arguments with the shipped models (they are
commands, so this only checks that they work and print what they promise; numbers go in reports)."""
import json
import math

from gnuradio.semdiff.cli import main


def test_samples_writes_a_png(tmp_path):
    out = tmp_path / "s.png"
    assert main(["samples", "-n", "4", "--steps", "2", "--out", str(out)]) == 0
    assert out.stat().st_size > 1000


def test_eval_diffcom_small(tmp_path, capsys):
    js = tmp_path / "r.json"
    assert main(["eval", "diffcom", "--n", "4", "--methods", "deepjscc,hifi_diffcom", "--conditions", "awgn10,clip1.0",
                 "--jscc", "jscc_fmnist_awgn_cbr1-8", "--params", '{"hifi_diffcom": {"max_steps": 2}}',
                 "--json", str(js)]) == 0
    rows = json.loads(js.read_text())["rows"]
    assert [(r["condition"], r["method"]) for r in rows] == [
        ("awgn10", "deepjscc"), ("awgn10", "hifi_diffcom"), ("clip1.0", "deepjscc"), ("clip1.0", "hifi_diffcom")]
    assert all(r["psnr_db"] > 10 for r in rows)
    assert "FID (Fashion-MNIST features)" in capsys.readouterr().out


def test_eval_diffcom_demo_condition_on_tune_images(tmp_path, capsys):
    """--conditions demo is the README demo's link and codec; --tune sends held-out images, not SENT ones."""
    from gnuradio.semdiff.eval.realism import TUNE, split
    js = tmp_path / "r.json"
    assert main(["eval", "diffcom", "--n", "3", "--methods", "deepjscc", "--conditions", "demo", "--tune",
                 "--json", str(js)]) == 0
    rep = json.loads(js.read_text())
    assert rep["split"] == "tune" and [r["condition"] for r in rep["rows"]] == ["demo"]
    assert "TUNE" in capsys.readouterr().out
    from gnuradio.semdiff.eval.realism import Realism
    from gnuradio.semdiff.models.zoo import load_classifier
    x, labels = split(TUNE, 3)
    assert abs(rep["floor"]["accuracy"] - Realism(load_classifier()).accuracy(x, labels)) < 1e-6


def test_eval_diffcom_default_conditions_leave_the_demo_out():
    import argparse

    from gnuradio.semdiff.cli_types import check
    from gnuradio.semdiff.eval.diffcom_table import CONDITIONS, DEFAULT_CONDITIONS
    args = argparse.Namespace(cmd="eval", what="diffcom", methods="deepjscc", conditions="", params=None, blind=False)
    check(args, argparse.ArgumentParser())
    assert args.conditions.split(",") == list(DEFAULT_CONDITIONS) and "demo" in CONDITIONS
    assert "demo" not in args.conditions


def test_bench_phy_prints_ratios(capsys):
    assert main(["bench", "phy", "--frames", "400", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert "ratio TX ours/GNU Radio" in out and "DSP classes alone" in out


def test_bench_decoder_runs(capsys):
    assert main(["bench", "decoder", "--steps", "1"]) == 0
    out = capsys.readouterr().out
    assert "per-image throughput batch 16 vs batch 1" in out


def test_eval_icdm_small(tmp_path, capsys):
    from gnuradio.semdiff.eval.icdm_report import ABLATION_BETAS
    out = tmp_path / "icdm"
    assert main(["eval", "icdm", "--n", "4", "--tune-n", "2", "--steps", "4", "--slow-steps", "8", "--samples", "1",
                 "--classes", "jscc-pair", "--out", str(out)]) == 0
    rep = json.loads((out / "icdm_report.json").read_text())
    assert [(r["class"], r["fading"]) for r in rep["classes"]] == [("jscc-pair", "rayleigh"), ("jscc-pair", "awgn")]
    assert [r["sinr_db"] for r in rep["sweep"]["jscc-pair_rayleigh"]] == list(range(-7, 11))
    assert [r["guidance"] for r in rep["ablation"]] == ["icdm", "dps", "gdm", "projection", "cddm"]
    assert all(r["beta"] in ABLATION_BETAS for r in rep["ablation"])
    assert rep["steps"]["slow"]["nfe"] == 9 and rep["steps"]["fast"]["nfe"] == 5   # + the final Tweedie evaluation
    assert (out / "icdm_sinr_sweep.png").stat().st_size > 1000
    # the clean originals' floor beside the decoded images' FID (at n = 4 both are mostly estimator bias)
    assert rep["floor"]["accuracy"] >= 0.5 and math.isfinite(rep["floor"]["fid_ref"])
    assert "floor — the 4 clean originals" in capsys.readouterr().out
