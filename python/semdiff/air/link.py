"""Bursts through GNU Radio's ``channels.channel_model`` into ``ofdm_sync`` → ``ofdm_deframer``.

SNR is per subcarrier (Es/N0 on a unit-power carrier), as everywhere else in the module: with the unitary
FFT a noise variance σ² per time sample is σ² per frequency bin, so σ² = 10^(−SNR/10). CFO is given in
subcarrier spacings (``channel_model``'s frequency_offset = cfo / N), the sampling-clock offset in ppm
(``epsilon`` = 1 + ppm·1e-6); multipath is an exponential power-delay profile (DiffCom §III-D), one
random realisation per run of ``frames_per_channel`` frames.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pmt
from gnuradio import blocks, channels, gr

from ..phy.profiles import exponential_pdp


@dataclass(frozen=True)
class Impairments:
    snr_db: float = 20.0
    cfo: float = 0.0            # subcarrier spacings
    sco_ppm: float = 0.0
    taps: int = 8               # 1 = no multipath
    decay: float = 4.0

    def noise_voltage(self) -> float:
        return float(10 ** (-self.snr_db / 20))


def _run(src_items, *chain, tags=()):
    tb = gr.top_block()
    src = blocks.vector_source_c(np.asarray(src_items, np.complex64).tolist(), False, 1, list(tags))
    snk = blocks.vector_sink_c()
    tb.connect(src, *chain, snk)
    tb.run()
    return np.asarray(snk.data(), np.complex64), snk.tags()


def make_frames(grid, n: int, seed: int):
    """n frames of k unit-power Gaussian symbols (a JSCC codeword's statistics) → OFDM frames."""
    from gnuradio import semdiff

    rng = np.random.default_rng(seed)
    sym = ((rng.standard_normal((n, grid.k)) + 1j * rng.standard_normal((n, grid.k))) / np.sqrt(2)).astype(np.complex64)
    tags = [gr.tag_utils.python_to_tag((i * grid.k, pmt.intern("packet_len"), pmt.from_long(grid.k))) for i in range(n)]
    tags += [gr.tag_utils.python_to_tag((i * grid.k, pmt.intern("frame_id"), pmt.from_long(i))) for i in range(n)]
    frames, _ = _run(sym.reshape(-1), semdiff.ofdm_framer(grid), tags=tags)
    return sym, frames.reshape(n, -1)


def make_bursts(grid, frames: np.ndarray, first_id: int = 0) -> np.ndarray:
    from gnuradio import semdiff

    n, flen = frames.shape
    tags = [gr.tag_utils.python_to_tag((i * flen, pmt.intern("packet_len"), pmt.from_long(flen))) for i in range(n)]
    tags += [gr.tag_utils.python_to_tag((i * flen, pmt.intern("frame_id"), pmt.from_long(first_id + i)))
             for i in range(n)]
    framer = semdiff.air_framer(grid, gap=0)   # gaps come from burst_stream
    out, _ = _run(frames.reshape(-1), framer, tags=tags)
    return out.reshape(n, framer.burst_len())


def burst_stream(bursts: np.ndarray, rng, lead_max: int = 4000, gap_max: int = 400, tail: int = 400):
    """Bursts after an unknown lead-in, separated by random gaps: (stream, start index of each burst)."""
    parts, starts, pos = [], [], 0
    lead = int(rng.integers(0, lead_max + 1))
    parts.append(np.zeros(lead, np.complex64))
    pos += lead
    for b in bursts:
        starts.append(pos)
        parts.append(b)
        gap = int(rng.integers(0, gap_max + 1))
        parts.append(np.zeros(gap, np.complex64))
        pos += len(b) + gap
    parts.append(np.zeros(tail, np.complex64))
    return np.concatenate(parts), np.asarray(starts)


def multipath_taps(imp: Impairments, rng) -> list[complex]:
    if imp.taps <= 1:
        return [1.0 + 0j]
    pdp = exponential_pdp(imp.taps, imp.decay)
    h = np.sqrt(pdp / 2) * (rng.standard_normal(imp.taps) + 1j * rng.standard_normal(imp.taps))
    return [complex(v) for v in h / np.sqrt(np.sum(np.abs(h) ** 2))]


def channel_blocks(imp: Impairments, taps, fft_len: int, seed: int, model: str = "static"):
    """GNU Radio's own channel model with these impairments. ``static``: channel_model (fixed CFO, clock
    offset and taps); ``dynamic``: dynamic_channel_model — Rayleigh fading of the exponential PDP with
    a 10 Hz Doppler at 1 MS/s (sum of 8 sinusoids), CFO and sample-rate offsets as bounded random walks
    (|CFO| up to imp.cfo subcarriers, SRO up to imp.sco_ppm), a preceding frequency_offset putting the
    walk's centre at a random point inside that range."""
    if model == "static":
        return [channels.channel_model(noise_voltage=imp.noise_voltage(), frequency_offset=imp.cfo / fft_len,
                                       epsilon=1.0 + imp.sco_ppm * 1e-6, taps=taps, noise_seed=seed,
                                       block_tags=True)]
    if model != "dynamic":
        raise ValueError(f"channel model must be 'static' or 'dynamic', got {model!r}")
    fs = 1e6
    pdp = exponential_pdp(max(imp.taps, 1), imp.decay)
    return [channels.dynamic_channel_model(fs, 0.01, abs(imp.sco_ppm) * 1e-6 * fs, 1.0, abs(imp.cfo) * fs / fft_len / 2,
                                           8, 10.0, False, 4.0, [float(d) for d in range(len(pdp))],
                                           [float(np.sqrt(p)) for p in pdp], max(len(pdp), 2), imp.noise_voltage(),
                                           seed),
            channels.channel_model(frequency_offset=imp.cfo / fft_len / 2, block_tags=True)]


def receive(grid, stream: np.ndarray, chain_in, channel_taps: int = 8, first_frame_id: int = 0, threshold: float = 0.25):
    """stream → chain_in (channel blocks) → ofdm_sync → ofdm_deframer: {frame_id: (symbols, tags)}, sync."""
    from gnuradio import semdiff

    sync = semdiff.ofdm_sync(grid, threshold, channel_taps, first_frame_id)
    deframer = semdiff.ofdm_deframer(grid, "lmmse", "mmse", semdiff.pdp_from(channel_taps, 4.0))
    drops = blocks.message_debug()
    out, tags = _run_with_drops(stream, [*chain_in, sync, deframer], sync, drops)
    return _frames(out, tags, grid.k), sync, drops.num_messages()


def _run_with_drops(stream, chain, sync, drops):
    tb = gr.top_block()
    src = blocks.vector_source_c(np.asarray(stream, np.complex64).tolist(), False)
    snk = blocks.vector_sink_c()
    tb.connect(src, *chain, snk)
    tb.msg_connect(sync, "drops", drops, "store")
    tb.run()
    return np.asarray(snk.data(), np.complex64), snk.tags()


def _frames(out: np.ndarray, tags, k: int) -> dict:
    by_off: dict[int, dict] = {}
    for t in tags:
        by_off.setdefault(t.offset, {})[pmt.symbol_to_string(t.key)] = pmt.to_python(t.value)
    frames = {}
    for off, meta in sorted(by_off.items()):
        if "frame_id" in meta:
            frames[int(meta["frame_id"])] = (out[off:off + k], meta)
    return frames


def evm_db(rx: np.ndarray, tx: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.abs(rx - tx) ** 2) / np.mean(np.abs(tx) ** 2)))
