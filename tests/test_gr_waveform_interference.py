"""waveform_interference: ICDM eq. (1) injected into a sample stream by GNU Radio blocks.

    vector_source (x + n at SNR) ─▶ waveform_interference ─┬▶ sink (y)
                                                           └▶ sink (interference)
and in a link: framer ▶ multipath channel ▶ waveform_interference ▶ deframer ▶ probe
"""
import numpy as np
import pytest
from gnuradio import blocks, gr

import torch

from gnuradio import semdiff
from gnuradio.semdiff.phy.channels import ChannelModel, crandn
from gnuradio.semdiff.phy.link import preset
from grhelpers import frame_tags, frames_by_id, run_chain
from gnuradio.semdiff.blocks.waveform_interference import CLASSES, interference_gain

N, SKIP = 60000, 8192


def _run(cls, sinr_db, snr_db, fading="none", seed=1):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(N) + 1j * rng.standard_normal(N)) / np.sqrt(2) * 0.7   # P_x = 0.49
    n = (rng.standard_normal(N) + 1j * rng.standard_normal(N)) / np.sqrt(2) * 0.7 * 10 ** (-snr_db / 20)
    tb = gr.top_block()
    src = blocks.vector_source_c((x + n).astype(np.complex64).tolist())
    inj = semdiff.waveform_interference(cls, sinr_db, snr_db, fading, seed, 2048, 0.1, 128, 64)
    y, z = blocks.vector_sink_c(), blocks.vector_sink_c()
    tb.connect(src, inj)
    tb.connect((inj, 0), y)
    tb.connect((inj, 1), z)
    tb.run()
    y, z = np.array(y.data()), np.array(z.data())
    return x, n, y, z


@pytest.mark.parametrize("cls", CLASSES)
def test_sinr_is_met_for_every_class(cls):
    x, n, y, z = _run(cls, 0.0, 20.0)
    assert len(y) == N and len(z) == N
    np.testing.assert_allclose(y, x + n + z, atol=1e-5)
    s = slice(SKIP, None)
    p_x, p_n, p_z = (np.mean(np.abs(v[s]) ** 2) for v in (x, n, z))
    sinr = 10 * np.log10(p_x / (p_z + p_n))
    assert abs(sinr - 0.0) < 0.2, (cls, sinr)


@pytest.mark.parametrize("sinr_db", [-7.0, 5.0])
def test_sinr_sweep_and_fading(sinr_db):
    x, n, y, z = _run("qpsk", sinr_db, 20.0, fading="rayleigh")
    s = slice(SKIP, None)
    sinr = 10 * np.log10(np.mean(np.abs(x[s]) ** 2) / (np.mean(np.abs(z[s]) ** 2) + np.mean(np.abs(n[s]) ** 2)))
    assert abs(sinr - sinr_db) < 0.2
    # faded QPSK is not constant-modulus any more
    assert np.std(np.abs(z[s])) > 0.3 * np.mean(np.abs(z[s]))


def test_sinr_above_snr_is_rejected():
    with pytest.raises(ValueError, match="below the SNR"):
        interference_gain(25.0, 20.0)
    with pytest.raises(ValueError, match="interferer must be one of"):
        semdiff.waveform_interference("fm", 0.0, 20.0)


def test_runtime_class_switch_keeps_stream():
    tb = gr.top_block()
    src = blocks.vector_source_c([0.5 + 0j] * 20000, True)
    head = blocks.head(gr.sizeof_gr_complex, 200000)
    inj = semdiff.waveform_interference("tone", 0.0, 30.0)
    sink, zsink = blocks.vector_sink_c(), blocks.null_sink(gr.sizeof_gr_complex)
    tb.connect(src, inj, head, sink)
    tb.connect((inj, 1), zsink)
    tb.start()
    inj.set_interferer("16qam")
    inj.set_sinr_db(3.0)
    tb.wait()
    assert inj.interferer == "16qam" and inj.sinr_db == 3.0
    assert len(sink.data()) == 200000


def test_link_between_channel_and_deframer_degrades_evm_as_set():
    """Every frame crosses framer → channel → interference → deframer once; EVM tracks the SINR."""
    cfg = preset("default", 128, "block", channel=ChannelModel("awgn"))
    z = crandn(40, 128, generator=torch.Generator().manual_seed(3)).numpy()
    evm = {}
    for sinr in (15.0, 0.0):
        b = semdiff.link_blocks(cfg, snr_db=20.0, seed=0)
        inj = semdiff.waveform_interference("qpsk", sinr, 20.0, "none", 0, 1024)
        chain = [b[k] for k in ("interleaver", "framer", "clipper", "channel")] + [inj] + \
            [b[k] for k in ("deframer", "deinterleaver")]
        data, tags = run_chain(z.reshape(-1), frame_tags([128] * 40), chain)
        frames = frames_by_id(data, tags, 128)
        assert [f[0] for f in frames] == list(range(40))
        got = np.stack([f[1] for f in frames])
        evm[sinr] = 10 * np.log10(np.mean(np.abs(got - z) ** 2) / np.mean(np.abs(z) ** 2))
    assert evm[0.0] > evm[15.0] + 8, evm
