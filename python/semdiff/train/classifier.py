"""``gr-semdiff train classifier``: the metric feature net (cross-entropy, flip/shift augmentation)."""
from __future__ import annotations

from pathlib import Path

import torch

from ..data import load_dataset
from ..models.classifier import ClassifierConfig, FashionClassifier
from ..models.store import register, save_state
from .loop import Run, infinite_batches


def train_classifier(out: Path, run_dir: Path, data: str = "fashion-mnist", steps: int = 3000, batch: int = 128,
                     lr: float = 2e-3, seed: int = 0, resume: bool = False, ckpt_every: int = 500,
                     command: str = "") -> Run:
    ds = load_dataset(data, "train")
    cfg = ClassifierConfig(channels=ds.channels if hasattr(ds, "channels") else 1)
    clf = FashionClassifier(cfg)
    run = Run(run_dir, clf, steps, lr=lr, ckpt_every=ckpt_every, seed=seed, weight_decay=5e-4)
    if resume and run.resume():
        print(f"resumed {run_dir} at step {run.step}")

    def loss_fn(b, step):
        x, y = b
        flip = torch.rand(x.shape[0]) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)
        dx, dy = torch.randint(-2, 3, (2,)).tolist()
        x = torch.roll(x, shifts=(dx, dy), dims=(2, 3))
        return torch.nn.functional.cross_entropy(clf(x), y)

    def export(r: Run):
        files = save_state(out, clf, cfg.to_dict(), kind="classifier")
        register(files, command or "gr-semdiff train classifier", directory=Path(out).parent, step=r.step,
                 kind="classifier")

    run.fit(loss_fn, infinite_batches(ds, batch, seed, run.step), desc="classifier", on_checkpoint=export)
    return run


def main(args, out_root: Path, run_root: Path, command: str):
    name = args.name   # cli: default_name
    train_classifier(out_root / name, run_root / name, data=args.data, steps=args.steps or 3000,
                     batch=args.batch or 128, lr=args.lr or 2e-3, seed=args.seed, resume=args.resume,
                     ckpt_every=args.ckpt_every or 500, command=command)
