"""The torch PHY operator on its own: layouts, validation, round trips, clipping, estimation."""
import math

import pytest
import torch

from gnuradio.semdiff.phy.channels import ChannelModel, crandn, exp_pdp
from gnuradio.semdiff.phy.clipping import clip, papr_ccdf
from gnuradio.semdiff.phy.estimation import analytic_nmse
from gnuradio.semdiff.phy.grid import ResourceGrid, default_grid, diffcom_grid
from gnuradio.semdiff.phy.interleaver import Interleaver
from gnuradio.semdiff.phy.link import LinkConfig, LinkOperator, preset

PRESETS = [("default", "block"), ("default", "comb"), ("diffcom", "block"), ("diffcom", "comb")]


def test_diffcom_preset_layout():
    g = diffcom_grid(k=3 * 256 + 5)
    assert (g.fft_len, g.cp_len, len(g.carriers)) == (256, 10, 256)
    assert g.n_data_symbols == 4 and g.n_symbols == 5          # ceil(k/256) data + N_p = 1
    assert g.frame_len == 5 * 266


def test_default_grid_symbols_follow_k():
    g = default_grid(128)
    assert len(g.carriers) == 52 and 0 not in g.carriers
    assert g.n_data_symbols == math.ceil(128 / 52)
    gc = default_grid(128, "comb")
    assert set(gc.pilot_carriers).isdisjoint(gc.data_carriers)
    assert gc.carriers[0] in gc.pilot_carriers and gc.carriers[-1] in gc.pilot_carriers


@pytest.mark.parametrize("kwargs, word", [
    (dict(cp_len=64), "cp_len"), (dict(k=0), "k"), (dict(fft_len=1), "fft_len"),
    (dict(used_carriers=(0, 1, 2)), "DC"), (dict(used_carriers=(1, 40)), "used_carriers"),
    (dict(pilot_type="diamond"), "pilot_type"), (dict(pilot_type="comb", comb_spacing=1), "comb_spacing"),
])
def test_bad_grid_parameters_name_the_parameter(kwargs, word):
    with pytest.raises(ValueError, match=word):
        ResourceGrid(**{"fft_len": 64, "cp_len": 16, "k": 128, **kwargs})


def test_bad_link_parameters_name_the_parameter():
    with pytest.raises(ValueError, match="clip_ratio"):
        LinkConfig(clip_ratio=0.0)
    with pytest.raises(ValueError, match="channel"):
        ChannelModel("rician")
    with pytest.raises(ValueError, match="decay"):
        ChannelModel(decay=0)
    with pytest.raises(ValueError, match="equalizer"):
        LinkConfig(equalizer="dfe")
    with pytest.raises(ValueError, match="preset"):
        preset("wifi7", 128)
    with pytest.raises(ValueError, match="clip ratio"):
        clip(torch.ones(1, 4, dtype=torch.complex64), -1.0)


def test_interleaver_is_a_seeded_permutation():
    a, b = Interleaver(128, 3), Interleaver(128, 3)
    assert torch.equal(a.perm, b.perm) and not torch.equal(a.perm, torch.arange(128))
    z = crandn(2, 128)
    assert torch.equal(a.deinterleave(a.interleave(z)), z)
    with pytest.raises(ValueError, match="k=128"):
        a.interleave(crandn(2, 100))


@pytest.mark.parametrize("name, pilot", PRESETS)
def test_noise_free_loopback_returns_symbols(name, pilot):
    op = LinkOperator(preset(name, 300, pilot, channel=ChannelModel("none"), equalizer="zf"))
    z = crandn(3, 300)
    res = op.simulate(z, snr_db=200.0)
    assert torch.allclose(res.symbols, z, atol=1e-5)


