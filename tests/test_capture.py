"""SigMF capture and replay ([7 of 10]): a synthesised over-the-air recording carries what a receiver
needs (sample rate, centre frequency, hardware, start time, the link and its hash, one annotation per
frame) and decodes end to end; truncated, corrupt or mismatched recordings fail with one clear line.

  capture synth:  images ─► TX chain ─► air_framer ─► lead-in ─► channel_model ─► sigmf_capture_sink
  replay:         sigmf_replay_source ─► ofdm_sync ─► deframer ─► … ─► diffusion_decoder ─► image_sink
"""
import json
import os
import shutil
import subprocess

import numpy as np
import pmt
import pytest
from gnuradio import blocks, gr

from gnuradio import semdiff
from gnuradio.semdiff.capture.blocks import sigmf_capture_sink
from gnuradio.semdiff.capture.meta import LinkSetup, open_capture
from gnuradio.semdiff.capture.replay import replay
from gnuradio.semdiff.capture.synth import synth

N_IMAGES = 6


@pytest.fixture(scope="module")
def capture(tmp_path_factory):
    base = tmp_path_factory.mktemp("cap") / "synth"
    synth(base, images=N_IMAGES, snr_db=20, cfo=-1.7, sco_ppm=30, taps=8, seed=4)
    return base


def test_synthesised_capture_carries_the_metadata(capture):
    from sigmf import SigMFFile
    from sigmf.sigmffile import fromfile

    f = fromfile(str(capture) + ".sigmf-meta")
    f.validate()
    g = f.get_global_info()
    assert g["core:datatype"] == "cf32_le" and g["core:sample_rate"] == 1e6
    assert "channel_model" in g["core:hw"]
    assert g["semdiff:link"]["jscc"] == "jscc_fmnist_ofdm_cbr1-8"
    assert g["semdiff:link_sha256"] == LinkSetup(**g["semdiff:link"]).sha256()
    cap = f.get_captures()[0]
    assert cap["core:frequency"] == 2.45e9 and cap["core:datetime"].endswith("Z")
    ann = f.get_annotations()
    assert [a["semdiff:frame_id"] for a in ann] == list(range(N_IMAGES))
    assert ann[0][SigMFFile.SAMPLE_START_KEY] >= 2900       # after the 3000-sample lead-in (resampled)


def test_replay_decodes_every_frame(capture, tmp_path):
    s = replay(str(capture), "deepjscc", out_dir=str(tmp_path / "out"), timeout=120)
    assert s["decoded"] == N_IMAGES and s["never_heard"] == [] and not s["dropped"]
    assert s["mean_psnr_db"] > 18
    assert len(list((tmp_path / "out" / "frames").glob("*.png"))) == N_IMAGES
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["decoded"] == N_IMAGES


def _copy(capture, dst, data=None, meta=None):
    shutil.copy(str(capture) + ".sigmf-data", str(dst) + ".sigmf-data")
    shutil.copy(str(capture) + ".sigmf-meta", str(dst) + ".sigmf-meta")
    if data is not None:
        (dst.parent / (dst.name + ".sigmf-data")).write_bytes(data(open(str(capture) + ".sigmf-data", "rb").read()))
    if meta is not None:
        (dst.parent / (dst.name + ".sigmf-meta")).write_text(meta(open(str(capture) + ".sigmf-meta").read()))
    return dst


