"""stop() is prompt whatever is queued or in progress, and the sink records every frame the decoder
emits up to the end — results and cancellations produced during stop() included (issue [6 of 10],
points 4 and 5)."""
import time

import pmt
import pytest
from gnuradio import gr, pdu

from gnuradio import semdiff


def decoder_to_sink(dec):
    """feed ─► dec ─► sink; returns (top block, feed, sink)."""
    sink = semdiff.image_sink("", write_png=False, metrics=False)
    tb = gr.top_block()
    feed = pdu.pdu_remove(pmt.intern("unused"))
    tb.msg_connect(feed, "pdus", dec, "in")
    tb.msg_connect(dec, "out", sink, "in")
    tb.start()
    return tb, feed, sink


def frames(n, k=128):
    z = [0.3 + 0.4j] * k
    return [pmt.cons(pmt.to_pmt({"frame_id": i, "snr_db": 10.0, "noise_var": 0.1}), pmt.init_c32vector(k, z))
            for i in range(n)]


@pytest.mark.parametrize("on_stop", ["drain", "cancel"])
def test_stop_interrupts_a_long_decode_and_the_sink_records_everything(tiny_models, on_stop):
    _, ctx = tiny_models
    # 100 000 DiffCom steps per frame: minutes of work the stop must not wait for
    dec = semdiff.diffusion_decoder("diffcom", {"steps": 100_000}, context=ctx, max_batch=4, on_stop=on_stop)
    tb, feed, sink = decoder_to_sink(dec)
    for m in frames(12):
        feed.to_basic_block()._post(pmt.intern("pdus"), m)
    time.sleep(1.0)                         # the first batch is decoding, the rest waits
    t0 = time.time()
    tb.stop()
    tb.wait()
    took = time.time() - t0
    recs = sink.records
    assert sorted(r["frame_id"] for r in recs) == list(range(12))
    assert all(r.get("dropped") == "cancelled" for r in recs)
    st = dec.stats()
    assert st["frames_in"] == 12 and st["dropped_cancelled"] == 12
    # promptness shows as behaviour: all 12 are cancelled, so the 100 000-step batch was interrupted
    # (finishing it would have decoded frames); the time is printed, not asserted (tests never assert on time)
    print(f"stop() with {on_stop}: {took:.2f} s")


def test_frames_decoded_during_a_drain_reach_the_sink(tiny_models):
    _, ctx = tiny_models
    dec = semdiff.diffusion_decoder("deepjscc", {}, context=ctx, max_batch=2, on_stop="drain", stop_timeout=5.0)
    tb, feed, sink = decoder_to_sink(dec)
    for m in frames(40):
        feed.to_basic_block()._post(pmt.intern("pdus"), m)
    t0 = time.time()
    while dec.stats()["frames_in"] < 40 and time.time() - t0 < 30:   # all 40 are in the decoder's queue
        time.sleep(0.001)
    tb.stop()                               # at once: most frames are decoded while stopping
    tb.wait()
    recs = sink.records
    assert sorted(r["frame_id"] for r in recs) == list(range(40))
    st = dec.stats()
    assert st["processed"] + sum(v for k, v in st.items() if k.startswith("dropped_")) == 40
    assert st["processed"] > 0
    assert sum("dropped" not in r for r in recs) == st["processed"]
