"""Models, model files and data loading (issue [2 of 7]); trainers run a few steps into temp dirs."""
import json
import math

import numpy as np
import pytest
import torch
from PIL import Image

from gnuradio.semdiff.data import DataError, FashionMNIST, ImageFolder, _read_idx, load_dataset
from gnuradio.semdiff.models.classifier import FashionClassifier
from gnuradio.semdiff.models.jscc import JSCCCodec, JSCCConfig
from gnuradio.semdiff.models.prior import load_prior, make_scheduler, make_unet, save_prior
from gnuradio.semdiff.models.store import ModelFileError, load_state_into, register, save_state
from gnuradio.semdiff.models.symbol_prior import SymbolPriorConfig, SymbolScoreNet
from gnuradio.semdiff.models.zoo import load_jscc


# -- data -------------------------------------------------------------------------------------------
def test_fashion_mnist_is_padded_and_scaled():
    ds = FashionMNIST("test")
    x, y = ds[0]
    assert len(ds) == 10000 and x.shape == (1, 32, 32)
    assert x.min() >= -1 and x.max() <= 1 and x.max() > 0.5
    assert torch.all(ds.images[:, :, :2, :] == -1) and torch.all(ds.images[:, :, :, -2:] == -1)
    assert 0 <= int(y) < 10


def test_image_folder_loads_gray_and_rgb(tmp_path):
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (40, 60), dtype=np.uint8)).save(tmp_path / "a.png")
    Image.fromarray(rng.integers(0, 255, (64, 48, 3), dtype=np.uint8)).save(tmp_path / "b.jpg")
    for channels in (1, 3):
        ds = load_dataset(str(tmp_path), size=32, channels=channels)
        assert len(ds) == 2
        for i in range(2):
            x, _ = ds[i]
            assert x.shape == (channels, 32, 32) and x.min() >= -1 and x.max() <= 1


def test_data_errors_name_the_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        ImageFolder(tmp_path / "nope")
    with pytest.raises(DataError, match="no PNG/JPEG"):
        ImageFolder(tmp_path)
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"this is not a png")
    with pytest.raises(DataError, match="broken.png"):
        ImageFolder(tmp_path)[0]
    trunc = tmp_path / "t.idx"
    trunc.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3]))
    with pytest.raises(DataError, match="truncated"):
        _read_idx(trunc)
    with pytest.raises(DataError, match="split"):
        FashionMNIST("validation")


# -- codec ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cbr", [1 / 8, 1 / 16, 1 / 4])
def test_codec_power_normalisation(cbr):
    codec = JSCCCodec(JSCCConfig(cbr=cbr))
    z = codec.encode(torch.rand(8, 1, 32, 32) * 2 - 1, torch.linspace(0, 20, 8))
    assert z.shape == (8, round(cbr * 1024)) and z.dtype == torch.complex64
    assert torch.allclose(z.abs().pow(2).mean(dim=1), torch.ones(8), atol=1e-3)


def test_bad_cbr_names_cbr():
    with pytest.raises(ValueError, match="cbr"):
        JSCCConfig(cbr=1 / 48)


def test_encoder_is_differentiable():
    codec = JSCCCodec(JSCCConfig())
    x = (torch.rand(2, 1, 32, 32) * 2 - 1).requires_grad_(True)
    z = codec.encode(x, 10.0)
    (z.real.sum() + z.imag.pow(2).sum()).backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


# -- files ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, kind", [
    (lambda: JSCCCodec(JSCCConfig()), "jscc"), (lambda: FashionClassifier(), "classifier"),
    (lambda: SymbolScoreNet(SymbolPriorConfig(k=16, hidden=32, depth=1)), "symbol_prior")])
def test_save_load_round_trip_is_bit_exact(tmp_path, make, kind):
    torch.manual_seed(0)
    a = make()
    save_state(tmp_path / "m", a, {}, kind)
    torch.manual_seed(1)
    b = load_state_into(make(), tmp_path / "m")
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb and torch.equal(va, vb)


def test_float16_storage_loads_back_as_the_rounded_weights(tmp_path):
    torch.manual_seed(0)
    a = SymbolScoreNet(SymbolPriorConfig(k=16, hidden=32, depth=1))
    save_state(tmp_path / "h", a, {}, "symbol_prior", dtype=torch.float16)
    b = load_state_into(SymbolScoreNet(SymbolPriorConfig(k=16, hidden=32, depth=1)), tmp_path / "h")
    for va, vb in zip(a.state_dict().values(), b.state_dict().values()):
        assert vb.dtype == torch.float32 and torch.equal(va.half().float(), vb)


