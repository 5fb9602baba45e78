"""Fashion-MNIST classifier whose features drive the perceptual metrics.

Its penultimate layer (256-d) replaces Inception in FID/KID (torchmetrics with ``feature=nn.Module``)
— Inception weights cannot be downloaded here and are a poor fit for 32×32 grayscale anyway — and its
multi-layer activations give an LPIPS-style perceptual distance. Every output names them as
"FID (Fashion-MNIST features)" etc., never as the Inception/LPIPS numbers papers report.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ClassifierConfig:
    channels: int = 1
    image_size: int = 32
    n_classes: int = 10
    width: int = 32
    feature_dim: int = 256

    def to_dict(self):
        return asdict(self)


def _stage(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())


class FashionClassifier(nn.Module):
    def __init__(self, cfg: ClassifierConfig = ClassifierConfig()):
        super().__init__()
        w = cfg.width
        self.cfg = cfg
        self.stages = nn.ModuleList([_stage(cfg.channels, w), _stage(w, 2 * w), _stage(2 * w, 4 * w)])
        self.pool = nn.MaxPool2d(2)
        side = cfg.image_size // 8
        self.features = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(4 * w * side * side, cfg.feature_dim),
                                      nn.ReLU())
        self.head = nn.Linear(cfg.feature_dim, cfg.n_classes)

    def activations(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Per-stage feature maps (before pooling), for the perceptual distance."""
        acts = []
        for stage in self.stages:
            x = stage(x)
            acts.append(x)
            x = self.pool(x)
        return acts

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        for stage in self.stages:
            h = self.pool(stage(h))
        return self.features(h)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x))
