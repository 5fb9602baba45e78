"""Linear degradations for null-space sampling (SING-Zero, SING §IV-B; DDNM, Wang et al. 2023): each is an
object with ``A`` (what the degradation keeps), ``At`` (its adjoint) and ``A_pinv`` (a pseudo-inverse,
A·A_pinv·A = A), as in DDNM's code — the sampler sees only these three.

  avgpool(f): mean over f×f blocks; A_pinv replicates each value over its block (A·A_pinv = I).
  blur(σ):    circular Gaussian blur whose negligible frequencies (gain ≤ cut) are cut to exactly 0, so
              the operator has a true null space; A_pinv divides by the gain on the kept frequencies —
              the exact pseudo-inverse of that circulant operator.
Images are (B, C, H, W) tensors; H and W divisible by f for avgpool.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class Degradation:
    name = "identity"

    def A(self, x):
        return x

    def At(self, y):
        return y

    def A_pinv(self, y):
        return y

    def project_null(self, x):
        """(I − A_pinv A) x: the part of x the measurement says nothing about."""
        return x - self.A_pinv(self.A(x))


class AvgPool(Degradation):
    def __init__(self, factor: int):
        if not isinstance(factor, int) or factor < 1:
            raise ValueError(f"avgpool factor must be an integer >= 1, got {factor!r}")
        self.f = factor
        self.name = f"avgpool{factor}"

    def A(self, x):
        return x if self.f == 1 else F.avg_pool2d(x, self.f)

    def At(self, y):
        return y if self.f == 1 else F.interpolate(y, scale_factor=self.f, mode="nearest") / self.f ** 2

    def A_pinv(self, y):
        return y if self.f == 1 else F.interpolate(y, scale_factor=self.f, mode="nearest")


class GaussianBlur(Degradation):
    def __init__(self, sigma: float, cut: float = 1e-2):
        if not (isinstance(sigma, (int, float)) and math.isfinite(sigma) and sigma > 0):
            raise ValueError(f"blur sigma must be > 0, got {sigma!r}")
        self.sigma, self.cut = float(sigma), float(cut)
        self.name = f"blur{sigma:g}"
        self._H: dict[tuple[int, int], torch.Tensor] = {}

    def _filter(self, h: int, w: int) -> torch.Tensor:
        if (h, w) not in self._H:
            fy, fx = torch.fft.fftfreq(h).reshape(-1, 1), torch.fft.rfftfreq(w).reshape(1, -1)
            # the transform of a unit-sum periodic Gaussian of std σ pixels: exp(−2π²σ²f²), real and even
            H = torch.exp(-2 * math.pi ** 2 * self.sigma ** 2 * (fy ** 2 + fx ** 2))
            self._H[(h, w)] = torch.where(H > self.cut, H, torch.zeros_like(H))
        return self._H[(h, w)]

    def _apply(self, x, gain):
        X = torch.fft.rfft2(x)
        return torch.fft.irfft2(X * gain, s=x.shape[-2:])

    def A(self, x):
        return self._apply(x, self._filter(*x.shape[-2:]))

    def At(self, y):
        return self.A(y)            # a real, even filter is its own adjoint

    def A_pinv(self, y):
        H = self._filter(*y.shape[-2:])
        return self._apply(y, torch.where(H > 0, 1 / H.clamp_min(self.cut), torch.zeros_like(H)))


def make_degradation(spec: str) -> Degradation:
    """'avgpool4', 'blur1.5', 'identity' → the operator."""
    if spec == "identity":
        return Degradation()
    if spec.startswith("avgpool") and spec[7:].isdigit():
        return AvgPool(int(spec[7:]))
    if spec.startswith("blur"):
        try:
            return GaussianBlur(float(spec[4:]))
        except ValueError:
            pass
    raise ValueError(f"unknown degradation {spec!r}: use avgpoolN, blurSIGMA or identity")
