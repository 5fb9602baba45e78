"""DiffJSCC's control module ([8 of 10]): before training, the ControlNet-style branch (a trainable copy of
the prior's encoder and middle blocks joined by zero 1×1 convolutions, CSI and class embeddings starting
at zero) reproduces the frozen prior exactly; once a zero convolution moves, x̂_JSCC, the SNR and the
class reach the output; only the control branch trains."""
import torch

from gnuradio.semdiff.models.control import ControlledPrior, csi_features
from gnuradio.semdiff.models.prior import make_unet


def _models():
    torch.manual_seed(0)
    u = make_unet(32, 1, (8, 16, 16), layers_per_block=2).eval()
    return u, ControlledPrior(u).eval()


def test_untrained_control_reproduces_the_prior_exactly():
    u, cp = _models()
    x, xh = torch.randn(3, 1, 32, 32), torch.randn(3, 1, 32, 32)
    t = torch.tensor([3, 400, 999])
    h = torch.randn(3, 3, 52, dtype=torch.cfloat)
    with torch.no_grad():
        ref = u(x, t).sample
        out = cp(x, t, xh, torch.tensor([-5.0, 0.0, 15.0]), h, torch.tensor([0, 4, 10])).sample
    assert torch.equal(ref, out)


def test_conditions_reach_the_output_once_the_branch_opens():
    u, cp = _models()
    with torch.no_grad():
        for zc in cp.branch.zero_convs:
            torch.nn.init.normal_(zc.weight, std=0.1)
        torch.nn.init.normal_(cp.branch.csi[-1].weight, std=0.1)
        torch.nn.init.normal_(cp.branch.classes.weight, std=0.1)
    x, t, snr = torch.randn(2, 1, 32, 32), torch.tensor([100, 100]), torch.tensor([0.0, 0.0])
    with torch.no_grad():
        base = cp(x, t, torch.zeros_like(x), snr).sample
        assert not torch.allclose(base, cp(x, t, torch.ones_like(x), snr).sample)                  # x̂_JSCC
        assert not torch.allclose(base, cp(x, t, torch.zeros_like(x), snr + 10).sample)            # SNR
        assert not torch.allclose(base, cp(x, t, torch.zeros_like(x), snr, class_label=torch.tensor([3, 3])).sample)


def test_only_the_control_branch_trains():
    u, cp = _models()
    cp.train()
    x = torch.randn(2, 1, 32, 32)
    out = cp(x, torch.tensor([10, 20]), torch.randn_like(x), torch.tensor([1.0, 2.0])).sample
    out.pow(2).mean().backward()
    assert all(p.grad is None for p in u.parameters())
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in cp.branch.zero_convs.parameters())


def test_csi_features_shape_and_awgn_default():
    f = csi_features(None, 4)
    assert f.shape == (4, 128) and torch.all(f[:, :64] == 1) and torch.all(f[:, 64:] == 0)
    assert csi_features(torch.ones(4, 3, 52, dtype=torch.cfloat), 4).shape == (4, 128)
