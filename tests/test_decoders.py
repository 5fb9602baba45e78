"""Decoding methods on tiny random models (fast, independent of the shipped zoo)."""
import pytest
import torch

from gnuradio.semdiff.decoders import DecodeContext, RxBatch, decode, methods
from gnuradio.semdiff.decoders.guidance import measurement_loss
from gnuradio.semdiff.decoders.samplers import tweedie_x0
from gnuradio.semdiff.decoders.schedule import hifi_start_step, spaced_timesteps
from gnuradio.semdiff.models.jscc import JSCCCodec, JSCCConfig
from gnuradio.semdiff.models.prior import make_scheduler, make_unet
from gnuradio.semdiff.phy.link import LinkOperator, preset


@pytest.fixture(scope="module")
def ctx():
    torch.manual_seed(0)
    codec = JSCCCodec(JSCCConfig(cbr=1 / 8, width=16))
    unet = make_unet(32, 1, widths=(8, 16, 16))
    return DecodeContext(codec, unet, make_scheduler(), LinkOperator(preset("default", codec.cfg.k, clip_ratio=1.4)))


@pytest.fixture(scope="module")
def rx(ctx):
    x = torch.rand(3, 1, 32, 32) * 2 - 1
    with torch.no_grad():
        r = ctx.link.simulate(ctx.codec.encode(x, 10.0), 10.0, torch.Generator().manual_seed(1))
    return RxBatch.from_rx(r)


def test_registry_lists_the_diffcom_family():
    assert {"deepjscc", "diffcom", "hifi_diffcom", "blind_diffcom"} <= set(methods())


@pytest.mark.parametrize("method, params", [("deepjscc", {}), ("diffcom", {"steps": 4}),
                                            ("hifi_diffcom", {"max_steps": 4}), ("blind_diffcom", {"steps": 4})])
def test_each_method_decodes_a_tiny_case(ctx, rx, method, params):
    res = decode(method, rx, ctx, generator=torch.Generator().manual_seed(0), **params)
    assert res.images.shape == (3, 1, 32, 32)
    assert torch.isfinite(res.images).all() and res.images.abs().max() <= 1
    assert res.nfe == (0 if method == "deepjscc" else 4)
    if method == "blind_diffcom":
        assert res.info["h_est"].shape == (3, 8) and res.info["d_h"].shape == (3,)


def test_hifi_counts_network_evaluations_per_frame(ctx):
    """Frames at different SNRs start at their own T_s (eq. (21)): the low-SNR frame runs more steps, and
    the batch's total evaluations are the per-frame sum, not steps × batch (what bench decoder divides by)."""
    x = torch.rand(2, 1, 32, 32) * 2 - 1
    with torch.no_grad():
        rs = [RxBatch.from_rx(ctx.link.simulate(ctx.codec.encode(x[i:i + 1], s), s, torch.Generator().manual_seed(i)))
              for i, s in enumerate((0.0, 20.0))]
    rx = RxBatch(*(torch.cat([getattr(r, f) for r in rs]) for f in ("symbols", "noise_var", "snr_db", "h_est")))
    res = decode("hifi_diffcom", rx, ctx, generator=torch.Generator().manual_seed(0), max_steps=50)
    low, high = res.nfe_of(0), res.nfe_of(1)
    assert low == res.nfe and 0 < high < low
    assert res.total_nfe == low + high and (res.steps_of(0), res.steps_of(1)) == (low, high)


def test_seeds_make_runs_reproducible(ctx, rx):
    a = decode("diffcom", rx, ctx, generator=torch.Generator().manual_seed(5), steps=3).images
    b = decode("diffcom", rx, ctx, generator=torch.Generator().manual_seed(5), steps=3).images
    assert torch.equal(a, b)


def test_measurement_gradient_reaches_x_t(ctx, rx):
    x_t = torch.randn(3, 1, 32, 32, requires_grad=True)
    abar = ctx.alphas_cumprod[500]
    x0 = tweedie_x0(x_t, ctx.unet(x_t, torch.full((3,), 500)).sample, abar)
    loss, _ = measurement_loss(ctx, x0, rx)
    (g,) = torch.autograd.grad(loss.sum(), x_t)
    assert torch.isfinite(g).all() and g.abs().sum() > 0
    # the gradient of frame b only depends on frame b
    (g0,) = torch.autograd.grad(measurement_loss(ctx, tweedie_x0(x_t, ctx.unet(x_t, torch.full((3,), 500)).sample,
                                                                 abar), rx)[0][0], x_t)
    assert g0[1:].abs().sum() == 0 and g0[0].abs().sum() > 0


