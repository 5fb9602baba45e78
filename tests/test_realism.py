"""Realism metrics against the independent reference split, and the broken-sample check."""
import json

import torch

from gnuradio.semdiff.eval.broken import BrokenCheck
from gnuradio.semdiff.eval.realism import REFERENCE, SENT, TUNE, Realism, split
from gnuradio.semdiff.models.zoo import load_classifier


def test_splits_are_disjoint_and_cover_the_test_set():
    parts = sorted([SENT, TUNE, REFERENCE], key=lambda s: s.start)
    assert parts[0].start == 0 and parts[-1].stop == 10000
    assert all(a.stop == b.start for a, b in zip(parts, parts[1:]))


def test_clean_images_score_near_the_floor_and_noise_far_above():
    clf = load_classifier()
    r = Realism(clf)
    clean, labels = split(SENT, 500)
    noisy = (clean + 0.5 * torch.randn(clean.shape, generator=torch.Generator().manual_seed(0))).clamp(-1, 1)
    f_clean, f_noisy = r.fid(clean), r.fid(noisy)
    assert f_clean < 40 and f_noisy > 5 * f_clean
    k_clean, _ = r.kid(clean)
    k_noisy, _ = r.kid(noisy)
    assert k_noisy > 10 * max(k_clean, 1e-4)
    assert r.kid(noisy) == r.kid(noisy)            # the same subsets every call: rows of a table comparable
    assert r.accuracy(clean, labels) > 0.85 and r.accuracy(noisy, labels) < r.accuracy(clean, labels)
    assert r.fid(torch.full_like(clean, float("nan"))) != r.fid(torch.full_like(clean, float("nan")))  # NaN


def test_broken_check_flags_speckle_and_blobs_not_clean_images():
    clf = load_classifier()
    check = BrokenCheck(clf, split(TUNE)[0])
    clean = split(SENT, 1000)[0]
    assert check.rate(clean) < 0.03          # the check's floor: 0.5 % tails on three statistics
    g = torch.Generator().manual_seed(1)
    speckle = clean[:200].clone()
    mask = torch.rand(speckle.shape, generator=g) < 0.08
    speckle[mask] = torch.where(torch.rand(speckle.shape, generator=g) < 0.5, -1.0, 1.0)[mask]
    assert check.rate(speckle) > 0.9
    yy, xx = torch.meshgrid(torch.arange(32.0), torch.arange(32.0), indexing="ij")
    blobs = torch.stack([torch.where(((yy - 16 - 4 * torch.randn(1, generator=g)) ** 2 + (xx - 16) ** 2) < 120,
                                     1.0, -1.0)[None] for _ in range(100)])
    flags = check.flags(blobs)
    assert float(flags["any"].float().mean()) > 0.9
    assert torch.isnan(clean[:2] * float("nan")).all() and check.flags(clean[:2] * float("nan"))["any"].all()


def test_eval_prior_reports_floor_and_samples(tmp_path, capsys):
    from gnuradio.semdiff.cli import main
    assert main(["eval", "prior", "--n", "20", "--steps", "2", "--out", str(tmp_path)]) == 0
    rep = json.loads((tmp_path / "prior_report.json").read_text())
    assert rep["floor"]["fid_ref"] < rep["prior"]["fid_ref"]      # 2 DDIM steps cannot match clean images
    assert 0 <= rep["prior"]["broken"] <= 1
    assert (tmp_path / "prior_samples.png").stat().st_size > 1000
    assert "floor" in capsys.readouterr().out


def test_mirror_check_sees_backward_shoes_not_clean_images():
    from gnuradio.semdiff.eval.orientation import MirrorCheck
    clf = load_classifier()
    check = MirrorCheck(clf, *split(TUNE))
    # footwear (5 sandal, 7 sneaker, 9 ankle boot) faces one way; tops and trousers are symmetric
    assert all(bool(check.oriented[c]) for c in (5, 7, 9)) and not bool(check.oriented[1])
    clean = split(SENT, 1000)[0]
    assert check.rate(clean) < 0.1
    assert check.rate(clean.flip(-1)) > 0.9
    half = torch.cat([clean[:500], clean[500:].flip(-1)])
    assert 0.3 < check.rate(half) < 0.7


def test_class_tv_sees_a_class_imbalance():
    r = Realism(load_classifier())
    clean, labels = split(SENT, 1000)
    assert r.class_tv(clean) < 0.05
    one_class = clean[labels == 1]                    # trousers only: 90 % of the mass is misplaced
    assert r.class_tv(one_class) > 0.8
