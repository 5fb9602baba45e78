"""Images through the whole GNU Radio link and the streaming decoder.

  image_source ─(PDU)─► jscc_encoder ─► frame_interleaver ─► ofdm_framer ─► papr_clipper
  ─► multipath_channel ─► ofdm_deframer ─► frame_deinterleaver ─► pdu.tagged_stream_to_pdu
  ─(PDU)─► diffusion_decoder ─(PDU)─► image_sink
"""
import time

import pmt
import pytest
from gnuradio import gr, pdu

from gnuradio import semdiff

from grhelpers import run_until_accounted

ORDER = ["interleaver", "framer", "clipper", "channel", "deframer", "deinterleaver"]


@pytest.fixture(scope="module")
def tiny(tiny_models):
    model, ctx = tiny_models
    return model, ctx.link.cfg, ctx


def build(tiny, n_images, method="deepjscc", params=None, snr_db=20.0, **dec_kw):
    model, cfg, ctx = tiny
    tb = gr.top_block()
    src = semdiff.image_source("fashion-mnist", "test", 0, n_images)
    enc = semdiff.jscc_encoder(str(model), snr_db)
    b = semdiff.link_blocks(cfg, snr_db=snr_db, seed=1)
    to_pdu = pdu.tagged_stream_to_pdu(gr.types.complex_t, "packet_len")
    dec = semdiff.diffusion_decoder(method, params or {}, context=ctx, **dec_kw)
    sink = semdiff.image_sink("", write_png=False, metrics=True)
    tb.msg_connect(src, "out", enc, "in")
    tb.connect(enc, *[b[k] for k in ORDER], to_pdu)
    tb.msg_connect(to_pdu, "pdus", dec, "in")
    tb.msg_connect(dec, "out", sink, "in")
    # Python blocks must outlive the flowgraph run: GNU Radio's C++ side holds no reference to the
    # Python object behind a Python block (GRC keeps them as attributes of the top block, as here).
    tb.keep = (src, enc, b, to_pdu, dec, sink)
    return tb, src, dec, sink


def test_every_image_is_decoded_and_scored(tiny):
    tb, src, dec, sink = build(tiny, 12)
    run_until_accounted(tb, sink, 12)
    ids = sorted(r["frame_id"] for r in sink.records)
    assert ids == list(range(12))
    assert all("psnr_db" in r and r["method"] == "deepjscc" for r in sink.records)
    assert dec.stats()["processed"] == 12


def test_overload_drops_are_counted_and_every_frame_accounted(tiny):
    tb, src, dec, sink = build(tiny, 40, "diffcom", {"steps": 3}, queue_size=2, max_batch=2,
                               policy="drop_oldest")
    run_until_accounted(tb, sink, 40)
    ids = sorted(r["frame_id"] for r in sink.records)
    assert ids == list(range(40))                      # decoded or dropped with a reason, each once
    dropped = [r for r in sink.records if "dropped" in r]
    assert dropped and all(r["dropped"] == "queue_full" for r in dropped)
    assert dec.stats()["processed"] + dec.stats()["dropped_queue_full"] == 40


def test_method_switch_at_run_time(tiny):
    tb, src, dec, sink = build(tiny, 0)
    tb.start()
    dec.to_basic_block()._post(pmt.intern("control"), pmt.to_pmt({"method": "diffcom", "steps": 2}))
    time.sleep(0.3)
    tb.stop()
    tb.wait()
    assert dec.method == "diffcom" and dec.params == {"steps": 2}
    with pytest.raises(ValueError, match="unknown decoding method"):
        dec.set_method("nope")


def test_malformed_frames_are_counted(tiny):
    _, _, dec, _ = build(tiny, 0)
    bad = pmt.cons(pmt.to_pmt({"frame_id": 7, "snr_db": 10.0, "noise_var": 0.1}), pmt.init_c32vector(3, [1j] * 3))
    dec._guarded_in(bad)
    assert dec.stats()["dropped_malformed"] == 1
