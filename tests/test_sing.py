"""SING-Zero ([8 of 10], SING Algorithm 1): the linear operators (A·A⁺·A = A, adjoints), the measured rule
that picks A per SNR, and the null-space sampler keeping the range of A from the measurement exactly
(noise-free DDNM) while the prior fills the rest; decoding through the registry and the GR block."""
import pytest
import torch
from grhelpers import decode_one_frame

from gnuradio import semdiff
from gnuradio.semdiff.decoders import RxBatch, decode
from gnuradio.semdiff.decoders.degradations import make_degradation
from gnuradio.semdiff.decoders.sing import null_space_sample
from gnuradio.semdiff.decoders.sing_rule import FAMILIES, R_MAX, measure

OPS = ["identity", "avgpool2", "avgpool4", "avgpool8", "blur0.5", "blur1", "blur2", "blur3"]


@pytest.mark.parametrize("name", OPS)
def test_pseudo_inverse_and_adjoint(name):
    op = make_degradation(name)
    x = torch.randn(4, 1, 32, 32, dtype=torch.float64)
    ax = op.A(x)
    assert torch.allclose(op.A(op.A_pinv(ax)), ax, atol=1e-6)            # A A⁺ A = A
    y = torch.randn_like(ax)
    assert abs(float((ax * y).sum() - (x * op.At(y)).sum())) < 1e-6 * float(x.abs().sum())
    assert torch.allclose(op.A(op.project_null(x)), torch.zeros_like(ax), atol=1e-6)


@pytest.mark.parametrize("bad", ["avgpool0", "avgpoolx", "blur-1", "blurx", "nope"])
def test_unknown_operators_are_rejected(bad):
    with pytest.raises(ValueError):
        make_degradation(bad)


def test_noise_free_sampling_keeps_the_measurement(tiny_models, gen):
    _, ctx = tiny_models
    op = make_degradation("avgpool4")
    x = torch.rand(3, 1, 32, 32, generator=gen) * 2 - 1
    y = op.A(x)
    with torch.no_grad():
        out = null_space_sample(ctx, y, op, torch.zeros(3), steps=5, generator=gen)
    inside = out.abs() < 1                       # the final clamp to [-1, 1] may move saturated pixels
    assert torch.allclose(op.A(out)[op.A(inside.float()) == 1], y[op.A(inside.float()) == 1], atol=1e-4)
    assert not torch.allclose(out, op.A_pinv(y), atol=1e-3)      # the null space was filled, not left empty


def test_rule_picks_finer_operators_as_snr_grows(tiny_models):
    _, ctx = tiny_models
    rows = measure(ctx, "avgpool", n=32)
    order = FAMILIES["avgpool"]
    for r in rows:
        ok = [o for o in order if r["r"][o] <= R_MAX]
        assert r["operator"] == (ok[0] if ok else order[-1])
        assert r["sigma_y"] == pytest.approx(r["sigma"][r["operator"]])
    ranks = [order.index(r["operator"]) for r in rows]
    assert ranks == sorted(ranks, reverse=True)           # higher SNR → same or finer operator


def test_sing_zero_decodes_through_registry_and_block(tiny_models, gen):
    zoo_codec, ctx = tiny_models
    z = torch.randn(2, 128, dtype=torch.cfloat, generator=gen)
    rx = RxBatch(z, torch.full((2,), 0.1), torch.full((2,), 10.0))
    r = decode("sing_zero", rx, ctx, generator=gen, steps=4, operator="avgpool2")
    assert r.images.shape == (2, 1, 32, 32) and r.info["operator"] == ["avgpool2", "avgpool2"] and r.nfe == 4
    dec = semdiff.diffusion_decoder("sing_zero", {"steps": 3}, context=ctx, max_batch=2)
    sink = semdiff.image_sink("", write_png=False, metrics=False)
    decode_one_frame(dec, sink, lambda: sink.accounted() >= 1)
    (rec,) = sink.records
    assert rec["frame_id"] == 7 and rec["method"] == "sing_zero" and "dropped" not in rec


def test_inn_inverse_of_forward_is_identity(gen):
    from gnuradio.semdiff.models.inn import CondINN, INNConfig
    torch.manual_seed(3)
    net = CondINN(INNConfig(width=16))
    for m in [*net.P, *net.U]:                       # away from the zero-initialised (pure Haar) start
        torch.nn.init.normal_(m.out.weight, std=0.05)
        torch.nn.init.normal_(m.out.bias, std=0.05)
    x = torch.rand(5, 1, 32, 32, generator=gen) * 2 - 1
    cond = CondINN.condition(torch.linspace(-5, 5, 5), 1 / 16, 5)
    c, d = net(x, cond)
    assert c.shape == (5, 1, 16, 16) and d.shape == (5, 3, 16, 16)
    assert (net.inverse(c, d, cond) - x).abs().max() < 1e-4
    c2, _ = net(x, CondINN.condition(torch.full((5,), 3.0), 1 / 8, 5))
    assert not torch.allclose(c, c2)                  # the condition matters


def test_sing_inn_decodes_with_a_saved_inn(tiny_models, gen, tmp_path):
    from gnuradio.semdiff.models.inn import CondINN, INNConfig
    from gnuradio.semdiff.models.store import register, save_state
    _, ctx = tiny_models
    net = CondINN(INNConfig(width=8, lifting_steps=1, blocks_per_net=1))
    register(save_state(tmp_path / "inn_tiny", net, {**net.cfg.to_dict(), "codecs": []}, "inn"), "test",
             directory=tmp_path)
    z = torch.randn(2, 128, dtype=torch.cfloat, generator=gen)
    rx = RxBatch(z, torch.full((2,), 0.5), torch.full((2,), 3.0))
    r = decode("sing_inn", rx, ctx, generator=gen, steps=3, inn=str(tmp_path / "inn_tiny"), operator="avgpool2")
    assert r.images.shape == (2, 1, 32, 32) and torch.isfinite(r.images).all()
    with pytest.raises(ValueError, match="inn"):
        decode("sing_inn", rx, ctx, inn="")
