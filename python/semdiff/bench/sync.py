"""``gr-semdiff bench sync``: how many samples per second the receive front end takes, against the rates
a USRP user runs (1, 5, 20 MS/s) and against GNU Radio's own blocks on the same kind of stream.

  ours:      vector_source (repeating) ─► head ─► ofdm_sync ─► ofdm_deframer ─► null_sink
  GR sync:   vector_source ─► head ─► digital.ofdm_sync_sc_cfb (S&C detection only) ─► null_sinks
  GR modem:  vector_source ─► head ─► digital.ofdm_rx (sync, header, equalizer, CRC) ─► null_sink
The streams are 200 bursts at 20 dB with CFO, 8-tap multipath and random gaps, made once.
"""
from __future__ import annotations

import time

import numpy as np
from gnuradio import blocks, digital, gr

USRP_RATES = (1e6, 5e6, 20e6)


def _rate(stream: np.ndarray, n: int, chain, repeats: int) -> float:
    """Best samples/s of source → head(n) → chain (its outputs to null sinks)."""
    best = float("inf")
    items = stream.tolist()
    for _ in range(repeats):
        blocks_ = chain()
        tb = gr.top_block()
        src, head = blocks.vector_source_c(items, True), blocks.head(gr.sizeof_gr_complex, n)
        tb.connect(src, head, *blocks_)
        last = blocks_[-1]
        for port in range(max(last.output_signature().max_streams(), 1)):
            tb.connect((last, port), blocks.null_sink(last.output_signature().sizeof_stream_item(port)))
        t0 = time.perf_counter()
        tb.run()
        best = min(best, time.perf_counter() - t0)
    return n / best


def bench_sync(samples: int = 20_000_000, repeats: int = 3) -> dict:
    from gnuradio import semdiff

    from ..air.gr_ofdm import _stream, gr_bursts
    from ..air.link import Impairments, burst_stream, channel_blocks, make_bursts, make_frames, multipath_taps, _run
    from ..phy.grid import default_grid

    grid = default_grid(128)
    spec = semdiff.grid_spec_from(grid)
    rng = np.random.default_rng(0)
    imp = Impairments(snr_db=20, cfo=1.3)
    _, frames = make_frames(spec, 200, 0)
    ours, _ = burst_stream(make_bursts(spec, frames), rng, lead_max=0)
    ours, _ = _run(ours, *channel_blocks(imp, multipath_taps(imp, rng), 64, 1))
    theirs, _ = _run(_stream(gr_bursts(200, 0)[0], rng), *channel_blocks(imp, multipath_taps(imp, rng), 64, 2))
    res = {"samples": samples}
    res["ours_msps"] = _rate(ours, samples, lambda: [semdiff.ofdm_sync(spec), semdiff.ofdm_deframer(
        spec, "lmmse", "mmse", semdiff.pdp_from(8, 4.0))], repeats) / 1e6
    res["ours_sync_only_msps"] = _rate(ours, samples, lambda: [semdiff.ofdm_sync(spec)], repeats) / 1e6
    res["gr_sc_cfb_msps"] = _rate(theirs, samples, lambda: [digital.ofdm_sync_sc_cfb(64, 16)], repeats) / 1e6
    res["gr_ofdm_rx_msps"] = _rate(theirs, samples, lambda: [digital.ofdm_rx(
        fft_len=64, cp_len=16, packet_length_tag_key="packet_length", bps_header=1, bps_payload=2)], repeats) / 1e6
    return res


def main(args) -> int:
    gr.logging().set_default_level(gr.log_levels.warn)
    r = bench_sync(args.samples, args.repeats)
    print(f"gr-semdiff bench sync — {r['samples']:.0e} samples of bursts at 20 dB, best of {args.repeats} runs")
    rows = [("ours: ofdm_sync → ofdm_deframer", r["ours_msps"]), ("ours: ofdm_sync alone", r["ours_sync_only_msps"]),
            ("GNU Radio: ofdm_sync_sc_cfb (detection only)", r["gr_sc_cfb_msps"]),
            ("GNU Radio: ofdm_rx (whole receiver)", r["gr_ofdm_rx_msps"])]
    for name, v in rows:
        print(f"  {name:48s} {v:8.2f} MS/s")
    print(f"  ratio ours/ofdm_rx {r['ours_msps'] / r['gr_ofdm_rx_msps']:.2f}x, "
          f"ours sync/ofdm_sync_sc_cfb {r['ours_sync_only_msps'] / r['gr_sc_cfb_msps']:.2f}x")
    for rate in USRP_RATES:
        margin = r["ours_msps"] * 1e6 / rate
        print(f"  at {rate / 1e6:4.0f} MS/s: {'real time' if margin >= 1 else 'NOT real time'} "
              f"(headroom {margin:.2f}x on {args.threads or 'all'} thread(s) of this machine)")
    return 0
