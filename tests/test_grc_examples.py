"""Every example flowgraph compiles with grcc and references our blocks; the PHY loopback runs headless.

  loopback_phy: symbol source ─► interleaver ─► framer ─► clipper ─► channel ─► deframer
                ─► deinterleaver ─► probe (prints a line per frame)
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.grc"))


def grcc(grc: Path, out: Path) -> Path:
    res = subprocess.run(["grcc", "-o", str(out), str(grc)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    py = out / (grc.stem + ".py")
    assert py.exists(), res.stdout + res.stderr
    return py


@pytest.mark.parametrize("grc", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_compiles_with_our_blocks(grc, tmp_path):
    py = grcc(grc, tmp_path)
    used = set(re.findall(r"id: (semdiff_\w+)", grc.read_text()))
    code = py.read_text()
    # grcc silently drops blocks whose definitions it cannot find: check each one made it
    for block_id in used:
        assert f"semdiff.{block_id.removeprefix('semdiff_')}(" in code, block_id


def test_loopback_phy_runs_headless(tmp_path):
    py = grcc(ROOT / "examples" / "loopback_phy.grc", tmp_path)
    res = subprocess.run([sys.executable, str(py), "-n", "12", "-s", "30", "-c", "1e9"], capture_output=True,
                         text=True, timeout=300, env=os.environ)
    assert res.returncode == 0, res.stderr
    lines = [l for l in res.stdout.splitlines() if l.startswith("frame ")]
    assert [int(re.search(r"frame_id=(\d+)", l).group(1)) for l in lines] == list(range(12))
    evm = [float(re.search(r"evm_db=(-?[\d.]+)", l).group(1)) for l in lines]
    assert max(evm) < -10


def test_waveform_interference_example_runs_and_hurts_as_set(tmp_path):
    """interference_waveform: the PHY loopback with waveform_interference between channel and deframer;
    every frame arrives, and SINR 0 dB costs more EVM than SINR 15 dB."""
    py = grcc(ROOT / "examples" / "interference_waveform.grc", tmp_path)
    evm = {}
    for sinr in ("15", "0"):
        res = subprocess.run([sys.executable, str(py), "-n", "12", "-s", "20", "-i", sinr], capture_output=True,
                             text=True, timeout=300, env=os.environ)
        assert res.returncode == 0, res.stderr
        lines = [l for l in res.stdout.splitlines() if l.startswith("frame ")]
        assert [int(re.search(r"frame_id=(\d+)", l).group(1)) for l in lines] == list(range(12))
        evm[sinr] = sum(float(re.search(r"evm_db=(-?[\d.]+)", l).group(1)) for l in lines) / len(lines)
    assert evm["0"] > evm["15"] + 5, evm


def run_image_example(name: str, tmp_path, *args) -> tuple[list[dict], Path]:
    """grcc an image example, run it headless with ``args`` (-o is added); its JSONL records and out dir."""
    import json
    py = grcc(ROOT / "examples" / f"{name}.grc", tmp_path)
    out = tmp_path / "run"
    res = subprocess.run([sys.executable, str(py), *args, "-o", str(out)], capture_output=True, text=True,
                         timeout=300, env=os.environ)
    assert res.returncode in (0, -15), res.stderr[-2000:]
    return [json.loads(l) for l in (out / "frames.jsonl").read_text().splitlines()], out


def test_image_loopback_runs_headless_with_shipped_models(tmp_path):
    """loopback_awgn.grc: image_source → jscc_encoder → PHY → tagged_stream_to_pdu → diffusion_decoder →
    image_sink, which stops the generated script once every expected frame is accounted for."""
    recs, out = run_image_example("loopback_awgn", tmp_path, "-n", "4", "-s", "10", "-m", "deepjscc")
    assert sorted(r["frame_id"] for r in recs) == [0, 1, 2, 3]
    assert all(r["method"] == "deepjscc" and r["psnr_db"] > 15 for r in recs)
    assert len(list((out / "frames").glob("*.png"))) == 4


def test_air_loopback_runs_headless_and_accounts_for_every_frame(tmp_path):
    """loopback_air.grc: air_framer → GNU Radio's channel_model (noise, CFO, clock offset, multipath) →
    ofdm_sync on the untagged stream → deframer → decoder → sink; every image decoded."""
    recs, _ = run_image_example("loopback_air", tmp_path, "-n", "6", "-s", "20", "-m", "deepjscc")
    assert sorted(r["frame_id"] for r in recs) == list(range(6))
    assert all("dropped" not in r and r["psnr_db"] > 15 for r in recs), recs


def test_multipath_clip_loopback_runs_headless(tmp_path):
    recs, _ = run_image_example("loopback_multipath_clip", tmp_path, "-n", "3", "-s", "15", "-m", "deepjscc")
    assert sorted(r["frame_id"] for r in recs) == [0, 1, 2]
    assert all("dropped" not in r and r["psnr_db"] > 15 for r in recs), recs


@pytest.mark.parametrize("block, param, bad", [("sync", "threshold", "1.5"), ("air_framer", "codec_id", "64"),
                                               ("source", "window", "-1")])
def test_grc_refuses_impossible_values_before_running(tmp_path, block, param, bad):
    """The block YAMLs' asserts: grcc (and GRC's editor) reject the flowgraph, naming the failed check."""
    import yaml
    doc = yaml.safe_load((ROOT / "examples" / "loopback_air.grc").read_text())
    next(b for b in doc["blocks"] if b["name"] == block)["parameters"][param] = bad
    bad_grc = tmp_path / "bad.grc"
    bad_grc.write_text(yaml.safe_dump(doc, sort_keys=False))
    res = subprocess.run(["grcc", "-o", str(tmp_path), str(bad_grc)], capture_output=True, text=True, timeout=300,
                         env=os.environ)
    assert res.returncode != 0
    assert param in (res.stdout + res.stderr), res.stdout[-1500:]


def test_decoder_dropdown_offers_every_registered_method():
    import yaml

    from gnuradio.semdiff.decoders import methods
    spec = yaml.safe_load((ROOT / "grc" / "semdiff_diffusion_decoder.block.yml").read_text())
    (param,) = [p for p in spec["parameters"] if p["id"] == "method"]
    assert sorted(o.strip("'") for o in param["options"]) == methods()
    assert len(param["option_labels"]) == len(param["options"])