@pytest.mark.parametrize("case, data, meta, words", [
    ("truncated", lambda b: b[:len(b) // 2], None, "truncated"),
    ("torn sample", lambda b: b[:-3], None, "whole number"),
    ("flipped bytes", lambda b: b[:100] + bytes(8) + b[108:], None, "hash"),
    ("not json", None, lambda m: m[:200], "not JSON"),
    ("edited link", None, lambda m: m.replace('"k": 128', '"k": 64'), "link_sha256"),
    ("no link", None, lambda m: m.replace('"semdiff:link"', '"semdiff:lunk"'), "semdiff:link")])
def test_bad_recordings_fail_with_one_clear_line(capture, tmp_path, case, data, meta, words):
    bad = _copy(capture, tmp_path / "bad", data, meta)
    with pytest.raises(ValueError, match=words):
        open_capture(bad)


def test_a_receiver_with_another_link_is_told_which_field(capture):
    with pytest.raises(ValueError, match="k 128 \\(capture\\) vs 64 \\(receiver\\)"):
        open_capture(capture, expect=LinkSetup(k=64))


def test_cli_reports_a_truncated_capture_in_one_line(capture, tmp_path):
    bad = _copy(capture, tmp_path / "cut", data=lambda b: b[: len(b) // 3])
    res = subprocess.run(["gr-semdiff", "replay", str(bad), "--out", str(tmp_path / "o")], capture_output=True,
                         text=True, timeout=120, env=os.environ)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "truncated" in res.stderr


def test_capture_sink_annotates_bursts_from_their_tags(tmp_path):
    from gnuradio.semdiff.air.link import make_frames
    spec = semdiff.grid_from("default", 128, "block")
    _, frames = make_frames(spec, 4, 0)
    flen = spec.frame_len()
    tags = [gr.tag_utils.python_to_tag((i * flen, pmt.intern(k), pmt.from_long(v)))
            for i in range(4) for k, v in (("packet_len", flen), ("frame_id", 10 + i))]
    framer = semdiff.air_framer(spec)
    sink = sigmf_capture_sink(str(tmp_path / "tx"), 2e6, 915e6, hw="test", link=LinkSetup())
    tb = gr.top_block()
    tb.connect(blocks.vector_source_c(frames.reshape(-1).tolist(), False, 1, tags), framer, sink)
    tb.run()
    sink.finish()
    cap = open_capture(tmp_path / "tx")
    unit = framer.burst_len() + 2 * 64 + 4 * 16          # burst + the automatic gap
    assert cap.n_samples == 4 * unit
    assert [a[2] for a in cap.annotations] == [10, 11, 12, 13]
    assert [a[0] for a in cap.annotations] == [i * unit for i in range(4)]
    assert cap.sample_rate == 2e6 and cap.center_freq == 915e6


def test_ota_rx_example_decodes_a_capture_end_to_end(capture, tmp_path):
    """examples/ota_rx_usrp.grc with its source switched to replay (-S replay -C FILE), as GRC generates
    it: every frame of the capture decoded and scored against the images that were sent."""
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    res = subprocess.run(["grcc", "-o", str(tmp_path), str(root / "examples" / "ota_rx_usrp.grc")],
                         capture_output=True, text=True, timeout=300, env=os.environ)
    assert res.returncode == 0, res.stdout + res.stderr
    out = tmp_path / "run"
    res = subprocess.run([sys.executable, str(tmp_path / "ota_rx_usrp.py"), "-S", "replay", "-C",
                          str(capture) + ".sigmf-meta", "-n", str(N_IMAGES), "-m", "deepjscc", "-o", str(out)],
                         capture_output=True, text=True, timeout=300, env=os.environ)
    assert res.returncode in (0, -15), res.stderr[-2000:]
    recs = [json.loads(l) for l in (out / "frames.jsonl").read_text().splitlines()]
    assert sorted(r["frame_id"] for r in recs) == list(range(N_IMAGES))
    assert all("dropped" not in r and r["psnr_db"] > 18 for r in recs), recs


def test_ota_source_without_a_usrp_says_what_to_do():
    with pytest.raises(RuntimeError, match="no USRP for device args 'type=b200'.*replay"):
        semdiff.ota_source("usrp", "", "type=b200")
    with pytest.raises(ValueError, match="kind"):
        semdiff.ota_source("hackrf")
    with pytest.raises(ValueError, match="capture"):
        semdiff.ota_source("replay", "")


def test_recording_at_the_receiver_annotates_every_frame_received(capture, tmp_path):
    """ota_source replaying a capture while recording it: ofdm_sync's "frames" announcements become the
    recording's annotations, at the bursts' positions."""
    spec = semdiff.grid_from("default", 128, "block")
    ota = semdiff.ota_source("replay", str(capture), record=str(tmp_path / "rx"), throttle=False, idle_after=False)
    sync = semdiff.ofdm_sync(spec)
    tb = gr.top_block()
    tb.connect(ota, sync, blocks.null_sink(gr.sizeof_gr_complex))
    tb.msg_connect(sync, "frames", ota, "frames")
    tb.run()
    ota.recorder.wait()                               # announcements the sync made as the graph stopped
    rec, sent = open_capture(tmp_path / "rx"), open_capture(capture)
    assert rec.annotations == [] and [fid for _, _, fid in rec.received] == list(range(N_IMAGES))
    assert all(abs(a[0] - b[0]) <= 3 for a, b in zip(rec.received, sent.annotations))
    assert rec.link == sent.link and rec.n_samples == sent.n_samples
