"""The live view ([7 of 10]): per frame the original, the DeepJSCC image and the diffusion output with
PSNR, beside GNU Radio's constellation sink — checked on a screenshot taken under Xvfb while the GUI
example (loopback_air_gui.grc, as grcc generates it) runs, and on the block alone."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pmt
import pytest

from gnuradio import semdiff
from gnuradio.semdiff.blocks.pdu_util import image_pdu

ROOT = Path(__file__).resolve().parents[1]


def test_gui_example_shows_images_and_constellation(tmp_path):
    res = subprocess.run(["grcc", "-o", str(tmp_path), str(ROOT / "examples" / "loopback_air_gui.grc")],
                         capture_output=True, text=True, timeout=300, env=os.environ)
    assert res.returncode == 0, res.stdout + res.stderr
    shot = tmp_path / "shot.png"
    res = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x1000x24", sys.executable,
                          str(tmp_path / "loopback_air_gui.py"), "-n", "3", "-m", "hifi_diffcom", "-o",
                          str(tmp_path / "run"), "--snapshot", str(shot)],
                         capture_output=True, text=True, timeout=300, env=os.environ)
    assert res.returncode in (0, -15), res.stderr[-2000:]
    from PIL import Image
    img = np.asarray(Image.open(shot).convert("L"), dtype=np.float32)
    assert img.shape[0] >= 500 and img.shape[1] >= 900
    left = img[:, : img.shape[1] // 2]                 # the image grid
    dark = (left < 20).mean()                          # Fashion-MNIST's black backgrounds
    bright = (left > 180).mean()
    assert dark > 0.10 and bright > 0.05, (dark, bright)      # pictures, not an empty window
    right = img[:, img.shape[1] // 2:]
    assert (right < 100).mean() > 0.005                # axes, labels and points of the constellation


def test_live_view_block_keeps_the_latest_frames_with_psnr():
    v = semdiff.live_view("fashion-mnist:test:0", rows=2, methods="deepjscc,hifi_diffcom")
    orig = v.original({}, 3)
    for fid in range(4):
        v._handle(image_pdu(v.original({}, fid), {"frame_id": fid, "method": "deepjscc"}))
    v._handle(image_pdu(np.zeros_like(orig), {"frame_id": 3, "method": "hifi_diffcom"}))
    v._handle(pmt.cons(pmt.to_pmt({"frame_id": 9, "dropped": "lost"}), pmt.make_u8vector(0, 0)))   # ignored
    assert sorted(v.frames) == [2, 3]
    assert v.frames[3]["deepjscc"][1] == float("inf")           # identical to the original
    expected = -10 * np.log10(np.mean((orig.astype(np.float64) / 255) ** 2))   # black vs the original
    assert abs(v.frames[3]["hifi_diffcom"][1] - expected) < 1e-6


@pytest.mark.parametrize("kw, name", [(dict(rows=0), "rows"), (dict(methods=" , "), "methods"),
                                      (dict(reference="fashion-mnist:test:x"), "reference")])
def test_live_view_rejects_bad_values(kw, name):
    with pytest.raises(ValueError, match=name):
        semdiff.live_view(**kw)


def test_ota_rx_gui_example_runs_on_a_capture(tmp_path):
    """ota_rx_usrp_gui.grc under Xvfb, source switched to a synthesised capture: every frame decoded and
    the window saved with images in it."""
    from gnuradio.semdiff.capture.synth import synth
    synth(tmp_path / "cap", images=3, snr_db=20, seed=1)
    res = subprocess.run(["grcc", "-o", str(tmp_path), str(ROOT / "examples" / "ota_rx_usrp_gui.grc")],
                         capture_output=True, text=True, timeout=300, env=os.environ)
    assert res.returncode == 0, res.stdout + res.stderr
    shot, out = tmp_path / "shot.png", tmp_path / "run"
    res = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x1000x24", sys.executable,
                          str(tmp_path / "ota_rx_usrp_gui.py"), "-S", "replay", "-C", str(tmp_path / "cap.sigmf-meta"),
                          "-n", "3", "-m", "deepjscc", "-o", str(out), "--snapshot", str(shot)],
                         capture_output=True, text=True, timeout=300, env=os.environ)
    assert res.returncode in (0, -15), res.stderr[-2000:]
    import json
    recs = [json.loads(l) for l in (out / "frames.jsonl").read_text().splitlines()]
    assert sorted(r["frame_id"] for r in recs) == [0, 1, 2]
    from PIL import Image
    img = np.asarray(Image.open(shot).convert("L"), dtype=np.float32)
    assert (img[:, : img.shape[1] // 2] < 20).mean() > 0.10
