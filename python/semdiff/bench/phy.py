"""``gr-semdiff bench phy``: our C++ framer+clipper and deframer against GNU Radio's own OFDM chains
and a bare batched FFT of the same size, all measured in this run on this machine.

  ours TX:  vector_source ─► ofdm_framer ─► papr_clipper ─► null_sink
  GR TX:    vector_source ─► ofdm_carrier_allocator_cvc ─► fft_vcc ─► ofdm_cyclic_prefixer ─► null_sink
  ours RX:  vector_source ─► ofdm_deframer (CP removal, FFT, LMMSE, MMSE) ─► null_sink
  GR RX:    vector_source (CP already removed) ─► fft_vcc ─► ofdm_chanest_vcvc
            ─► ofdm_frame_equalizer_vcvc ─► ofdm_serializer_vcc ─► null_sink
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import pmt
from gnuradio import blocks, digital, fft, gr

from .. import gr_glue
from ..phy.grid import grid_preset


def _tags(n_frames: int, frame_len: int, key="packet_len", value=None):
    return [gr.tag_utils.python_to_tag((i * frame_len, pmt.intern(key), pmt.from_long(value or frame_len)))
            for i in range(n_frames)]


def _time_graph(make_source, chain_factory, repeats: int = 3) -> float:
    """Best wall time of source → chain → null_sink over ``repeats`` fresh flowgraphs."""
    best = float("inf")
    for _ in range(repeats):
        chain = [*make_source(), *chain_factory()]
        tb = gr.top_block()
        tb.connect(*chain, blocks.null_sink(chain[-1].output_signature().sizeof_stream_item(0)))
        t0 = time.perf_counter()
        tb.run()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_phy(preset_name: str = "default", k: int = 52 * 6, frames: int = 40000, repeats: int = 3) -> dict:
    """Throughput over ``frames`` frames; sources repeat a 200-frame buffer so that they cost little."""
    g = grid_preset(preset_name, k, "block", n_pilot_symbols=1)
    spec = gr_glue.grid_spec_from(g)
    N, rng = g.fft_len, np.random.default_rng(0)
    n_buf = 200
    data = ((rng.standard_normal(n_buf * k) + 1j * rng.standard_normal(n_buf * k)) / np.sqrt(2)).astype(np.complex64)
    out_samples = frames * g.frame_len
    res = {"grid": f"{preset_name}: fft {N}, cp {g.cp_len}, {len(g.data_carriers)} data carriers, "
                   f"{g.n_symbols} OFDM symbols/frame", "frames": frames}

    # --- TX ---
    from .. import semdiff_python as b

    def tx_source():  # GNU Radio's own cheap way to frame a stream: fixed-length packet_len tags
        return [blocks.vector_source_c(data.tolist(), True), blocks.head(8, frames * k),
                blocks.stream_to_tagged_stream(8, 1, k, "packet_len")]

    t = _time_graph(tx_source, lambda: [b.ofdm_framer(spec), b.papr_clipper(g.frame_len, 1.4)], repeats)
    res["ours_tx_msps"] = out_samples / t / 1e6
    sync = np.zeros(N, dtype=np.complex64)
    sync[g.bins(g.carriers)] = g.pilot_values()[0]
    gr_tx = lambda: [digital.ofdm_carrier_allocator_cvc(N, [tuple(g.data_carriers)], [()], [()], [sync.tolist()],
                                                        "packet_len", False),
                     fft.fft_vcc(N, False, (), False), digital.ofdm_cyclic_prefixer(N, N + g.cp_len, 0, "packet_len")]
    t = _time_graph(tx_source, gr_tx, repeats)
    res["gr_tx_msps"] = out_samples / t / 1e6

    # --- RX ---
    from ..phy.channels import ChannelModel
    from ..phy.link import LinkConfig, LinkOperator
    import torch
    op = LinkOperator(LinkConfig(grid=g, interleaver_seed=None, channel=ChannelModel("multipath")))
    z = torch.from_numpy(data.reshape(n_buf, k))
    r, _ = op.channel(op.transmit(z), 20.0, torch.Generator().manual_seed(0))
    rx_in = r.numpy().astype(np.complex64)
    rx_list, rx_tags = rx_in.reshape(-1).tolist(), _tags(n_buf, g.frame_len)
    pdp = [float(p) for p in op.cfg.channel.pdp]
    rx_source = lambda: [blocks.vector_source_c(rx_list, True, 1, rx_tags), blocks.head(8, frames * g.frame_len)]
    t = _time_graph(rx_source, lambda: [b.ofdm_deframer(spec, "lmmse", "mmse", pdp, 0.0)], repeats)
    res["ours_rx_msps"] = out_samples / t / 1e6
    # GNU Radio's receiver chain on the same frames with the CP removed beforehand (not counted for it)
    sym = rx_in.reshape(n_buf, g.n_symbols, g.symbol_len)[:, :, g.cp_len:].astype(np.complex64)
    sym_list, sym_tags = sym.reshape(-1).tolist(), _tags(n_buf, g.n_symbols, value=g.n_data_symbols)
    vec_source = lambda: [blocks.vector_source_c(sym_list, True, N, sym_tags),
                          blocks.head(8 * N, frames * g.n_symbols)]
    occupied = [tuple(g.data_carriers)]
    gr_rx = lambda: [fft.fft_vcc(N, True, (), True),
             digital.ofdm_chanest_vcvc(np.fft.fftshift(sync).tolist(), [], g.n_data_symbols, 0, -1, True),
             digital.ofdm_frame_equalizer_vcvc(
                 digital.ofdm_equalizer_static(N, occupied, [()], [()], 0, True).base(), g.cp_len, "packet_len",
                 False, 0),
             digital.ofdm_serializer_vcc(N, occupied, "packet_len", "", 0, "", True)]
    t = _time_graph(vec_source, gr_rx, repeats)
    res["gr_rx_msps"] = out_samples / t / 1e6

    # --- bare batched FFT of the same size over the same number of OFDM symbols ---
    reps = frames // n_buf
    batch = np.tile(rx_in.reshape(n_buf * g.n_symbols, g.symbol_len)[:, g.cp_len:], (reps, 1))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.fft.ifft(batch, axis=-1)
        best = min(best, time.perf_counter() - t0)
    res["numpy_fft_msps"] = out_samples / best / 1e6
    tb = torch.from_numpy(batch)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.fft.ifft(tb, dim=-1, norm="ortho")
        best = min(best, time.perf_counter() - t0)
    res["torch_fft_msps"] = out_samples / best / 1e6
    res["tx_vs_gr"] = res["ours_tx_msps"] / res["gr_tx_msps"]
    res["rx_vs_gr"] = res["ours_rx_msps"] / res["gr_rx_msps"]
    bare = max(res["numpy_fft_msps"], res["torch_fft_msps"])
    res["tx_vs_bare_fft"] = res["ours_tx_msps"] / bare
    res["rx_vs_bare_fft"] = res["ours_rx_msps"] / bare
    # the DSP classes alone (C++ loop, no scheduler or buffers) and FFTW on the same batch of symbols
    exe = _dsp_bench_binary()
    if exe:
        tx, rx, f = (float(v) for v in subprocess.run([exe, str(frames)], capture_output=True, text=True,
                                                      check=True).stdout.split())
        res.update(dsp_tx_msps=tx, dsp_rx_msps=rx, fftw_msps=f)
    return res


def _dsp_bench_binary() -> str | None:
    try:
        from .._install_paths import LIBEXEC_DIR
    except ImportError:
        return None
    exe = Path(LIBEXEC_DIR) / "bench_semdiff_dsp"
    return str(exe) if exe.exists() else None


def main(args) -> int:
    r = bench_phy(args.preset, args.k, args.frames, args.repeats)
    print(f"gr-semdiff bench phy — {r['grid']}, {r['frames']} frames, best of {args.repeats} runs (MS/s of "
          f"time-domain samples, CP included)")
    rows = [("ours: ofdm_framer + papr_clipper", r["ours_tx_msps"]),
            ("GNU Radio: carrier allocator → FFT → CP", r["gr_tx_msps"]),
            ("ours: ofdm_deframer (FFT, LMMSE, MMSE)", r["ours_rx_msps"]),
            ("GNU Radio: FFT → chanest → frame equalizer → serializer", r["gr_rx_msps"]),
            ("bare batched FFT, numpy", r["numpy_fft_msps"]),
            ("bare batched FFT, torch", r["torch_fft_msps"])]
    for name, v in rows:
        print(f"  {name:58s} {v:8.1f} MS/s")
    print(f"  ratio TX ours/GNU Radio  {r['tx_vs_gr']:.2f}x    ratio RX ours/GNU Radio  {r['rx_vs_gr']:.2f}x")
    print(f"  ratio TX ours/bare FFT   {r['tx_vs_bare_fft']:.2f}     ratio RX ours/bare FFT   {r['rx_vs_bare_fft']:.2f}")
    if "dsp_tx_msps" in r:
        print(f"  DSP classes alone (no scheduler): TX {r['dsp_tx_msps']:.1f} MS/s, RX {r['dsp_rx_msps']:.1f} MS/s; "
              f"FFTW batch of the same symbols {r['fftw_msps']:.1f} MS/s "
              f"(TX {r['dsp_tx_msps'] / r['fftw_msps']:.2f}, RX {r['dsp_rx_msps'] / r['fftw_msps']:.2f} of it)")
    return 0
