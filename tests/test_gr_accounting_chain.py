"""1000 images through the whole image chain with mixed faults (issue [6 of 10]): every frame id is
recorded by the sink exactly once — decoded, or with the drop reason of the block that dropped it —
and the blocks' counters match the records.

  image_source ─► jscc_encoder ─► interleaver ─► framer ─► clipper ─► channel ─► [NaN on some frames]
  ─► deframer ─► deinterleaver ─► tagged_stream_to_pdu ─► [bad CSI on some PDUs] ─► decoder ─► sink
  (the drops ports of the encoder and of every stream block go to the sink as well)
"""
import numpy as np
import pmt
from gnuradio import gr, pdu

from gnuradio import semdiff

from grhelpers import run_until_accounted

ORDER = ["interleaver", "framer", "clipper", "channel", "deframer", "deinterleaver"]
N = 1000
NAN_IDS = set(range(7, N, 97))           # a NaN sample: the deframer drops them (nonfinite)
BAD_CSI_IDS = set(range(11, N, 89))      # snr_db = "ten": the decoder drops them (malformed)


class nan_injector(gr.sync_block):
    """Puts a NaN on the first sample of chosen frames (by their frame_id tag)."""

    def __init__(self, ids):
        gr.sync_block.__init__(self, "nan_injector", [np.complex64], [np.complex64])
        self.ids = ids

    def work(self, input_items, output_items):
        out = output_items[0]
        out[:] = input_items[0]
        start = self.nitems_read(0)
        for t in self.get_tags_in_window(0, 0, len(out), pmt.intern("frame_id")):
            if pmt.to_python(t.value) in self.ids:
                out[t.offset - start] = np.nan
        return len(out)


class csi_spoiler(gr.basic_block):
    def __init__(self, ids):
        gr.basic_block.__init__(self, "csi_spoiler", [], [])
        self.ids = ids
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self.handle)

    def handle(self, msg):
        meta = pmt.car(msg)
        fid = pmt.to_python(pmt.dict_ref(meta, pmt.intern("frame_id"), pmt.PMT_NIL))
        if fid in self.ids:
            meta = pmt.dict_add(meta, pmt.intern("snr_db"), pmt.intern("ten"))
        self.message_port_pub(pmt.intern("out"), pmt.cons(meta, pmt.cdr(msg)))


def test_every_frame_accounted_through_the_chain(tiny_models):
    model, ctx = tiny_models
    tb = gr.top_block()
    src = semdiff.image_source("fashion-mnist", "test", 0, N, 0.002)
    enc = semdiff.jscc_encoder(str(model), 20.0)
    b = semdiff.link_blocks(ctx.link.cfg, snr_db=20.0, seed=3)
    nan = nan_injector(NAN_IDS)
    to_pdu = pdu.tagged_stream_to_pdu(gr.types.complex_t, "packet_len")
    spoil = csi_spoiler(BAD_CSI_IDS)
    dec = semdiff.diffusion_decoder("deepjscc", {}, context=ctx, max_batch=16, queue_size=2 * N)
    sink = semdiff.image_sink("", write_png=False, metrics=False)
    tb.msg_connect(src, "out", enc, "in")
    tb.connect(enc, *[b[k] for k in ORDER[:4]], nan, *[b[k] for k in ORDER[4:]], to_pdu)
    tb.msg_connect(to_pdu, "pdus", spoil, "in")
    tb.msg_connect(spoil, "out", dec, "in")
    tb.msg_connect(dec, "out", sink, "in")
    tb.msg_connect(enc, "drops", sink, "in")
    for k in ORDER:
        tb.msg_connect(b[k], "drops", sink, "in")
    tb.keep = (src, enc, b, nan, to_pdu, spoil, dec, sink)
    took = run_until_accounted(tb, sink, N, timeout=300)
    recs = sink.records
    ids = [r["frame_id"] for r in recs]
    assert sorted(ids) == list(range(N)), f"{len(ids)} records, {len(set(ids))} distinct"
    dropped = {r["frame_id"]: r["dropped"] for r in recs if "dropped" in r}
    assert dropped == {**{i: "nonfinite" for i in NAN_IDS}, **{i: "malformed" for i in BAD_CSI_IDS}}
    decoded = [r["frame_id"] for r in recs if "dropped" not in r]
    assert decoded == sorted(decoded)                      # in order
    st = dec.stats()
    assert st["processed"] == len(decoded) == N - len(NAN_IDS) - len(BAD_CSI_IDS)
    assert st["dropped_malformed"] == len(BAD_CSI_IDS)
    assert b["deframer"].stats()["dropped_nonfinite"] == len(NAN_IDS)
    print(f"{N} frames: {len(decoded)} decoded, {len(NAN_IDS)} dropped by the deframer, "
          f"{len(BAD_CSI_IDS)} by the decoder, {took:.1f} s")
