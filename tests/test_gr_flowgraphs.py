"""Whole PHY chains as GNU Radio flowgraphs.

  vector_source ─► frame_interleaver ─► ofdm_framer ─► papr_clipper ─► multipath_channel
                ─► ofdm_deframer ─► frame_deinterleaver ─► vector_sink
"""
import numpy as np
import pytest
import torch

from gnuradio import semdiff
from gnuradio.semdiff.phy.channels import ChannelModel, crandn
from gnuradio.semdiff.phy.link import preset

from grhelpers import frame_tags, frames_by_id, run_chain

ORDER = ["interleaver", "framer", "clipper", "channel", "deframer", "deinterleaver"]


@pytest.mark.parametrize("name, pilot", [("default", "block"), ("default", "comb"), ("diffcom", "block"),
                                         ("diffcom", "comb")])
def test_noise_free_channel_free_loopback(name, pilot):
    cfg = preset(name, 128, pilot, channel=ChannelModel("none"), equalizer="zf")
    b = semdiff.link_blocks(cfg)
    z = crandn(6, 128).numpy()
    data, tags = run_chain(z.reshape(-1), frame_tags([128] * 6), [b[n] for n in ORDER])
    got = np.stack([f[1] for f in frames_by_id(data, tags, 128)])
    assert np.max(np.abs(got - z)) < 1e-5


def test_thousand_multipath_frames_arrive_once_in_order():
    cfg = preset("default", 128, "block", clip_ratio=1.4)
    b = semdiff.link_blocks(cfg, snr_db=30.0, seed=7)
    n = 1000
    z = crandn(n, 128, generator=torch.Generator().manual_seed(3)).numpy()
    ids = list(range(5000, 5000 + n))
    data, tags = run_chain(z.reshape(-1), frame_tags([128] * n, ids), [b[k] for k in ORDER])
    frames = frames_by_id(data, tags, 128)
    assert [f[0] for f in frames] == ids
    got = np.stack([f[1] for f in frames])
    # 30 dB with clipping at 1.4 and LMMSE/MMSE: symbols come back close (EVM well under -10 dB)
    evm_db = 10 * np.log10(np.mean(np.abs(got - z) ** 2) / np.mean(np.abs(z) ** 2))
    assert evm_db < -10, evm_db
    for k in ORDER:
        st = b[k].stats()
        assert st["frames_in"] == n and st["frames_out"] == n, (k, st)
    assert all("snr_db" in f[2] and "h_est" in f[2] for f in frames)
