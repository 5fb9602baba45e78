"""An orientation check for generated images: how many samples of a one-way-facing class face the
wrong way?

Fashion-MNIST's footwear faces one way (over 90 % of sandals, sneakers and ankle boots in the test
split point their toe the same side). A prior trained with left-right flips learns both directions,
the classifier (trained with flips itself) still names the shoe, so neither FID's class term nor the
broken check sees it — yet each backward shoe is a sample no real image resembles. The check:

- on clean reference images, each class's mean image m_c; a class is *oriented* when at least
  ``min_agree`` of its images correlate better with m_c than with its mirror image (clean tops and
  trousers are symmetric and drop out, footwear and bags stay in);
- a sample predicted (by the metric network) as an oriented class c is *mirrored* when it correlates
  better with mirror(m_c) than with m_c.

The clean images' own mirrored rate is the check's floor and is printed beside every sample rate.
"""
from __future__ import annotations

import torch

from ..models.classifier import FashionClassifier
from .realism import predict


def _corr(x: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """Pearson correlation of each image in ``x`` (N, …) with the matching template in ``m`` (N, …)."""
    x = x.flatten(1) - x.flatten(1).mean(1, keepdim=True)
    m = m.flatten(1) - m.flatten(1).mean(1, keepdim=True)
    return (x * m).sum(1) / (x.norm(dim=1) * m.norm(dim=1)).clamp_min(1e-12)


class MirrorCheck:
    def __init__(self, clf: FashionClassifier, clean: torch.Tensor, labels: torch.Tensor, min_agree: float = 0.8):
        self.clf = clf.eval()
        n_cls = int(labels.max()) + 1
        self.means = torch.stack([clean[labels == c].float().mean(0) for c in range(n_cls)])
        m = self.means[labels]
        faces = _corr(clean, m) > _corr(clean, m.flip(-1))
        share = torch.stack([faces[labels == c].float().mean() for c in range(n_cls)])
        self.oriented = share >= min_agree
        if not bool(self.oriented.any()):
            raise ValueError(f"MirrorCheck: no class has {min_agree:.0%} of its images facing one way")

    @torch.no_grad()
    def flags(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(counted, mirrored): which samples were predicted as an oriented class, and which of those
        face the other way."""
        x = torch.nan_to_num(x.float())
        pred = predict(self.clf, x)
        counted = self.oriented[pred]
        m = self.means[pred]
        mirrored = counted & (_corr(x, m.flip(-1)) > _corr(x, m))
        return counted, mirrored

    def rate(self, x: torch.Tensor) -> float:
        """Share of the oriented-class samples that face the wrong way (NaN when there are none)."""
        counted, mirrored = self.flags(x)
        return float(mirrored.sum() / counted.sum()) if bool(counted.any()) else float("nan")