def test_int8_storage_is_within_half_a_step_per_row_and_the_net_barely_moves(tmp_path):
    torch.manual_seed(0)
    cfg = SymbolPriorConfig(k=64, hidden=128, depth=1, local_hidden=8, gauss_skip=True)
    a = SymbolScoreNet(cfg)
    for p in a.parameters():                       # zero-initialised output layers would hide errors
        torch.nn.init.normal_(p, std=0.1)
    files = save_state(tmp_path / "q", a, {}, "symbol_prior", dtype=torch.int8)
    half = save_state(tmp_path / "h", a, {}, "symbol_prior", dtype=torch.float16)[0]
    assert files[0].stat().st_size < 0.6 * half.stat().st_size
    b = load_state_into(SymbolScoreNet(cfg), tmp_path / "q")
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
        if va.ndim == 1:                           # vectors are stored as float16
            assert torch.equal(vb, va.half().float()), k
            continue
        step = va.abs().flatten(1).amax(1, keepdim=True) / 127
        assert ((va - vb).abs().flatten(1) <= step * 0.51 + 1e-6).all(), k
    v, t = torch.randn(64, 128), torch.randint(0, 1000, (64,))
    with torch.no_grad():
        rel = (a(v, t) - b(v, t)).norm() / a(v, t).norm()
    assert rel < 0.02


def test_int8_scale_that_does_not_fit_its_tensor_is_named(tmp_path):
    from safetensors.torch import save_file
    save_file({"w": torch.ones(4, 3, dtype=torch.int8), "w.q8_scale": torch.ones(5).half()},
              str(tmp_path / "bad.safetensors"))
    with pytest.raises(ModelFileError, match="'w'"):
        load_state_into(torch.nn.Module(), tmp_path / "bad")


def test_corrupt_truncated_and_mismatched_files(tmp_path):
    codec = JSCCCodec(JSCCConfig())
    files = save_state(tmp_path / "jscc_x", codec, JSCCConfig().to_dict(), "jscc")
    register(files, "test", directory=tmp_path)
    weights = tmp_path / "jscc_x.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[:-100])                                  # truncated, manifest says otherwise
    with pytest.raises(ModelFileError, match="sha256"):
        load_jscc(tmp_path / "jscc_x")
    (tmp_path / "manifest.json").unlink()
    with pytest.raises(ModelFileError, match="corrupt or truncated"):
        load_jscc(tmp_path / "jscc_x")
    weights.write_bytes(data)
    meta = json.loads((tmp_path / "jscc_x.json").read_text())
    meta["config"]["width"] = 32                                      # config no longer matches weights
    (tmp_path / "jscc_x.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="does not match"):
        load_jscc(tmp_path / "jscc_x")
    meta["kind"] = "classifier"
    (tmp_path / "jscc_x.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="not a 'jscc'"):
        load_jscc(tmp_path / "jscc_x")


def test_local_diffusers_prior_loads_as_unet_dir_and_as_pipeline(tmp_path):
    from diffusers import DDPMPipeline

    torch.manual_seed(0)
    unet = make_unet(image_size=16, widths=(8, 16, 16))
    save_prior(tmp_path / "unet_dir", unet)
    DDPMPipeline(unet=unet, scheduler=make_scheduler()).save_pretrained(tmp_path / "pipeline")
    x, t = torch.randn(2, 1, 16, 16), torch.tensor([10, 500])
    want = unet(x, t).sample
    for d in ("unet_dir", "pipeline"):
        loaded, sched = load_prior(tmp_path / d)
        assert torch.allclose(loaded(x, t).sample, want, atol=1e-6)
        assert sched.config.num_train_timesteps == 1000
    with pytest.raises(ModelFileError, match="not found"):
        load_prior(tmp_path / "missing")


def test_fid_of_diverged_images_is_nan_not_a_lapack_abort():
    from gnuradio.semdiff.eval.metrics import fid
    real = torch.rand(8, 1, 32, 32) * 2 - 1
    fake = real.clone()
    fake[3, 0, 5, 5] = float("nan")
    assert math.isnan(fid(real, fake, FashionClassifier().eval()))
