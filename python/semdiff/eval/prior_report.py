"""``gr-semdiff eval prior``: is the image prior any good? FID and KID of DDIM samples against the
independent reference set (``realism.REFERENCE``) beside the clean floor, the share of broken samples
(``broken.BrokenCheck``) beside the clean rate, the share of one-way-facing samples that face the wrong way
(``orientation.MirrorCheck``) beside the clean rate, and a sample grid.

``--curve RUN_DIR …`` scores the EMA snapshots a training run kept (``train prior --snapshot-every``)
against the run's training wall time, for recipe A/B comparisons at equal wall-clock (PNG + JSON).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import torch
from diffusers import DDPMScheduler, UNet2DModel
from safetensors.torch import load_file
from tqdm import tqdm

from ..models.prior import EpsilonPrior, sample_prior
from ..models.zoo import load_classifier, load_image_prior
from .broken import BrokenCheck
from .grid import save_grid
from .metrics import FID_NAME
from .orientation import MirrorCheck
from .realism import SENT, TUNE, Realism, split


def score(prior, sched, n: int, steps: int, realism: Realism, check: BrokenCheck, seed: int = 0,
          progress: bool = True, mirror: MirrorCheck | None = None) -> tuple[dict, torch.Tensor]:
    x = sample_prior(prior, sched, n, steps=steps, seed=seed, progress=progress)
    return measure(x, realism, check, mirror), x


def measure(x: torch.Tensor, realism: Realism, check: BrokenCheck, mirror: MirrorCheck | None = None) -> dict:
    k, ks = realism.kid(x)
    out = {"fid_ref": realism.fid(x), "kid_ref": k, "kid_ref_std": ks, "broken": check.rate(x),
           "class_tv": realism.class_tv(x)}
    if mirror is not None:
        out["mirrored"] = mirror.rate(x)
    return out


def _snapshots(run_dir: Path):
    index = run_dir / "snapshots" / "index.jsonl"
    if not index.exists():
        raise SystemExit(f"gr-semdiff: error: --curve {run_dir}: no snapshots/index.jsonl "
                         f"(train with --snapshot-every N)")
    return [json.loads(line) for line in index.read_text().splitlines() if line.strip()]


def curve(run_dirs: list[Path], n: int, steps: int, realism: Realism, check: BrokenCheck, out: Path,
          every: int = 1) -> dict:
    """FID against training hours for each run's snapshots (architecture and schedule from the
    snapshot folder's own config)."""
    curves = {}
    for run in run_dirs:
        snaps = _snapshots(run)[::every]
        unet = UNet2DModel.from_config(UNet2DModel.load_config(run / "snapshots"))
        sched = DDPMScheduler.from_config(DDPMScheduler.load_config(run / "snapshots" / "scheduler"))
        pts = []
        for s in tqdm(snaps, desc=f"curve {run.name}", unit="snapshot"):
            unet.load_state_dict({**unet.state_dict(), **load_file(str(run / "snapshots" / s["file"]))})
            m, _ = score(EpsilonPrior(unet, sched).eval(), sched, n, steps, realism, check, progress=False)
            pts.append({**s, **m})
            print(f"  {run.name:10s} step {s['step']:6d}  {s['train_seconds'] / 3600:5.2f} h  FID {m['fid_ref']:8.2f}  "
                  f"KID {m['kid_ref']:.4f}  broken {100 * m['broken']:5.1f} %", flush=True)
        curves[run.name] = pts
    _plot(curves, out / "prior_curve.png", n, steps)
    (out / "prior_curve.json").write_text(json.dumps(curves, indent=2) + "\n")
    return curves


def _plot(curves: dict, path: Path, n: int, steps: int):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, pts in curves.items():
        ax.plot([p["train_seconds"] / 3600 for p in pts], [p["fid_ref"] for p in pts], "o-", label=name)
    ax.set_xlabel("training wall time (h, 2-core CPU)")
    ax.set_ylabel(f"{FID_NAME}\n{n} samples, DDIM {steps}")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(args) -> int:
    t0 = time.time()
    out = Path(args.out)
    clf = load_classifier()
    realism = Realism(clf)
    tune = split(TUNE)
    check = BrokenCheck(clf, tune[0])
    mirror = MirrorCheck(clf, *tune)
    clean = split(SENT, args.n)[0]
    floor = measure(clean, realism, check, mirror)
    print(f"gr-semdiff eval prior — {FID_NAME} and KID against {realism.n_reference} reference test images")
    print(f"  clean test images (floor), n={len(clean)}: FID {floor['fid_ref']:.2f}  KID {floor['kid_ref']:.4f}  "
          f"broken {100 * floor['broken']:.1f} %  mirrored {100 * floor['mirrored']:.1f} %  "
          f"class-share TV {floor['class_tv']:.3f}")
    report = {"floor": floor}
    if args.curve:
        report["curves"] = curve([Path(c) for c in args.curve], args.curve_n, args.curve_steps, realism, check, out,
                                 args.curve_every)
        print(f"  wrote {out / 'prior_curve.png'}")
    else:
        prior, sched = load_image_prior(args.prior, autoguide=not args.no_autoguide)
        w = getattr(prior, "weight", None)
        m, x = score(prior, sched, args.n, args.steps, realism, check, seed=args.seed, mirror=mirror)
        report["prior"] = {"name": str(args.prior), "samples": args.n, "ddim_steps": args.steps, "autoguidance": w, **m}
        tag = f"autoguided, w = {w:g}" if w else "unguided"
        cost = ", 2 network evaluations per step" if w else ""
        print(f"  {args.prior} ({tag}{cost}): {args.n} samples, DDIM {args.steps}: FID {m['fid_ref']:.2f} "
              f"({m['fid_ref'] / floor['fid_ref']:.1f}× floor)  KID {m['kid_ref']:.4f} ± {m['kid_ref_std']:.4f}  "
              f"broken {100 * m['broken']:.1f} %  mirrored {100 * m['mirrored']:.1f} %  class-share TV {m['class_tv']:.3f}")
        flags = check.flags(x[:64])["any"]
        grid = save_grid(x[:64], out / "prior_samples.png",
                         title=f"{args.prior} ({tag}): 64 of {args.n} DDIM-{args.steps} samples"
                         f" ({int(flags.sum())} flagged broken)",
                         captions=["BROKEN" if f else "" for f in flags.tolist()])
        print(f"  wrote {grid}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "prior_report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"  ({time.time() - t0:.0f} s)")
    return 0
