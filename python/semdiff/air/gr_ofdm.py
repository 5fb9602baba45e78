"""The same measurement for GNU Radio's own OFDM modem, ``digital.ofdm_tx`` → ``digital.ofdm_rx`` (the
802.11-like default layout: 48 data + 4 pilot carriers of 64, CP 16, BPSK header, CRC-32), so the frame
loss of ours can be read next to it ([7 of 10]; gnuradio issue 6891 reports ofdm_rx losing frames even
without noise). Each packet carries 32 random bytes (128 QPSK symbols, like one of our frames); bursts
are scaled to the same power per used carrier as ours and go through the same stream and channel."""
from __future__ import annotations

import numpy as np
import pmt
from gnuradio import blocks, digital, gr

from .link import Impairments, channel_blocks, multipath_taps

PAYLOAD_BYTES = 32
KEY = "packet_length"


def gr_bursts(n: int, seed: int):
    """n ofdm_tx bursts (list of arrays) and their payloads."""
    rng = np.random.default_rng(seed)
    payloads = rng.integers(0, 256, size=(n, PAYLOAD_BYTES), dtype=np.uint8)
    tags = [gr.tag_utils.python_to_tag((i * PAYLOAD_BYTES, pmt.intern(KEY), pmt.from_long(PAYLOAD_BYTES)))
            for i in range(n)]
    tb = gr.top_block()
    src = blocks.vector_source_b(payloads.reshape(-1).tolist(), False, 1, tags)
    tx = digital.ofdm_tx(fft_len=64, cp_len=16, packet_length_tag_key=KEY, bps_header=1, bps_payload=2)
    snk = blocks.vector_sink_c()
    tb.connect(src, tx, snk)
    tb.run()
    y = np.asarray(snk.data(), np.complex64)
    starts = sorted(t.offset for t in snk.tags() if pmt.symbol_to_string(t.key) == KEY)
    bursts = [y[a:b] for a, b in zip(starts, starts[1:] + [len(y)])]
    # ofdm_tx scales its output down; bring each burst to unit power per used carrier (52 of 64), as ours
    p = np.mean(np.abs(np.concatenate(bursts)) ** 2)
    return [b * np.sqrt((52 / 64) / p) for b in bursts], payloads


def gr_ofdm_point(imp: Impairments, n_frames: int = 1000, per_channel: int = 10, seed: int = 0,
                  cfo_max: float = 0.0, sco_max_ppm: float = 0.0, progress=None, model: str = "static") -> dict:
    rng = np.random.default_rng(seed)
    sent = ok = 0
    for c in range(0, n_frames, per_channel):
        n = min(per_channel, n_frames - c)
        bursts, payloads = gr_bursts(n, seed * 7919 + c)
        stream = _stream(bursts, rng)
        cfo = float(rng.uniform(-cfo_max, cfo_max)) if cfo_max else imp.cfo
        sco = float(rng.uniform(-sco_max_ppm, sco_max_ppm)) if sco_max_ppm else imp.sco_ppm
        this = Impairments(imp.snr_db, cfo, sco, imp.taps, imp.decay)
        taps = multipath_taps(this, rng)
        tb = gr.top_block()
        src = blocks.vector_source_c(stream.tolist(), False)
        rx = digital.ofdm_rx(fft_len=64, cp_len=16, packet_length_tag_key=KEY, bps_header=1, bps_payload=2)
        snk = blocks.vector_sink_b()
        tb.connect(src, *channel_blocks(this, taps, 64, int(rng.integers(1, 2**31)), model), rx, snk)
        tb.run()
        got = np.asarray(snk.data(), np.uint8)
        offs = sorted(t.offset for t in snk.tags() if pmt.symbol_to_string(t.key) == KEY)
        rows = {bytes(got[o:o + PAYLOAD_BYTES]) for o in offs}
        sent += n
        ok += sum(1 for p in payloads if bytes(p) in rows)
        if progress:
            progress.update(n)
    return {"sent": sent, "received": ok, "detection": ok / max(sent, 1)}


def _stream(bursts, rng):
    """burst_stream for bursts of unequal length."""
    parts = [np.zeros(int(rng.integers(0, 4001)), np.complex64)]
    for b in bursts:
        parts += [b.astype(np.complex64), np.zeros(int(rng.integers(0, 401)), np.complex64)]
    parts.append(np.zeros(400, np.complex64))
    return np.concatenate(parts)
