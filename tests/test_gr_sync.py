"""The over-the-air receiver ([7 of 10]): air_framer bursts found by ofdm_sync in an untagged stream —
from an IQ file, through GNU Radio's channel_model with CFO, sampling-clock offset and multipath, and
in noise alone; lost frames reported; CSI that tells the truth.

  symbols ─► ofdm_framer ─► air_framer ─► [gaps, file | channel_model] ─► ofdm_sync ─► ofdm_deframer
"""
import numpy as np
import pmt
import pytest
from gnuradio import blocks, channels, gr

from gnuradio import semdiff
from gnuradio.semdiff.air.link import Impairments, _frames, burst_stream, evm_db, make_bursts, make_frames
from gnuradio.semdiff.air.measure import false_detections, measure_point
from gnuradio.semdiff.phy.grid import default_grid

GRID = default_grid(128)
SPEC = semdiff.grid_spec_from(GRID)


def rx_chain(source, *middle, taps=8):
    """source → middle → ofdm_sync → deframer → sink; returns ({id: (symbols, tags)}, sync, drop reports)."""
    sync = semdiff.ofdm_sync(SPEC, channel_taps=taps)
    deframer = semdiff.ofdm_deframer(SPEC, "lmmse", "mmse", semdiff.pdp_from(taps, 4.0))
    snk, drops = blocks.vector_sink_c(), blocks.message_debug()
    tb = gr.top_block()
    tb.connect(source, *middle, sync, deframer, snk)
    tb.msg_connect(sync, "drops", drops, "store")
    tb.run()
    reports = [pmt.to_python(pmt.car(drops.get_message(i))) for i in range(drops.num_messages())]
    return _frames(np.asarray(snk.data(), np.complex64), snk.tags(), GRID.k), sync, reports


def test_a_recorded_iq_file_with_cfo_gives_every_frame(tmp_path):
    """The issue's first try: 1000 leading noise samples, CFO 2e-4 cycles/sample, 25 dB, file_source."""
    sym, frames = make_frames(SPEC, 20, 1)
    stream, _ = burst_stream(make_bursts(SPEC, frames), np.random.default_rng(1), lead_max=0)
    rng = np.random.default_rng(2)
    x = np.concatenate([np.zeros(1000, np.complex64), stream])
    n = np.arange(len(x))
    x = x * np.exp(2j * np.pi * 2e-4 * n) + 10 ** (-25 / 20) * (rng.standard_normal(len(x)) + 1j * rng.standard_normal(len(x))) / np.sqrt(2)
    path = tmp_path / "capture.cf32"
    x.astype(np.complex64).tofile(path)
    got, sync, _ = rx_chain(blocks.file_source(gr.sizeof_gr_complex, str(path), False), taps=1)
    assert sorted(got) == list(range(20))
    assert max(evm_db(f, sym[i]) for i, (f, _) in got.items()) < -15
    assert all(abs(meta["cfo"] - 2e-4 * 64) < 0.01 for _, meta in got.values())


def test_stock_channel_model_without_impairments_is_clean():
    """The issue's second try: channels.channel_model in between (it delays the signal) gave EVM −0.1 dB."""
    sym, frames = make_frames(SPEC, 10, 3)
    stream, _ = burst_stream(make_bursts(SPEC, frames), np.random.default_rng(3))
    src = blocks.vector_source_c(stream.tolist(), False)
    got, _, _ = rx_chain(src, channels.channel_model(), taps=1)
    assert sorted(got) == list(range(10))
    assert max(evm_db(f, sym[i]) for i, (f, _) in got.items()) < -30
    assert min(meta["sync_snr_db"] for _, meta in got.values()) > 30


@pytest.mark.parametrize("snr", [5.0, 20.0])
def test_csi_reports_the_true_snr(snr):
    sym, frames = make_frames(SPEC, 30, 4)
    stream, _ = burst_stream(make_bursts(SPEC, frames), np.random.default_rng(4))
    src = blocks.vector_source_c(stream.tolist(), False)
    got, _, _ = rx_chain(src, channels.channel_model(noise_voltage=10 ** (-snr / 20), noise_seed=5), taps=1)
    assert len(got) >= 29
    est = np.mean([meta["sync_snr_db"] for _, meta in got.values()])
    deframer_est = np.mean([meta["snr_db"] for _, meta in got.values()])
    assert abs(est - snr) < 1.5 and abs(deframer_est - snr) < 2.0, (est, deframer_est)


def test_detection_through_cfo_sco_and_multipath():
    r = measure_point(GRID, Impairments(snr_db=10.0), n_frames=200, per_channel=20, seed=11, cfo_max=2.5,
                      sco_max_ppm=50)
    assert r["wrong"] == 0
    assert r["detection"] >= 0.995, r