def test_clipping_bounds_amplitude_and_papr_ccdf_falls_with_ratio(gen):
    op = LinkOperator(preset("default", 128))
    z = crandn(400, 128, generator=gen)
    s = op.transmit(z)
    ccdf_at = []
    for c in (2.0, 1.8, 1.6, 1.4, 1.2, 1.0):
        sc = clip(s, c)
        bound = c * s.abs().pow(2).mean(dim=1, keepdim=True).sqrt()
        assert bool((sc.abs() <= bound * (1 + 1e-6)).all())
        # PAPR (dB) at CCDF 1e-2 over OFDM symbols
        papr_grid = torch.linspace(0, 12, 241)
        ccdf = papr_ccdf(sc, op.grid.symbol_len, papr_grid)
        ccdf_at.append(float(papr_grid[int(torch.nonzero(ccdf <= 1e-2)[0])]))
    assert all(a > b for a, b in zip(ccdf_at, ccdf_at[1:])), ccdf_at


def test_straight_through_clipping_gradient():
    s = (crandn(1, 64) * 3).requires_grad_(True)
    clip(s, 1.0, straight_through=True).real.sum().backward()
    assert torch.allclose(s.grad, torch.ones_like(s.grad))


@pytest.mark.parametrize("name, pilot", PRESETS)
def test_link_operator_is_differentiable(name, pilot):
    op = LinkOperator(preset(name, 128, pilot, clip_ratio=1.2))
    z = crandn(2, 128).requires_grad_(True)
    res = op.simulate(z.detach(), 10.0)
    y = op.forward(z, res.h_est, res.noise_var)
    (y - res.symbols).abs().pow(2).sum().backward()
    assert z.grad is not None and torch.isfinite(z.grad).all() and z.grad.abs().sum() > 0


def test_forward_matches_simulation_without_noise():
    """W_h(z) with the true channel equals the receiver's output for a noise-free realisation."""
    op = LinkOperator(preset("default", 128, clip_ratio=1.3, estimator="perfect", equalizer="zf"))
    z = crandn(4, 128)
    taps = op.cfg.channel.draw(4, op.grid.n_symbols)
    r, _ = op.channel(op.transmit(z), 300.0, taps=taps)
    got = op.receive(r, noise_var=1e-30, h_known=op.response_on_data(taps)).symbols
    assert torch.allclose(op.forward(z, taps=taps), got, atol=1e-4)


@pytest.mark.parametrize("snr_db", [0.0, 10.0, 20.0])
def test_block_pilot_nmse_matches_analysis(snr_db):
    torch.manual_seed(0)
    nmse = {}
    for est in ("ls", "lmmse"):
        op = LinkOperator(preset("default", 128, estimator=est))
        res = op.simulate(crandn(3000, 128), snr_db, known_noise=True)
        err = (res.h_est[:, 0] - res.h_true[:, 0]).abs().pow(2).mean()
        nmse[est] = 10 * math.log10(float(err))
        want = 10 * math.log10(analytic_nmse(op.grid, exp_pdp(8, 4.0), 10 ** (-snr_db / 10), est))
        assert abs(nmse[est] - want) < 1.0, (est, nmse[est], want)
    if snr_db == 0.0:
        assert nmse["lmmse"] < nmse["ls"] - 3


def test_noise_variance_estimate(gen):
    op = LinkOperator(preset("diffcom", 256))
    res = op.simulate(crandn(500, 256, generator=gen), 10.0, generator=gen)
    assert abs(float(res.noise_var.mean()) - 0.1) < 0.005
    assert abs(float(res.snr_db.mean()) - 10.0) < 0.3


def test_fast_fading_is_tracked_by_comb_pilots_not_by_a_block_pilot():
    """Flat Rayleigh with a new coefficient every OFDM symbol: comb pilots estimate each symbol's channel;
    a single block pilot symbol can only give a stale estimate."""
    torch.manual_seed(0)
    ch = ChannelModel("rayleigh", fading="fast")
    err = {}
    for pilot in ("comb", "block"):
        op = LinkOperator(preset("default", 152, pilot, channel=ch, estimator="lmmse"))
        res = op.simulate(crandn(200, 152), 30.0)
        assert res.taps.shape[1] == op.grid.n_symbols          # one coefficient per OFDM symbol
        err[pilot] = float((res.h_est - res.h_true).abs().pow(2).mean())
    assert err["comb"] < 0.01 < err["block"], err
