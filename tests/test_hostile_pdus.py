"""Hostile PDUs and control messages (issue [6 of 10], points 1, 2, 6, 7, 8): whatever arrives, every PDU
block keeps running and gives exactly one output per frame — processed or a drop report — and the
sink one record per PDU. Random metadata types and values, vectors and non-PDUs via hypothesis."""
import math
import time

import numpy as np
import pmt
import pytest
from gnuradio import blocks, gr, pdu
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gnuradio import semdiff

KEYS = ["frame_id", "snr_db", "noise_var", "h_est", "sinr_db", "h_x", "height", "width", "channels", "dataset",
        "dataset_index", "split", "method", "dropped", "label", "equalized", "fading"]

pmt_values = st.one_of(
    st.integers(-2 ** 63, 2 ** 63 - 1).map(pmt.from_long),
    st.sampled_from([2 ** 64 - 1, 2 ** 63]).map(pmt.from_uint64),
    st.floats(allow_nan=True, allow_infinity=True).map(pmt.from_double),
    st.text(max_size=20).map(pmt.intern),
    st.booleans().map(pmt.from_bool),
    st.just(pmt.PMT_NIL),
    st.lists(st.integers(0, 2 ** 32), max_size=8).map(lambda v: pmt.init_u64vector(len(v), v)),
    st.lists(st.integers(-128, 127), max_size=8).map(lambda v: pmt.init_s8vector(len(v), v)),
    st.lists(st.floats(-1e3, 1e3), max_size=8).map(lambda v: pmt.init_f32vector(len(v), v)),
    st.integers(0, 300).map(lambda n: pmt.init_c32vector(n, [complex(1, -1)] * n)),
    st.tuples(st.integers(0, 5), st.text(max_size=3)).map(lambda t: pmt.make_tuple(pmt.from_long(t[0]),
                                                                                   pmt.intern(t[1]))),
)


@st.composite
def metadata(draw):
    m = pmt.make_dict()
    for k in draw(st.lists(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), max_size=8)):
        m = pmt.dict_add(m, pmt.intern(k), draw(pmt_values))
    return m


@st.composite
def messages(draw, k=128, good_meta=None):
    kind = draw(st.sampled_from(["pdu", "pdu", "pdu", "not_a_pair", "dict"]))
    if kind == "not_a_pair":
        return draw(pmt_values)
    if kind == "dict":
        return draw(metadata())
    n = draw(st.sampled_from([k, k, 0, 3, k + 1, 1024]))
    vec = draw(st.sampled_from(["c32", "u8", "f32"]))
    vals = draw(st.sampled_from([1.0, float("nan"), 1e30]))
    v = {"c32": lambda: pmt.init_c32vector(n, [complex(vals, 0.5)] * n),
         "u8": lambda: pmt.init_u8vector(n, [7] * n), "f32": lambda: pmt.init_f32vector(n, [vals] * n)}[vec]()
    meta = draw(metadata())
    if good_meta and draw(st.booleans()):
        for key, val in good_meta.items():
            meta = pmt.dict_add(meta, pmt.intern(key), pmt.to_pmt(val))
    return pmt.cons(meta, v)


def run_block(blk, msgs, out_port="out", extra_ports=()):
    """Post ``msgs`` to ``blk``'s input inside a running flowgraph; return what its outputs published."""
    tb = gr.top_block()
    dbg = blocks.message_debug()
    tb.msg_connect(blk, out_port, dbg, "store")
    for p in extra_ports:
        tb.msg_connect(blk, p, dbg, "store")
    tb.start()
    for m in msgs:
        blk.to_basic_block()._post(pmt.intern("in"), m)
    t0 = time.time()
    while dbg.num_messages() < len(msgs) and time.time() - t0 < 20:
        time.sleep(0.02)
    tb.stop()
    tb.wait()
    return [dbg.get_message(i) for i in range(dbg.num_messages())]


def balanced(stats: dict) -> bool:
    return stats["frames_in"] == stats["processed"] + sum(v for k, v in stats.items() if k.startswith("dropped_"))


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def tiny(tiny_models):
    return tiny_models