def test_evm_within_one_db_of_a_genie_at_20_db():
    r = measure_point(GRID, Impairments(snr_db=20.0), n_frames=100, per_channel=10, seed=12, cfo_max=2.5,
                      sco_max_ppm=50, with_genie=True)
    assert r["detection"] == 1.0
    assert r["evm_db"] <= r["evm_genie_db"] + 1.0, r


def test_noise_alone_gives_no_frame():
    assert false_detections(GRID, 2_000_000, seed=3)["frames_out"] == 0


def test_lost_bursts_are_reported_with_their_frame_ids():
    sym, frames = make_frames(SPEC, 12, 5)
    bursts = make_bursts(SPEC, frames)
    bursts[[3, 7, 8]] = 0                                # never arrived
    stream, _ = burst_stream(bursts, np.random.default_rng(5))
    got, sync, reports = rx_chain(blocks.vector_source_c(stream.tolist(), False), taps=1)
    assert sorted(got) == [0, 1, 2, 4, 5, 6, 9, 10, 11]
    assert sorted(r["frame_id"] for r in reports) == [3, 7, 8]
    assert all(r["dropped"] == "lost" for r in reports)
    assert sync.stats()["lost"] == 3


def test_burst_tags_for_uhd_and_header_fields():
    _, frames = make_frames(SPEC, 3, 6)
    flen = GRID.frame_len
    tags = [gr.tag_utils.python_to_tag((i * flen, pmt.intern("packet_len"), pmt.from_long(flen))) for i in range(3)]
    framer = semdiff.air_framer(SPEC, codec_id=17, gap=50, flags=5)
    src = blocks.vector_source_c(frames.reshape(-1).tolist(), False, 1, tags)
    snk = blocks.vector_sink_c()
    tb = gr.top_block()
    tb.connect(src, framer, snk)
    tb.run()
    unit = framer.burst_len() + 50
    by_key = {}
    for t in snk.tags():
        by_key.setdefault(pmt.symbol_to_string(t.key), []).append((t.offset, pmt.to_python(t.value)))
    assert [o for o, _ in by_key["tx_sob"]] == [0, unit, 2 * unit]
    assert [o for o, _ in by_key["tx_eob"]] == [unit - 1, 2 * unit - 1, 3 * unit - 1]
    assert by_key["packet_len"] == [(0, unit), (unit, unit), (2 * unit, unit)]
    got, _, _ = rx_chain(blocks.vector_source_c(list(snk.data()) + [0j] * 400, False), taps=1)
    assert sorted(got) == [0, 1, 2]
    assert all(m["codec_id"] == 17 and m["flags"] == 5 and m["k"] == 128 for _, m in got.values())


@pytest.mark.parametrize("make, name", [
    (lambda: semdiff.air_framer(SPEC, codec_id=64), "codec_id"),
    (lambda: semdiff.air_framer(SPEC, gap=-2), "gap"),
    (lambda: semdiff.air_framer(SPEC, flags=16), "flags"),
    (lambda: semdiff.ofdm_sync(SPEC, threshold=0.0), "threshold"),
    (lambda: semdiff.ofdm_sync(SPEC, channel_taps=0), "channel_taps")])
def test_bad_values_are_rejected_by_name(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_a_long_stream_with_a_clock_offset_never_loses_lock():
    """The issue's 20 ppm stream died after ~600 frames; each burst is acquired on its own now: 1000
    frames in one continuous stream at 50 ppm (and a CFO) all arrive."""
    r = measure_point(GRID, Impairments(snr_db=20.0, cfo=1.0, sco_ppm=50.0, taps=1), n_frames=1000,
                      per_channel=1000, seed=5)
    assert r["detected"] == 1000 and r["wrong"] == 0


def test_a_frame_for_another_configuration_is_reported_not_decoded():
    """A burst whose header says k=64 in a k=128 receiver's stream: a drop report (header_mismatch) with
    its frame id, and the frames around it still decoded."""
    small = semdiff.grid_from("default", 64, "block")
    _, frames = make_frames(SPEC, 4, 7)
    _, other = make_frames(small, 1, 8)
    bursts = make_bursts(SPEC, frames[:2])                       # frame ids 0, 1
    odd = make_bursts(small, other, first_id=2)[0]               # frame id 2, k = 64
    bursts2 = make_bursts(SPEC, frames[2:], first_id=3)          # frame ids 3, 4
    seq = [bursts[0], bursts[1], odd, bursts2[0], bursts2[1]]
    stream = np.concatenate([np.zeros(500, np.complex64)] + [np.concatenate([b, np.zeros(200, np.complex64)]) for b in seq])
    got, sync, reports = rx_chain(blocks.vector_source_c(stream.tolist(), False), taps=1)
    assert sorted(got) == [0, 1, 3, 4]
    assert [(r["frame_id"], r["dropped"]) for r in reports] == [(2, "header_mismatch")]
    assert sync.stats()["header_mismatch"] == 1 and sync.stats()["lost"] == 0
