"""The receiver's acceptance numbers ([7 of 10]): detection over ≥ 1000 frames per point with unknown
start offset, random gaps, random CFO/SCO and multipath through GNU Radio's ``channel_model``; false
detections on noise alone; EVM next to a genie-synchronised receiver (exact timing, no CFO/SCO, same
channel and noise)."""
from __future__ import annotations

import numpy as np
import pmt
from gnuradio import analog, blocks, gr

from .link import (Impairments, _frames, _run, burst_stream, channel_blocks, evm_db, make_bursts, make_frames,
                   multipath_taps, receive)


def channel_delay(fft_len: int = 64) -> int:
    """Samples GNU Radio's channel_model delays a signal by (its fractional resampler), measured."""
    x = np.zeros(256, np.complex64)
    x[100] = 1
    y, _ = _run(x, *channel_blocks(Impairments(snr_db=300, taps=1), [1.0 + 0j], fft_len, 0))
    return int(np.argmax(np.abs(y))) - 100


def genie(grid, stream, starts, overhead: int, chain_in, delay: int, taps: int, sco_ppm: float = 0.0):
    """Frames cut at their true positions (no sync) → ofdm_deframer: {frame_id: symbols}. The channel is
    the same one, sampling-clock offset included (input sample i leaves channel_model's resampler at
    i/(1 + ppm·1e-6)); only the CFO is left out: the genie knows timing and frequency."""
    from gnuradio import semdiff

    y, _ = _run(stream, *chain_in)
    flen = grid.frame_len
    at = [int(round((s + overhead) / (1 + sco_ppm * 1e-6))) + delay for s in starts]
    frames = np.stack([y[a: a + flen] for a in at])
    tags = [gr.tag_utils.python_to_tag((i * flen, pmt.intern("packet_len"), pmt.from_long(flen))) for i in range(len(starts))]
    tags += [gr.tag_utils.python_to_tag((i * flen, pmt.intern("frame_id"), pmt.from_long(i))) for i in range(len(starts))]
    deframer = semdiff.ofdm_deframer(semdiff.grid_spec_from(grid), "lmmse", "mmse", semdiff.pdp_from(taps, 4.0))
    out, otags = _run(frames.reshape(-1), deframer, tags=tags)
    return {i: f for i, (f, _) in _frames(out, otags, grid.k).items()}


def measure_point(grid, imp: Impairments, n_frames: int = 1000, per_channel: int = 100, seed: int = 0,
                  cfo_max: float = 0.0, sco_max_ppm: float = 0.0, with_genie: bool = False, progress=None,
                  model: str = "static") -> dict:
    """One SNR point: frames sent / detected / wrong, header failures, EVM (ours, genie). CFO and SCO are
    drawn per channel realisation uniformly in ±cfo_max, ±sco_max_ppm (when given)."""
    from gnuradio import semdiff

    spec = semdiff.grid_spec_from(grid)
    rng = np.random.default_rng(seed)
    delay = channel_delay(grid.fft_len) if with_genie else 0
    res = dict(sent=0, detected=0, wrong=0, header_crc=0, lost_reported=0, evm=[], evm_genie=[])
    for c in range(0, n_frames, per_channel):
        n = min(per_channel, n_frames - c)
        sym, frames = make_frames(spec, n, seed * 7919 + c)
        bursts = make_bursts(spec, frames)
        stream, starts = burst_stream(bursts, rng)
        cfo = float(rng.uniform(-cfo_max, cfo_max)) if cfo_max else imp.cfo
        sco = float(rng.uniform(-sco_max_ppm, sco_max_ppm)) if sco_max_ppm else imp.sco_ppm
        this = Impairments(imp.snr_db, cfo, sco, imp.taps, imp.decay)
        taps = multipath_taps(this, rng)
        got, sync, lost = receive(spec, stream, channel_blocks(this, taps, grid.fft_len, int(rng.integers(1, 2**31)),
                                                               model), channel_taps=max(imp.taps, 1))
        st = sync.stats()
        res["sent"] += n
        res["detected"] += sum(1 for i in got if 0 <= i < n)
        res["wrong"] += sum(1 for i in got if not 0 <= i < n)
        res["header_crc"] += st["failed_header_crc"]
        res["lost_reported"] += lost
        res["evm"] += [evm_db(f, sym[i]) for i, (f, _) in got.items() if 0 <= i < n]
        if with_genie and model == "static":
            ref = Impairments(imp.snr_db, 0.0, sco, imp.taps, imp.decay)
            g = genie(grid, stream, starts, bursts.shape[1] - grid.frame_len,
                      channel_blocks(ref, taps, grid.fft_len, int(rng.integers(1, 2**31))), delay, max(imp.taps, 1),
                      sco)
            res["evm_genie"] += [evm_db(f, sym[i]) for i, f in g.items()]
        if progress:
            progress.update(n)
    res["detection"] = res["detected"] / max(res["sent"], 1)
    res["evm_db"] = float(np.mean(res.pop("evm"))) if res["evm"] else float("nan")
    ge = res.pop("evm_genie")
    res["evm_genie_db"] = float(np.mean(ge)) if ge else float("nan")
    return res


def false_detections(grid, n_samples: int = 10_000_000, seed: int = 1) -> dict:
    """Unit-power complex Gaussian noise alone into ofdm_sync: how many frames come out."""
    from gnuradio import semdiff

    tb = gr.top_block()
    src = analog.noise_source_c(analog.GR_GAUSSIAN, 1.0, seed)
    head = blocks.head(gr.sizeof_gr_complex, n_samples)
    sync = semdiff.ofdm_sync(semdiff.grid_spec_from(grid), 0.25, 8, -1)
    tb.connect(src, head, sync, blocks.null_sink(gr.sizeof_gr_complex))
    tb.run()
    st = sync.stats()
    return {"samples": n_samples, "frames_out": st["frames_out"], "bursts_detected": st["bursts_detected"],
            "header_crc": st["failed_header_crc"]}
