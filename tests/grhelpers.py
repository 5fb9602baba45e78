"""Small helpers for flowgraph tests: tagged frames in, frames and tags out."""
from __future__ import annotations

import numpy as np
import pmt
from gnuradio import blocks, gr


def frame_tags(lengths, frame_ids=None, key="packet_len"):
    """packet_len + frame_id tags for back-to-back frames of the given lengths."""
    tags, off = [], 0
    for i, n in enumerate(lengths):
        tags.append(gr.tag_utils.python_to_tag((off, pmt.intern(key), pmt.from_long(int(n)))))
        fid = i if frame_ids is None else frame_ids[i]
        tags.append(gr.tag_utils.python_to_tag((off, pmt.intern("frame_id"), pmt.from_long(int(fid)))))
        off += n
    return tags


def run_chain(samples: np.ndarray, tags, chain):
    """vector_source -> chain... -> vector_sink; returns (output samples, output tags as dicts)."""
    tb = gr.top_block()
    src = blocks.vector_source_c(np.asarray(samples, dtype=np.complex64).tolist(), False, 1, tags)
    snk = blocks.vector_sink_c()
    tb.connect(src, *chain, snk)
    tb.run()
    out_tags = [{"offset": t.offset, "key": pmt.symbol_to_string(t.key), "value": pmt.to_python(t.value)}
                for t in snk.tags()]
    return np.asarray(snk.data(), dtype=np.complex64), out_tags


def frames_by_id(data: np.ndarray, tags, frame_len: int):
    """{frame_id: (samples, {tag: value})} from a sink's output."""
    starts = {t["offset"]: {} for t in tags if t["key"] == "packet_len"}
    for t in tags:
        if t["offset"] in starts:
            starts[t["offset"]][t["key"]] = t["value"]
    return [(meta.get("frame_id"), data[off:off + frame_len], meta) for off, meta in sorted(starts.items())]


def run_until_accounted(tb, sink, n: int, timeout: float = 120.0) -> float:
    """Start ``tb``, wait until ``sink`` accounts for ``n`` frames (or ``timeout``), stop; seconds taken."""
    import time
    tb.start()
    t0 = time.time()
    while sink.accounted() < n and time.time() - t0 < timeout:
        time.sleep(0.05)
    tb.stop()
    tb.wait()
    return time.time() - t0


def decode_one_frame(dec, sink, done, frame_id: int = 7, snr_db: float = 10.0, noise_var: float = 0.1,
                     k: int = 128, timeout: float = 60.0):
    """Post one symbol frame straight into decoder ``dec`` (as its upstream would), run the flowgraph
    dec → ``sink`` until ``done()`` or ``timeout``, and stop it."""
    import time

    from gnuradio import pdu
    tb = gr.top_block()
    tb.msg_connect(pdu.pdu_remove(pmt.intern("unused")), "pdus", dec, "in")
    tb.msg_connect(dec, "out", sink, "in")
    tb.start()
    meta = pmt.to_pmt({"frame_id": frame_id, "snr_db": snr_db, "noise_var": noise_var})
    dec.to_basic_block()._post(pmt.intern("in"), pmt.cons(meta, pmt.init_c32vector(k, [0.3 + 0.1j] * k)))
    t0 = time.time()
    while not done() and time.time() - t0 < timeout:
        time.sleep(0.05)
    tb.stop()
    tb.wait()
