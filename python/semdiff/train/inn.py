"""``gr-semdiff train inn``: SING-INN's conditional INN on (x, x̂_JSCC) pairs, loss (16): the coarse part c
matches the DeepJSCC reconstruction at its resolution (the Haar low band, 2 × the 2×2 mean). Pairs come
from the shipped codecs through their own links (AWGN codecs over AWGN, OFDM codecs through the
multipath OFDM link), SNR ~ U[−5, 5] dB (SING §V), a codec drawn per batch; the condition is (SNR, CBR)."""
from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import load_dataset
from ..models.inn import CondINN, INNConfig
from ..models.store import register, save_state
from .jscc_pairs import CODECS, codec_links, pairs
from .loop import Run, infinite_batches


def train_inn(out: Path, run_dir: Path, data: str = "fashion-mnist", steps: int = 3000, batch: int = 64,
              lr: float = 5e-4, seed: int = 0, resume: bool = False, ckpt_every: int = 500, command: str = "",
              snr_min: float = -5.0, snr_max: float = 5.0, codecs=CODECS) -> Run:
    cfg = INNConfig()
    net = CondINN(cfg)
    links = codec_links(codecs)
    run = Run(run_dir, net, steps, lr=lr, ckpt_every=ckpt_every, seed=seed)
    if resume and run.resume():
        print(f"resumed {run_dir} at step {run.step}")

    def loss_fn(b, step):
        x = b[0]
        _, codec, link = links[step % len(links)]
        snr = snr_min + (snr_max - snr_min) * torch.rand(x.shape[0])
        xh = pairs(x, codec, link, snr)
        c, _ = net(x, CondINN.condition(snr, codec.cfg.cbr, len(x)))
        return F.mse_loss(c, 2 * F.avg_pool2d(xh, 2))                 # loss (16)

    def export(r: Run):
        files = save_state(out, net,
                           {**cfg.to_dict(), "snr_range_db": [snr_min, snr_max], "codecs": list(codecs)}, kind="inn")
        register(files, command or "gr-semdiff train inn", directory=Path(out).parent, step=r.step, kind="inn")

    run.fit(loss_fn, infinite_batches(load_dataset(data, "train"), batch, seed, run.step), desc="inn",
            on_checkpoint=export)
    return run


def main(args, out_root: Path, run_root: Path, command: str):
    train_inn(out_root / args.name, run_root / args.name, data=args.data, steps=args.steps or 3000,
              batch=args.batch or 64, lr=args.lr or 5e-4, seed=args.seed, resume=args.resume,
              ckpt_every=args.ckpt_every or 500, command=command)