@SETTINGS
@given(st.lists(messages(good_meta={"snr_db": 10.0, "noise_var": 0.1, "frame_id": 5}), min_size=1, max_size=12))
def test_decoder_survives_anything(tiny, msgs):
    _, ctx = tiny
    dec = semdiff.diffusion_decoder("deepjscc", {}, context=ctx, max_batch=4)
    out = run_block(dec, msgs)
    assert len(out) == len(msgs)
    assert balanced(dec.stats()) and dec.stats()["frames_in"] == len(msgs)


@SETTINGS
@given(st.lists(messages(good_meta={"snr_db": 10.0, "noise_var": 0.1, "frame_id": 5}), min_size=1, max_size=8))
def test_injector_and_encoder_survive_anything(tiny, msgs):
    model, _ = tiny
    inj = semdiff.interference_injector(128, "qpsk", 0.0, 20.0, "rayleigh", 0)
    assert len(run_block(inj, msgs)) == len(msgs) and balanced(inj.stats())
    from gnuradio.semdiff.blocks.jscc_encoder import jscc_encoder_pdu
    enc = jscc_encoder_pdu(str(model), 10.0)
    assert len(run_block(enc, msgs, extra_ports=("drops",))) == len(msgs) and balanced(enc.stats())


@SETTINGS
@given(st.lists(messages(good_meta={"noise_var": 0.01, "sinr_db": 0.0, "frame_id": 1}), min_size=1, max_size=6))
def test_canceller_survives_anything(tiny, msgs):
    from gnuradio.semdiff.models.symbol_prior import SymbolPriorConfig, SymbolScoreNet
    net = SymbolScoreNet(SymbolPriorConfig(hidden=16, depth=1)).eval()
    canc = semdiff.interference_canceller(128, steps=2, priors=(net, net), max_batch=3)
    assert len(run_block(canc, msgs)) == len(msgs) and balanced(canc.stats())


@SETTINGS
@given(st.lists(messages(k=32 * 32, good_meta={"height": 32, "width": 32, "channels": 1, "frame_id": 3,
                                               "dataset": "fashion-mnist", "dataset_index": 4}),
                min_size=1, max_size=10))
def test_sink_records_every_pdu(tmp_path_factory, msgs):
    out = tmp_path_factory.mktemp("sink")
    sink = semdiff.image_sink(str(out / "png"), True, str(out / "log.jsonl"), True)
    tb = gr.top_block()
    tb.msg_connect(pdu.pdu_remove(pmt.intern("unused")), "pdus", sink, "in")   # any graph that runs the sink
    tb.start()
    for m in msgs:
        sink.to_basic_block()._post(pmt.intern("in"), m)
    tb.stop()
    tb.wait()
    recs = sink.records
    assert len(recs) == len(msgs)
    for r in recs:
        assert all(isinstance(v, (int, float, str)) for v in r.values())
        assert "frame_id" not in r or (isinstance(r["frame_id"], int) and 0 <= r["frame_id"] < 2 ** 63)


def test_control_messages_never_kill_the_decoder(tiny):
    _, ctx = tiny
    dec = semdiff.diffusion_decoder("deepjscc", {}, context=ctx)
    for msg in (pmt.to_pmt({"method": [1, 2]}), pmt.to_pmt({"method": "diffcom", "steps": 10 ** 7}),
                pmt.to_pmt({"method": "diffcom", "solver": "bogus"}), pmt.to_pmt({"method": "diffcom", "steps": "abc"}),
                pmt.to_pmt({"method": "hifi_diffcom", "zeta": math.nan}), pmt.to_pmt({"method": "diffcom", "steps": 0}),
                pmt.init_u64vector(2, [1, 2]), pmt.dict_add(pmt.make_dict(), pmt.intern("method"),
                                                            pmt.init_u64vector(1, [3]))):
        dec._on_control(msg)
        assert dec.method == "deepjscc" and dec.params == {}
    dec._on_control(pmt.to_pmt({"method": "diffcom", "steps": 3}))
    assert dec.method == "diffcom" and dec.params == {"steps": 3}


