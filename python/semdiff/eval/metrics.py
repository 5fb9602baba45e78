"""Image-quality metrics: PSNR, SSIM, MS-SSIM from torchmetrics; FID and KID from torchmetrics with our
Fashion-MNIST feature net; an LPIPS-style distance over the same net's multi-layer features.

Images are float tensors in [-1, 1], shape (B, C, H, W).
"""
from __future__ import annotations

import torch
from torch import nn
from torchmetrics.image import (MultiScaleStructuralSimilarityIndexMeasure, PeakSignalNoiseRatio,
                                StructuralSimilarityIndexMeasure)
# imported from their modules: the package namespace only exports them when torch-fidelity (Inception
# weights, which cannot be downloaded here) is installed; with our own feature net it is not needed
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.kid import KernelInceptionDistance

from ..models.classifier import FashionClassifier

FID_NAME = "FID (Fashion-MNIST features)"
KID_NAME = "KID (Fashion-MNIST features)"
PERCEPTUAL_NAME = "perceptual distance (Fashion-MNIST features, LPIPS-style)"


def _01(x: torch.Tensor) -> torch.Tensor:
    return ((x.clamp(-1, 1) + 1) / 2).float()


def psnr(x: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    """Per-image PSNR (dB) with data range [0, 1]."""
    m = PeakSignalNoiseRatio(data_range=1.0, reduction="none", dim=(1, 2, 3))
    return m(_01(x), _01(ref))


def ssim(x: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    m = StructuralSimilarityIndexMeasure(data_range=1.0, reduction="none")
    return m(_01(x), _01(ref))


def ms_ssim(x: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    """MS-SSIM with 3 scales and a 3×3 kernel: 32×32 images are too small for the default 5 scales."""
    m = MultiScaleStructuralSimilarityIndexMeasure(data_range=1.0, reduction="none", kernel_size=3,
                                                   betas=(0.0448, 0.2856, 0.3001))
    return m(_01(x), _01(ref))


class FeatureExtractor(nn.Module):
    """torchmetrics feature hook: [0, 1] or uint8 images -> 256-d penultimate features."""

    def __init__(self, clf: FashionClassifier):
        super().__init__()
        self.clf = clf.eval()
        self.num_features = clf.cfg.feature_dim

    @torch.no_grad()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.float() / 255.0 if x.dtype == torch.uint8 else x.float()
        return self.clf.embed(x * 2 - 1).double()


def _feature_metric(cls, clf, **kw):
    return cls(feature=FeatureExtractor(clf), normalize=True, input_img_size=(clf.cfg.channels,
               clf.cfg.image_size, clf.cfg.image_size), **kw)


@torch.no_grad()
def fid(real: torch.Tensor, fake: torch.Tensor, clf: FashionClassifier, batch: int = 500) -> float:
    """FID (Fashion-MNIST features); NaN when ``fake`` holds non-finite pixels (a diverged sampler), which
    would otherwise reach LAPACK's eigen-solver and abort the process."""
    if not torch.isfinite(fake).all():
        return float("nan")
    m = _feature_metric(FrechetInceptionDistance, clf)
    for i in range(0, len(real), batch):
        m.update(_01(real[i:i + batch]), real=True)
    for i in range(0, len(fake), batch):
        m.update(_01(fake[i:i + batch]), real=False)
    return float(m.compute())


@torch.no_grad()
def kid(real: torch.Tensor, fake: torch.Tensor, clf: FashionClassifier, subset_size: int = 50) -> tuple[float, float]:
    m = _feature_metric(KernelInceptionDistance, clf, subset_size=min(subset_size, len(real), len(fake)))
    m.update(_01(real), real=True)
    m.update(_01(fake), real=False)
    mean, std = m.compute()
    return float(mean), float(std)


@torch.no_grad()
def perceptual(x: torch.Tensor, ref: torch.Tensor, clf: FashionClassifier) -> torch.Tensor:
    """Per-image LPIPS-style distance: channel-normalised activations of each stage, squared difference
    averaged over space and channels, averaged over stages (uniform weights; no learned calibration)."""
    clf.eval()
    dists = []
    for a, b in zip(clf.activations(x.float()), clf.activations(ref.float())):
        a = a / (a.norm(dim=1, keepdim=True) + 1e-10)
        b = b / (b.norm(dim=1, keepdim=True) + 1e-10)
        dists.append((a - b).pow(2).sum(dim=1).mean(dim=(1, 2)))
    return torch.stack(dists).mean(dim=0)
