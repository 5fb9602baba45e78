"""An automatic check for broken generated images (issue [5 of 10]: "at most 1 sample in 20").

A sample is *broken* when any of three statistics falls outside the range that clean test images
span (their 0.5 % … 99.5 % quantiles, measured on ``TUNE`` images):

- high-frequency energy: mean squared response of the 3×3 Laplacian — salt-and-pepper speckle and
  noise left by an unfinished reverse process push it up;
- bright-pixel fraction: share of pixels above 0.9 in [-1, 1] — saturated blobs push it up;
- classifier confidence: the metric network's top softmax probability — shapes that are no garment
  push it down;
- feature-space isolation: distance of the image's metric-network features to their 3rd nearest
  clean neighbour (the realism score of Kynkäänniemi et al. 2019 in spirit) — blotchy or saturated
  objects that still look "garment-like" to the classifier sit far from every real one.

With 0.5 % tails on four statistics, about 1–2 % of clean images are flagged: that rate is the
check's floor and is printed beside every sample rate it is compared with.
"""
from __future__ import annotations

import torch

from ..models.classifier import FashionClassifier

_LAPLACE = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)
NAMES = ("hf_energy", "bright_fraction", "confidence", "isolation")
K_NEIGHBOUR = 3


@torch.no_grad()
def _features(x: torch.Tensor, clf: FashionClassifier) -> tuple[torch.Tensor, torch.Tensor]:
    logits, feats = [], []
    for i in range(0, len(x), 1000):
        f = clf.embed(x[i:i + 1000])
        feats.append(f)
        logits.append(clf.head(f))
    return torch.cat(logits), torch.cat(feats)


@torch.no_grad()
def statistics(x: torch.Tensor, clf: FashionClassifier, bank: torch.Tensor | None = None,
               leave_one_out: bool = False) -> dict[str, torch.Tensor]:
    x = torch.nan_to_num(x.clamp(-1, 1).float())
    lap = torch.nn.functional.conv2d(x.mean(1, keepdim=True), _LAPLACE, padding=1)
    logits, feats = _features(x, clf)
    out = {"hf_energy": lap.pow(2).mean(dim=(1, 2, 3)), "bright_fraction": (x > 0.9).float().mean(dim=(1, 2, 3)),
           "confidence": logits.softmax(1).amax(1), "features": feats}
    if bank is not None:
        d = torch.cdist(feats, bank)
        out["isolation"] = d.topk(K_NEIGHBOUR + int(leave_one_out), dim=1, largest=False).values[:, -1]
    return out


class BrokenCheck:
    def __init__(self, clf: FashionClassifier, clean: torch.Tensor, tail: float = 0.005):
        self.clf = clf.eval()
        s = statistics(clean, self.clf)
        self.bank = s["features"]
        iso = statistics(clean, self.clf, self.bank, leave_one_out=True)["isolation"]
        q = lambda v, p: float(torch.quantile(v.double(), p))
        self.bounds = {"hf_energy": (None, q(s["hf_energy"], 1 - tail)),
                       "bright_fraction": (None, q(s["bright_fraction"], 1 - tail)),
                       "confidence": (q(s["confidence"], tail), None),
                       "isolation": (None, q(iso, 1 - tail))}

    def flags(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Per statistic, which images fall outside the clean range; ``any`` combines them."""
        s = statistics(x, self.clf, self.bank)
        out = {}
        for name, (lo, hi) in self.bounds.items():
            bad = torch.zeros(len(x), dtype=torch.bool)
            if lo is not None:
                bad |= s[name] < lo
            if hi is not None:
                bad |= s[name] > hi
            out[name] = bad
        out["any"] = torch.stack([out[n] for n in NAMES]).any(0) | ~torch.isfinite(x).flatten(1).all(1)
        return out

    def rate(self, x: torch.Tensor) -> float:
        return float(self.flags(x)["any"].float().mean())
