"""The gr-semdiff commands run end to end on small arguments with the shipped models (they are
commands, so this only checks that they work and print what they promise; numbers go in reports)."""
import json

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


def test_bench_phy_prints_ratios(capsys):
    assert main(["bench", "phy", "--frames", "400", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert "ratio TX ours/GNU Radio" in out and "DSP classes alone" in out


def test_bench_decoder_runs(capsys):
    assert main(["bench", "decoder", "--steps", "1"]) == 0
    out = capsys.readouterr().out
    assert "per-image throughput batch 16 vs batch 1" in out
