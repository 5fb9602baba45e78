"""Realism measured against an independent reference set, never against the images that were sent.

Fashion-MNIST's test split is partitioned once, here, so no evaluation sends an image it also scores
against or tunes on:

- ``SENT``: test[0:5000] — the images evaluations transmit (``--n`` takes the first n);
- ``TUNE``: test[5000:6000] — held-out images for choosing hyper-parameters (ζ, γ, τ, β);
- ``REFERENCE``: test[6000:10000] — the reference distribution for FID and KID (4000 images).

FID computed against the sent images themselves ("paired") mostly rewards matching each original at
n = 100: two disjoint sets of 100 clean test images score ≈ 386 on it. Against ``REFERENCE``, the
clean originals of the sent images give the *floor* that every table prints beside the decoders.
"""
from __future__ import annotations

import torch
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.kid import KernelInceptionDistance

from ..data import load_dataset
from ..models.classifier import FashionClassifier
from .metrics import FeatureExtractor, _01

SENT = slice(0, 5000)
TUNE = slice(5000, 6000)
REFERENCE = slice(6000, 10000)


def split(part: slice, n: int | None = None):
    """(images, labels) of one part of the test split; the first ``n`` of it."""
    test = load_dataset("fashion-mnist", "test")
    stop = part.stop if n is None else min(part.stop, part.start + n)
    return test.images[part.start:stop], test.labels[part.start:stop]


@torch.no_grad()
def predict(clf: FashionClassifier, x: torch.Tensor) -> torch.Tensor:
    """The metric network's class for each image, in chunks of 1000 (one place for accuracy, class
    shares and the orientation check)."""
    return torch.cat([clf(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])


class Realism:
    """FID, KID and classifier accuracy of image sets against one fixed reference set, whose features
    are extracted once (torchmetrics keeps them across ``reset``)."""

    def __init__(self, clf: FashionClassifier, reference: torch.Tensor | None = None, kid_subset: int = 100):
        self.clf = clf.eval()
        ref = split(REFERENCE)[0] if reference is None else reference
        feat = FeatureExtractor(self.clf)
        size = (clf.cfg.channels, clf.cfg.image_size, clf.cfg.image_size)
        self._fid = FrechetInceptionDistance(feature=feat, normalize=True, reset_real_features=False,
                                             input_img_size=size)
        self._kid_subset = kid_subset
        self._ref = ref
        self._ref_shares = None
        with torch.no_grad():
            for i in range(0, len(ref), 1000):
                self._fid.update(_01(ref[i:i + 1000]), real=True)
        self.n_reference = len(ref)

    @torch.no_grad()
    def fid(self, x: torch.Tensor) -> float:
        if not torch.isfinite(x).all():
            return float("nan")
        self._fid.reset()
        for i in range(0, len(x), 1000):
            self._fid.update(_01(x[i:i + 1000]), real=False)
        return float(self._fid.compute())

    @torch.no_grad()
    def kid(self, x: torch.Tensor) -> tuple[float, float]:
        """KID mean and std over subsets (unbiased at any n, unlike FID)."""
        if not torch.isfinite(x).all():
            return float("nan"), float("nan")
        sub = min(self._kid_subset, len(x), self.n_reference)
        m = KernelInceptionDistance(feature=FeatureExtractor(self.clf), normalize=True, subset_size=sub)
        m.update(_01(self._ref), real=True)
        m.update(_01(x), real=False)
        with torch.random.fork_rng():      # KID's random subsets: the same draw for every row of a table
            torch.manual_seed(0)
            mean, std = m.compute()
        return float(mean), float(std)

    @torch.no_grad()
    def accuracy(self, x: torch.Tensor, labels: torch.Tensor) -> float:
        return float((predict(self.clf, x) == labels).float().mean())

    @torch.no_grad()
    def class_tv(self, x: torch.Tensor) -> float:
        """Total-variation distance between the classifier's class shares on ``x`` and on the reference
        set: tells a class imbalance (a prior that favours trousers) apart from a texture gap."""
        def shares(images):
            return torch.bincount(predict(self.clf, images), minlength=self.clf.cfg.n_classes).double() / len(images)
        if self._ref_shares is None:
            self._ref_shares = shares(self._ref)
        return 0.5 * float((shares(torch.nan_to_num(x)) - self._ref_shares).abs().sum())

    def scores(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> dict:
        k, ks = self.kid(x)
        out = {"fid_ref": self.fid(x), "kid_ref": k, "kid_ref_std": ks}
        if labels is not None:
            out["accuracy"] = self.accuracy(x, labels)
        return out