@pytest.mark.parametrize("kwargs,name", [
    (dict(fading="bogus"), "fading"), (dict(sinr_db=float("nan")), "sinr_db"), (dict(seed=-1), "seed"),
    (dict(sinr_db=30.0, snr_db=20.0), "sinr_db"), (dict(interferer="nope"), "interferer")])
def test_injector_rejects_bad_values_at_construction(kwargs, name):
    with pytest.raises(ValueError, match=name):
        semdiff.interference_injector(**{"k": 128, **kwargs})


@pytest.mark.parametrize("kwargs,name", [
    (dict(params={"steps": 0}), "steps"), (dict(params={"solver": "bogus"}), "solver"),
    (dict(params={"steps": "abc"}), "steps"), (dict(params={"zeta": float("nan")}), "zeta"),
    (dict(queue_size=0), "queue_size"), (dict(on_stop="later"), "on_stop"), (dict(seed=-3), "seed")])
def test_decoder_rejects_bad_values_at_construction(tiny, kwargs, name):
    _, ctx = tiny
    kw = {"method": "diffcom", "context": ctx, **kwargs}
    with pytest.raises(ValueError, match=name):
        semdiff.diffusion_decoder(**kw)


@pytest.mark.parametrize("kwargs,name", [(dict(count=-1), "count"), (dict(interval_s=-1.0), "interval_s"),
                                         (dict(start=-2), "start")])
def test_image_source_rejects_bad_values(kwargs, name):
    with pytest.raises(ValueError, match=name):
        semdiff.image_source(**kwargs)


def test_one_bad_frame_does_not_spoil_its_batch(tiny):
    """snr_db="ten" used to pass parse and fail its whole batch: now it alone is dropped."""
    _, ctx = tiny
    dec = semdiff.diffusion_decoder("deepjscc", {}, context=ctx, max_batch=8)
    z = [0.5 + 0.5j] * 128
    good = [pmt.cons(pmt.to_pmt({"frame_id": i, "snr_db": 10.0, "noise_var": 0.1}), pmt.init_c32vector(128, z))
            for i in range(5)]
    bad = pmt.cons(pmt.to_pmt({"frame_id": 99, "snr_db": "ten", "noise_var": 0.1}), pmt.init_c32vector(128, z))
    out = run_block(dec, good[:2] + [bad] + good[2:])
    metas = [pmt.to_python(pmt.car(m)) for m in out]
    assert sorted(m["frame_id"] for m in metas if "dropped" not in m) == [0, 1, 2, 3, 4]
    assert [m["dropped"] for m in metas if "dropped" in m] == ["malformed"]
    assert np.isfinite([dec.stats()["processed"]]).all() and dec.stats()["processed"] == 5


@pytest.mark.parametrize("meta, key", [
    ({"dataset": "/etc", "dataset_index": 0}, "unscored"),              # not a data set the sink may read
    ({"dataset": "fashion-mnist", "dataset_index": 10 ** 6}, "unscored"),
    ({"dataset": "fashion-mnist", "dataset_index": 0, "height": 16, "width": 16}, "unscored"),  # other shape
    ({}, "png_error")])                                                 # PNG folder is a file
def test_sink_records_what_it_cannot_score_or_write(tmp_path, meta, key):
    from gnuradio.semdiff.blocks.pdu_util import image_pdu
    blocker = tmp_path / "file"
    blocker.write_text("x")
    sink = semdiff.image_sink(str(blocker / "png"), True, "", True)
    tb = gr.top_block()
    tb.msg_connect(pdu.pdu_remove(pmt.intern("unused")), "pdus", sink, "in")
    tb.start()
    h = meta.get("height", 28)
    msg = image_pdu(np.zeros((h, h, 1), np.uint8), {"frame_id": 7, **meta})
    sink.to_basic_block()._post(pmt.intern("in"), msg)
    tb.stop()
    tb.wait()
    (rec,) = sink.records
    assert rec["frame_id"] == 7 and key in rec


@pytest.mark.parametrize("ref", ["fashion-mnist", "fashion-mnist:val:0", "fashion-mnist:test:x", "/etc:test:0"])
def test_sink_rejects_a_bad_reference(ref):
    with pytest.raises(ValueError, match="reference"):
        semdiff.image_sink("", False, "", True, reference=ref)
