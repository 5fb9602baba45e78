"""The C++ blocks against the torch operator on identical input (relative error < 1e-4).

  torch: OFDMModem.map+modulate | clip | receive           (python/semdiff/phy)
  GR:    vector_source ─► ofdm_framer | papr_clipper | ofdm_deframer ─► vector_sink
"""
import numpy as np
import pytest
import torch

from gnuradio import semdiff
from gnuradio.semdiff.phy.channels import crandn
from gnuradio.semdiff.phy.clipping import clip
from gnuradio.semdiff.phy.link import LinkOperator, preset

from grhelpers import frame_tags, frames_by_id, run_chain

CASES = [("default", "block"), ("default", "comb"), ("diffcom", "block"), ("diffcom", "comb")]
K = {"default": 128, "diffcom": 600}


def rel_err(a, b):
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / np.linalg.norm(np.asarray(b)))


def link(name, pilot, **kw):
    return LinkOperator(preset(name, K[name], pilot, interleaver_seed=None, **kw))


@pytest.mark.parametrize("name, pilot", CASES)
def test_framer_matches_torch(name, pilot):
    op = link(name, pilot)
    z = crandn(5, op.grid.k)
    want = op.transmit(z).numpy()
    data, tags = run_chain(z.reshape(-1).numpy(), frame_tags([op.grid.k] * 5),
                           [semdiff.ofdm_framer(semdiff.grid_spec_from(op.grid))])
    assert data.shape == (5 * op.grid.frame_len,)
    assert rel_err(data.reshape(5, -1), want) < 1e-4


@pytest.mark.parametrize("ratio", [1.0, 1.4, float("inf")])
@pytest.mark.parametrize("name, pilot", CASES)
def test_clipper_matches_torch(name, pilot, ratio):
    op = link(name, pilot)
    s = op.transmit(crandn(4, op.grid.k))
    want = clip(s, None if ratio == float("inf") else ratio).numpy()
    n = op.grid.frame_len
    data, _ = run_chain(s.reshape(-1).numpy(), frame_tags([n] * 4), [semdiff.papr_clipper(n, ratio)])
    assert rel_err(data.reshape(4, -1), want) < 1e-4


@pytest.mark.parametrize("estimator", ["ls", "lmmse", "none"])
@pytest.mark.parametrize("equalizer", ["zf", "mmse"])
@pytest.mark.parametrize("name, pilot", CASES)
def test_deframer_matches_torch(name, pilot, estimator, equalizer):
    op = link(name, pilot, estimator=estimator, equalizer=equalizer)
    z = crandn(4, op.grid.k)
    r, _ = op.channel(op.transmit(z), 15.0, torch.Generator().manual_seed(5))
    want = op.receive(r)
    pdp = [float(p) for p in op.cfg.channel.pdp]
    blk = semdiff.ofdm_deframer(semdiff.grid_spec_from(op.grid), estimator, equalizer, pdp, 0.0)
    data, tags = run_chain(r.reshape(-1).numpy(), frame_tags([op.grid.frame_len] * 4), [blk])
    frames = frames_by_id(data, tags, op.grid.k)
    assert [f[0] for f in frames] == [0, 1, 2, 3]
    got = np.stack([f[1] for f in frames])
    assert rel_err(got, want.symbols.numpy()) < 1e-4
    if estimator != "none":
        nv = np.array([f[2]["noise_var"] for f in frames])
        assert rel_err(nv, want.noise_var.numpy()) < 1e-4
        h = np.stack([np.asarray(f[2]["h_est"]) for f in frames])
        assert rel_err(h, want.h_est.reshape(4, -1).numpy()) < 1e-4
