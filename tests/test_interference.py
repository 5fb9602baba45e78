"""Interference injection (ICDM eq. (1)) and Lemma 1 / JCG (eqs. (3), (38)) against direct computation."""
import math

import pytest
import torch

from gnuradio.semdiff.interference.inject import inject, interference_power
from gnuradio.semdiff.interference.lemma1 import EqualizedModel, jcg, to_complex, to_real, zeta
from gnuradio.semdiff.phy.channels import crandn
from gnuradio.semdiff.phy.interferers import WAVEFORMS


@pytest.mark.parametrize("fading", ["rayleigh", "awgn"])
@pytest.mark.parametrize("sinr_db", [-7.0, 0.0, 7.0])
@pytest.mark.parametrize("cls", ["qpsk", "16qam", "ofdm", "tone", "chirp", "gaussian"])
def test_injection_hits_requested_sinr(fading, sinr_db, cls):
    g = torch.Generator().manual_seed(0)
    x = crandn(400, 256, generator=g)
    z = WAVEFORMS[cls](400, 256, generator=g)
    r = inject(x, z, sinr_db, 20.0, fading, generator=g)
    signal = (r.h_x * x).abs().pow(2).mean()
    noise = (r.y - r.h_x * x - r.interference).abs().pow(2).mean()
    measured = 10 * math.log10(float(signal / (r.interference.abs().pow(2).mean() + noise)))
    assert abs(measured - sinr_db) < 0.2, measured


def test_unreachable_sinr_is_refused():
    with pytest.raises(ValueError, match="SINR"):
        interference_power(25.0, 20.0)


def test_lemma1_reproduces_the_equalized_signal():
    """MMSE-equalized y equals √P_x W_x x + √P_z W_z z + (equalized noise)."""
    g = torch.Generator().manual_seed(1)
    x_c, z_c = crandn(4, 64, generator=g), crandn(4, 64, generator=g)
    r = inject(x_c, z_c, 0.0, 20.0, "rayleigh", generator=g)
    m = EqualizedModel(r.h_x, r.sigma2, 1.0, r.p_z)
    y = m.equalize(r.y)
    noise_c = r.y - r.h_x * x_c - r.interference
    want = m.mean(to_real(x_c), to_real(r.h_z * z_c)) + to_real(r.h_x.conj() / (r.h_x.abs() ** 2 + r.sigma2) * noise_c)
    assert torch.allclose(y, want, atol=1e-5)


@pytest.mark.parametrize("fading", ["rayleigh", "awgn"])
def test_jcg_matches_autograd_of_gaussian_log_likelihood(fading):
    g = torch.Generator().manual_seed(2)
    k = 16
    h = crandn(3, k, generator=g) if fading == "rayleigh" else None
    m = EqualizedModel(h, 0.05, 1.0, 0.7)
    y = torch.randn(3, 2 * k, generator=g)
    x = torch.randn(3, 2 * k, generator=g, requires_grad=True)
    z = torch.randn(3, 2 * k, generator=g, requires_grad=True)
    zt = float(zeta(0.6))
    # log N(y; ζ W v, σ²/2 W_n²), scaled by σ²/2 (the constant ICDM folds into β, γ)
    theta = m.sigma2 / 2 * (m.wn2() if h is not None else torch.ones(3, 2 * k))
    ll = -0.5 * ((y - zt * m.mean(x, z)) ** 2 / theta).sum() * (m.sigma2 / 2)
    gx_auto, gz_auto = torch.autograd.grad(ll, (x, z))
    gx, gz = jcg(m, y, x.detach(), z.detach(), zt)
    assert torch.allclose(gx, gx_auto, rtol=1e-4, atol=1e-5)
    assert torch.allclose(gz, gz_auto, rtol=1e-4, atol=1e-5)


def test_real_complex_round_trip():
    c = crandn(2, 8)
    assert torch.equal(to_complex(to_real(c)), c)


@pytest.mark.parametrize("fading", ["none", "rayleigh"])
def test_every_injector_class_has_a_shipped_interference_prior(fading):
    from gnuradio.semdiff.blocks.interference import CLASSES
    from gnuradio.semdiff.interference.names import interference_prior_name
    from gnuradio.semdiff.models.zoo import load_symbol_prior
    for cls in CLASSES:
        net = load_symbol_prior(interference_prior_name(cls, fading))
        assert net.cfg.fading == fading
        expected = "jscc-pair" if cls == "jscc" else cls
        if fading == "rayleigh" and cls in ("qpsk", "tone", "chirp"):
            expected = "qpsk"      # faded constant-modulus interferers are all CN(0, 1)
        assert net.cfg.source == expected
