"""DiffJSCC as a decoding method ([8 of 10]): Algorithm 1 with eq. (17)'s guidance and classifier-free
guidance on a saved control module; a control module on the wrong prior is reported; and every receiver-side
refiner (sing_zero, sing_inn, diffjscc) decodes a tiny case through the GR block into the live view."""
import pytest
import torch
from grhelpers import decode_one_frame

from gnuradio import semdiff
from gnuradio.semdiff.decoders import RxBatch, decode
from gnuradio.semdiff.models.control import ControlConfig, ControlledPrior, prior_fingerprint
from gnuradio.semdiff.models.store import register, save_state


def _save_control(ctx, path, fingerprint=None, opened=False):
    torch.manual_seed(5)
    net = ControlledPrior(ctx.prior.inner, ControlConfig())
    if opened:   # a "trained" branch: conditions reach the output
        with torch.no_grad():
            for zc in net.branch.zero_convs:
                torch.nn.init.normal_(zc.weight, std=0.05)
            torch.nn.init.normal_(net.branch.classes.weight, std=0.1)
    meta = {**net.cfg.to_dict(), "prior_fingerprint": fingerprint or prior_fingerprint(ctx.prior.inner)}
    register(save_state(path, net.branch, meta, "diffjscc"), "test", directory=path.parent)
    return str(path)


def _rx(gen, n=2, snr=3.0):
    z = torch.randn(n, 128, dtype=torch.cfloat, generator=gen)
    return RxBatch(z, torch.full((n,), 0.5), torch.full((n,), snr))


def test_full_guidance_returns_the_jscc_image_and_cfg_doubles_the_evaluations(tiny_models, gen, tmp_path):
    _, ctx = tiny_models
    model = _save_control(ctx, tmp_path / "dj", opened=True)
    rx = _rx(gen)
    x_hat = ctx.codec.decode(rx.symbols, rx.snr_db).clamp(-1, 1)
    full = decode("diffjscc", rx, ctx, generator=gen, steps=4, model=model, lam=1024.0)   # λ = C·H·W
    assert torch.allclose(full.images, x_hat, atol=1e-5)
    plain = decode("diffjscc", rx, ctx, generator=torch.Generator().manual_seed(1), steps=4, model=model)
    assert (plain.images - x_hat).abs().mean() > 1e-2                      # the prior moved it
    half = decode("diffjscc", rx, ctx, generator=torch.Generator().manual_seed(1), steps=4, model=model, lam=512.0)
    assert (half.images - x_hat).abs().mean() < (plain.images - x_hat).abs().mean()
    cfg = decode("diffjscc", rx, ctx, generator=torch.Generator().manual_seed(1), steps=4, model=model,
                 cfg_scale=3.0)
    assert plain.nfe == 4 and cfg.nfe == 8 and not torch.allclose(cfg.images, plain.images)
    assert len(plain.info["class"]) == 2


def test_control_module_on_another_prior_warns(tiny_models, gen, tmp_path):
    _, ctx = tiny_models
    model = _save_control(ctx, tmp_path / "dj_other", fingerprint="0" * 64)
    ctx.__dict__.pop("_diffjscc", None)
    with pytest.warns(UserWarning, match="another prior"):
        decode("diffjscc", _rx(gen), ctx, generator=gen, steps=2, model=model)


@pytest.mark.parametrize("bad", [dict(lam=-1.0), dict(steps=0), dict(solver="euler"), dict(model="")])
def test_bad_parameters_are_rejected_by_name(tiny_models, bad):
    _, ctx = tiny_models
    with pytest.raises(ValueError, match=next(iter(bad))):
        decode("diffjscc", _rx(torch.Generator()), ctx, **bad)


@pytest.mark.parametrize("method", ["sing_zero", "sing_inn", "diffjscc"])
def test_method_decodes_through_the_block_into_the_live_view(tiny_models, tmp_path, method):
    from gnuradio.semdiff.models.inn import CondINN, INNConfig
    _, ctx = tiny_models
    params = {"steps": 3}
    if method == "sing_inn":
        net = CondINN(INNConfig(width=8, lifting_steps=1, blocks_per_net=1))
        register(save_state(tmp_path / "inn", net, {**net.cfg.to_dict(), "codecs": []}, "inn"), "t", directory=tmp_path)
        params.update(inn=str(tmp_path / "inn"), operator="avgpool2")
    if method == "diffjscc":
        params["model"] = _save_control(ctx, tmp_path / "dj")
    dec = semdiff.diffusion_decoder(method, params, context=ctx, max_batch=2)
    view = semdiff.live_view("fashion-mnist:test:0", rows=2, methods=f"deepjscc,{method}")
    decode_one_frame(dec, view, lambda: method in view.frames.get(1, {}), frame_id=1, snr_db=3.0, noise_var=0.5)
    img, psnr = view.frames[1][method]
    assert img.shape[:2] == (32, 32) and psnr is not None and psnr < 100
    assert "original" in view.frames[1]
