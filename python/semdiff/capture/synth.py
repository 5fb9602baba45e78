"""``gr-semdiff capture synth OUT``: a realistic over-the-air recording without a radio — test images
through the transmitter (JSCC encoder → interleaver → OFDM framer → PAPR clipper → air_framer), a
noise-only lead-in, and GNU Radio's channel_model (noise, CFO, sampling-clock offset, multipath), written
by ``sigmf_capture_sink`` with one annotation per frame sent.

  image_source ─► jscc_encoder ─► interleaver ─► ofdm_framer ─► papr_clipper ─► air_framer ─┬─► probe
                                         vector_insert (lead) ◄─────────────────────────────┘
                                         ─► channel_model ─► sigmf_capture_sink
"""
from __future__ import annotations

import time

import numpy as np
from gnuradio import blocks, gr


def synth(out, images: int = 16, start: int = 0, jscc: str = "jscc_fmnist_ofdm_cbr1-8", clip: float = 1.4,
          lead: int = 3000, sample_rate: float = 1e6, center_freq: float = 2.45e9, snr_db: float = 15.0,
          cfo: float = 1.3, sco_ppm: float = 20.0, taps: int = 8, seed: int = 0, timeout: float = 300.0):
    from gnuradio import semdiff

    from ..air.link import Impairments, channel_blocks, multipath_taps
    from .blocks import _frame_tags, sigmf_capture_sink
    from .meta import LinkSetup

    link = LinkSetup(jscc=jscc, clip_ratio=float(clip))
    spec = semdiff.grid_from(link.preset, link.k, link.pilot_type)
    perm = semdiff.interleaver_perm(link.k, link.interleaver_seed)
    imp = Impairments(snr_db, cfo, sco_ppm, taps)
    src = semdiff.image_source("fashion-mnist", "test", start, images)
    chain = [semdiff.jscc_encoder(jscc, snr_db), semdiff.frame_interleaver(perm, False), semdiff.ofdm_framer(spec),
             semdiff.papr_clipper(spec.frame_len(), clip), semdiff.air_framer(spec, link.codec_id)]
    probe = _frame_tags()
    lead_in = blocks.vector_insert_c([0j] * lead, 2**31 - 1, 0) if lead else blocks.copy(gr.sizeof_gr_complex)
    sink = sigmf_capture_sink(str(out), sample_rate, center_freq, hw="synthesised: GNU Radio channels.channel_model "
                              f"(SNR {snr_db} dB, CFO {cfo} subcarriers, SCO {sco_ppm} ppm, {taps} taps)",
                              link=link, reference=f"fashion-mnist:test:{start}",
                              description=f"{images} Fashion-MNIST test images from index {start}")
    tb = gr.top_block()
    tb.msg_connect(src, "out", chain[0], "in")
    tb.connect(*chain, lead_in, *channel_blocks(imp, multipath_taps(imp, np.random.default_rng(seed)), spec.fft_len,
                                                seed + 1), sink)
    tb.connect(chain[-1], probe)
    tb.start()
    t0 = time.time()
    while len(probe.frames) < images and time.time() - t0 < timeout:
        time.sleep(0.05)
    time.sleep(0.5)                     # the last burst's gap through the channel and the file sink
    tb.stop()
    tb.wait()
    if len(probe.frames) < images:
        raise RuntimeError(f"only {len(probe.frames)} of {images} frames were transmitted within {timeout} s")
    sink.close()
    # the channel model's resampler keeps its last few samples when the flowgraph stops: the recording
    # ends with the silence a receiver would see after the last burst instead
    scale = 1 + sco_ppm * 1e-6
    end = int((lead + max(o + c for o, c, _ in probe.frames)) / scale) + 1
    have = sink.data.stat().st_size // 8
    if have < end:
        noise = 10 ** (-snr_db / 20) * (np.random.default_rng(seed + 2).standard_normal((end - have, 2)) @ [1, 1j]) / np.sqrt(2)
        with open(sink.data, "ab") as f:
            f.write(noise.astype(np.complex64).tobytes())
    return sink.finish(offset=lead, scale=scale, frames=probe.frames)


def main(args) -> int:
    meta = synth(args.out, args.images, args.start, args.jscc, args.clip, args.lead, args.sample_rate,
                 args.center_freq, args.snr_db, args.cfo, args.sco_ppm, args.taps, args.seed)
    print(f"wrote {meta} and its .sigmf-data ({args.images} frames)")
    return 0
