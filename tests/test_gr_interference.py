"""Interference injection and ICDM cancellation as GNU Radio PDU blocks (tiny random models).

  image_source ─► jscc_encoder_pdu ─► interference_injector ─► interference_canceller
               ─► diffusion_decoder(deepjscc) ─► image_sink
"""

import numpy as np
import pmt
import pytest
from gnuradio import gr

from gnuradio import semdiff
from gnuradio.semdiff.models.symbol_prior import SymbolPriorConfig, SymbolScoreNet

from grhelpers import run_until_accounted


@pytest.fixture(scope="module")
def tiny(tiny_models):
    model, ctx = tiny_models
    priors = tuple(SymbolScoreNet(SymbolPriorConfig(k=128, hidden=32, depth=1)).eval() for _ in range(2))
    return model, ctx, priors


@pytest.mark.parametrize("interferer", ["qpsk", "16qam", "ofdm", "tone", "chirp", "gaussian"])
def test_injector_meta_and_sinr(tiny, interferer):
    model, _, _ = tiny
    inj = semdiff.interference_injector(128, interferer, 0.0, 20.0, "rayleigh", 1)
    got = []
    inj.message_port_pub = lambda port, msg: got.append(msg)   # capture without a flowgraph
    x = (np.random.default_rng(0).standard_normal(128) + 1j * np.random.default_rng(1).standard_normal(128)) / np.sqrt(2)
    inj._handle(pmt.cons(pmt.to_pmt({"frame_id": 3}), pmt.init_c32vector(128, x.astype(np.complex64).tolist())))
    meta = pmt.to_python(pmt.car(got[0]))
    assert meta["frame_id"] == 3 and meta["sinr_db"] == 0.0 and len(meta["h_x"]) == 128
    assert len(pmt.c32vector_elements(pmt.cdr(got[0]))) == 128
    with pytest.raises(ValueError, match="interferer class"):
        inj.set_class("jammer")


def test_icdm_chain_accounts_for_every_frame(tiny):
    model, ctx, priors = tiny
    n = 10
    tb = gr.top_block()
    src = semdiff.image_source("fashion-mnist", "test", 0, n)
    enc = semdiff.jscc_encoder_pdu(str(model), 20.0)
    inj = semdiff.interference_injector(128, "qpsk", 0.0, 20.0, "rayleigh", 0)
    canc = semdiff.interference_canceller(128, steps=4, order=2, priors=priors, queue_size=4, max_batch=4)
    dec = semdiff.diffusion_decoder("deepjscc", {}, context=ctx)
    sink = semdiff.image_sink("", write_png=False, metrics=False)
    for a, b in ((src, enc), (enc, inj), (inj, canc), (canc, dec), (dec, sink)):
        tb.msg_connect(a, "out", b, "in")
    tb.keep = (src, enc, inj, canc, dec, sink)
    run_until_accounted(tb, sink, n)
    assert sorted(r["frame_id"] for r in sink.records) == list(range(n))
    st = canc.stats()
    assert st["frames_in"] == n == st["processed"] + sum(v for k, v in st.items() if k.startswith("dropped_"))