def brute_force_ts(noise_var, cbr, abar, tau, eta):
    """DiffCom eq. (21) written out literally, one candidate t at a time."""
    best, best_t = float("inf"), 0
    for t in range(len(abar)):
        d = ((1 + 1 / noise_var) ** (cbr / 2 * tau) - abar[t] / (1 - abar[t])) ** 2
        if d < best:
            best, best_t = d, t
    return min(round(eta * best_t), len(abar) - 1)


@pytest.mark.parametrize("cbr", [1 / 16, 1 / 8, 1 / 4])
@pytest.mark.parametrize("snr_db", [0.0, 10.0, 20.0])
def test_hifi_start_step_follows_eq_21(cbr, snr_db):
    abar = make_scheduler().alphas_cumprod.double()
    nv = 10 ** (-snr_db / 10)
    for tau, eta in ((20.0, 1.0), (10.0, 1.5)):
        got = int(hifi_start_step(torch.tensor([nv]), cbr, abar, tau, eta)[0])
        assert got == brute_force_ts(nv, cbr, abar.tolist(), tau, eta)


def test_hifi_start_step_shrinks_with_snr_and_cbr():
    abar = make_scheduler().alphas_cumprod
    nv = 10 ** (-torch.tensor([0.0, 10.0, 20.0]) / 10)
    ts = hifi_start_step(nv, 1 / 8, abar)
    assert ts[0] > ts[1] > ts[2]
    assert hifi_start_step(nv[:1], 1 / 4, abar)[0] < hifi_start_step(nv[:1], 1 / 16, abar)[0]
    assert int(hifi_start_step(torch.tensor([0.1]), 1 / 8, abar)[0]) <= 200   # ≤ 1/5 of T at 10 dB


def test_spaced_timesteps():
    assert spaced_timesteps(999, 1000) == list(range(999, -1, -1))
    ts = spaced_timesteps(999, 50)
    assert len(ts) == 50 and ts[0] == 999 and ts[-1] == 0


def test_bad_method_and_parameters(ctx, rx):
    with pytest.raises(ValueError, match="unknown decoding method"):
        decode("magic", rx, ctx)
    with pytest.raises(ValueError, match="no parameter"):
        decode("diffcom", rx, ctx, gamma=1.0)
    with pytest.raises(ValueError, match="un-equalized"):
        decode("blind_diffcom", RxBatch(rx.symbols, rx.noise_var, rx.snr_db), ctx, steps=2)


def test_blind_channel_lmmse_recovers_taps_from_known_symbols(ctx):
    """The decision-directed update: given the right symbols, the L×L LMMSE solve finds the taps."""
    from gnuradio.semdiff.decoders.blind_diffcom import channel_lmmse
    from gnuradio.semdiff.phy.channels import ChannelModel
    link = LinkOperator(preset("default", ctx.codec.cfg.k, channel=ChannelModel("multipath", 8, 4.0),
                               estimator="none"))
    bctx = DecodeContext(ctx.codec, ctx.unet, make_scheduler(), link)
    x = torch.rand(4, 1, 32, 32) * 2 - 1
    with torch.no_grad():
        z = ctx.codec.encode(x, 20.0)
        r = RxBatch.from_rx(link.simulate(z, 20.0, torch.Generator().manual_seed(2)))
        h = channel_lmmse(bctx, z, r, link.cfg.channel.pdp)
    d_h = (h - r.taps_true).abs().pow(2).sum(1) / r.taps_true.abs().pow(2).sum(1)
    assert (d_h < 0.05).all(), d_h


def test_blind_restarts_keep_the_best_fitting_chain(ctx):
    from gnuradio.semdiff.phy.channels import ChannelModel
    link = LinkOperator(preset("default", ctx.codec.cfg.k, channel=ChannelModel("multipath", 8, 4.0),
                               estimator="none"))
    bctx = DecodeContext(ctx.codec, ctx.unet, make_scheduler(), link)
    x = torch.rand(2, 1, 32, 32) * 2 - 1
    with torch.no_grad():
        r = RxBatch.from_rx(link.simulate(ctx.codec.encode(x, 10.0), 10.0, torch.Generator().manual_seed(3)))
    one = decode("blind_diffcom", r.select(torch.tensor([0, 0, 0, 1, 1, 1])), bctx,
                 generator=torch.Generator().manual_seed(0), steps=3, channel="lmmse")
    best = decode("blind_diffcom", r, bctx, generator=torch.Generator().manual_seed(0), steps=3, channel="lmmse",
                  restarts=3)
    assert best.images.shape == (2, 1, 32, 32) and best.nfe == 9
    # same seeds, same batch layout: the kept chains are each frame's minimum-residual chain
    want = one.info["residual"].reshape(2, 3).min(1).values
    assert torch.allclose(best.info["residual"], want)
