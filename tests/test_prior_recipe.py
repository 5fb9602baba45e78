"""The prior's parametrizations: v-prediction seen as ε by every decoder, and the min-SNR-γ loss."""
import pytest
import torch
from diffusers.models.unets.unet_2d import UNet2DOutput

from gnuradio.semdiff.models.prior import EpsilonPrior, load_prior, make_scheduler, make_unet, save_prior
from gnuradio.semdiff.train.prior import diffusion_loss


class Oracle(torch.nn.Module):
    """Predicts what a network trained to perfection on one (x0, ε) pair would, with x̂0 = x0 + δ."""

    def __init__(self, x0, eps, acp, prediction, delta=0.0):
        super().__init__()
        self.x0, self.eps, self.acp, self.prediction, self.delta = x0, eps, acp, prediction, delta

    def forward(self, xt, t):
        a = self.acp[t].float().view(-1, 1, 1, 1)
        x0h = self.x0 + self.delta
        eps_h = (xt - a.sqrt() * x0h) / (1 - a).sqrt()        # the ε consistent with x̂0 and x_t
        out = eps_h if self.prediction == "epsilon" else a.sqrt() * eps_h - (1 - a).sqrt() * x0h
        return UNet2DOutput(sample=out)


def test_v_prediction_is_converted_to_epsilon():
    sched = make_scheduler("v_prediction")
    acp = sched.alphas_cumprod
    x0, eps = torch.rand(3, 1, 8, 8) * 2 - 1, torch.randn(3, 1, 8, 8)
    t = torch.tensor([5, 400, 990])
    a = acp[t].view(-1, 1, 1, 1)
    xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
    prior = EpsilonPrior(Oracle(x0, eps, acp, "v_prediction"), sched)
    assert torch.allclose(prior(xt, t).sample, eps, atol=1e-4)
    # ε-prediction passes through untouched
    plain = EpsilonPrior(Oracle(x0, eps, acp, "epsilon"), make_scheduler("epsilon"))
    assert torch.allclose(plain(xt, t).sample, eps, atol=1e-4)


@pytest.mark.parametrize("prediction", ["epsilon", "v_prediction"])
def test_min_snr_loss_weights_x0_error_by_clamped_snr(prediction):
    acp = make_scheduler(prediction).alphas_cumprod
    x0 = torch.rand(4096, 1, 2, 2) * 2 - 1
    delta, gamma = 0.1, 5.0
    # the same draws as the loss makes: t, then ε, from one generator
    g = torch.Generator().manual_seed(0)
    t = torch.randint(0, len(acp), (x0.shape[0],), generator=g)
    eps = torch.randn(x0.shape, generator=g)
    oracle = Oracle(x0, eps, acp, prediction, delta)
    got = diffusion_loss(oracle, x0, acp, prediction, gamma, generator=torch.Generator().manual_seed(0))
    snr = acp[t].float() / (1 - acp[t].float())
    want = (snr.clamp(max=gamma) * delta ** 2).mean()
    assert torch.isclose(got, want, rtol=1e-3), (got, want)
    perfect = diffusion_loss(Oracle(x0, eps, acp, prediction), x0, acp, prediction, gamma,
                             generator=torch.Generator().manual_seed(0))
    assert perfect < 1e-8


def test_saved_v_prior_reloads_as_epsilon_predictor(tmp_path):
    torch.manual_seed(0)
    unet = make_unet(16, 1, widths=(8, 16, 16), layers_per_block=2)
    sched = make_scheduler("v_prediction")
    save_prior(tmp_path / "p", unet, sched)
    loaded, s2 = load_prior(tmp_path / "p")
    assert s2.config.prediction_type == "v_prediction"
    x, t = torch.randn(2, 1, 16, 16), torch.tensor([10, 700])
    a = sched.alphas_cumprod[t].view(-1, 1, 1, 1)
    want = a.sqrt() * unet(x, t).sample + (1 - a).sqrt() * x
    assert torch.allclose(loaded(x, t).sample, want, atol=1e-5)
    with pytest.raises(ValueError, match="prediction_type"):
        make_scheduler("sample")
