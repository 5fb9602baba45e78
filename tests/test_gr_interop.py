"""Interop with GNU Radio's own OFDM transmitter on the same grid.

  vector_source ─► digital.ofdm_carrier_allocator_cvc ─► fft.fft_vcc (inverse) ─► ×1/√N
                ─► digital.ofdm_cyclic_prefixer ─► semdiff.ofdm_deframer ─► vector_sink

GNU Radio's block pilots are "sync words" (whole OFDM symbols); comb pilots are its pilot carriers.
Its IFFT is unnormalised, ours unitary: the ×1/√N block is the only convention difference.
"""
import numpy as np
import pytest
from gnuradio import blocks, digital, fft

from gnuradio import semdiff
from gnuradio.semdiff.phy.channels import ChannelModel, crandn
from gnuradio.semdiff.phy.link import preset

from grhelpers import frame_tags, frames_by_id, run_chain


def gr_ofdm_tx(g):
    """GNU Radio's OFDM TX chain configured with our ResourceGrid's layout."""
    N = g.fft_len
    pv = g.pilot_values()
    sync_words, pilot_carriers, pilot_symbols = [], [()], [()]
    if g.pilot_type == "block":
        for s in range(g.n_pilot_symbols):
            w = np.zeros(N, dtype=np.complex64)
            w[g.bins(g.carriers)] = pv[s]
            sync_words.append(w.tolist())
    else:
        pilot_carriers = [tuple(g.pilot_carriers)]
        pilot_symbols = [tuple(complex(v) for v in row) for row in pv]
    alloc = digital.ofdm_carrier_allocator_cvc(N, [tuple(g.data_carriers)], pilot_carriers, pilot_symbols,
                                               sync_words, "packet_len", False)
    ifft = fft.fft_vcc(N, False, (), False)
    scale = blocks.multiply_const_vcc([1 / np.sqrt(N)] * N)
    cp = digital.ofdm_cyclic_prefixer(N, N + g.cp_len, 0, "packet_len")
    return [alloc, ifft, scale, cp]


@pytest.mark.parametrize("name, pilot", [("default", "block"), ("default", "comb"), ("diffcom", "block")])
def test_gnuradio_tx_into_our_deframer(name, pilot):
    k_ = {"default": 52 * 3, "diffcom": 256 * 2}[name]  # whole OFDM symbols: GR's allocator does not pad
    if pilot == "comb":
        k_ = 38 * 3
    cfg = preset(name, k_, pilot, interleaver_seed=None, channel=ChannelModel("none"), estimator="ls",
                 equalizer="zf")
    g = cfg.grid
    assert g.n_pad == 0
    z = crandn(4, k_).numpy()
    chain = gr_ofdm_tx(g) + [semdiff.ofdm_deframer(semdiff.grid_spec_from(g), "ls", "zf", [1.0], 1e-6)]
    data, tags = run_chain(z.reshape(-1), frame_tags([k_] * 4), chain)
    got = np.stack([f[1] for f in frames_by_id(data, tags, k_)])
    assert got.shape == z.shape
    assert np.max(np.abs(got - z)) < 1e-4


def test_our_framer_matches_gnuradio_tx_samples():
    cfg = preset("default", 52 * 2, "block", interleaver_seed=None)
    g = cfg.grid
    z = crandn(3, g.k).numpy()
    ours, _ = run_chain(z.reshape(-1), frame_tags([g.k] * 3), [semdiff.ofdm_framer(semdiff.grid_spec_from(g))])
    theirs, _ = run_chain(z.reshape(-1), frame_tags([g.k] * 3), gr_ofdm_tx(g))
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs)) < 1e-5
