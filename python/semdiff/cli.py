"""``gr-semdiff``: train, eval, bench, demo. Each sub-command lives in its own module; this file only
parses arguments and dispatches."""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from .paths import models_dir


def _threads(n: int | None):
    if n:
        import torch
        torch.set_num_threads(n)


def _train(args) -> int:
    command = "gr-semdiff " + " ".join(shlex.quote(a) for a in args.argv)
    out_root = Path(args.out) if args.out else models_dir()
    run_root = Path(args.runs)
    if args.what == "prior":
        from .train.prior import train_prior
        train_prior(out_root / (args.name or "prior_fmnist"), run_root / (args.name or "prior_fmnist"),
                    data=args.data, steps=args.steps or 60000, batch=args.batch or 64, lr=args.lr,
                    seed=args.seed, resume=args.resume, recipe=args.recipe, ckpt_every=args.ckpt_every or 500,
                    snapshot_every=args.snapshot_every, ema_decay=args.ema_decay, command=command)
    elif args.what == "jscc":
        from .train.jscc import train_jscc
        name = args.name or f"jscc_fmnist_{args.channel}_cbr1-{round(1 / args.cbr)}"
        train_jscc(out_root / name, run_root / name, cbr=args.cbr, data=args.data, steps=args.steps or 15000,
                   batch=args.batch or 64, lr=args.lr or 1e-3, seed=args.seed, resume=args.resume,
                   channel=args.channel, link_preset=args.link_preset, ckpt_every=args.ckpt_every or 1000,
                   command=command)
    else:
        from importlib import import_module
        mod = import_module(f".train.{args.what.replace('-', '_')}", __package__)
        mod.main(args, out_root, run_root, command)
    return 0


def _samples(args) -> int:
    from .eval.grid import save_grid
    from .models.prior import sample_prior
    from .models.zoo import load_image_prior

    unet, sched = load_image_prior(args.prior)
    x = sample_prior(unet, sched, args.n, steps=args.steps, seed=args.seed)
    path = save_grid(x, args.out, title=f"{args.prior}: {args.n} samples, DDIM {args.steps} steps, seed {args.seed}")
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gr-semdiff", description=__doc__)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="train a model (resumable)")
    t.add_argument("what", choices=["jscc", "prior", "symbol-prior", "classifier"])
    t.add_argument("--data", default="fashion-mnist", help="'fashion-mnist' or an image folder")
    t.add_argument("--steps", type=int)
    t.add_argument("--batch", type=int)
    t.add_argument("--lr", type=float)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--resume", action="store_true")
    t.add_argument("--ckpt-every", type=int)
    t.add_argument("--name", help="model name (directory/file stem in the zoo)")
    t.add_argument("--out", help="model zoo directory (default: the shipped models/)")
    t.add_argument("--runs", default="runs", help="checkpoint directory")
    t.add_argument("--recipe", default="v", choices=["v", "eps"],
                   help="(prior) v: v-prediction + min-SNR-5, (32,64,128)x2; eps: the first prior's recipe")
    t.add_argument("--snapshot-every", type=int, default=0,
                   help="(prior) keep an EMA snapshot every N steps for FID-against-time curves (0: none)")
    t.add_argument("--ema-decay", type=float, default=0.999, help="(prior) EMA decay")
    t.add_argument("--cbr", type=float, default=1 / 8)
    t.add_argument("--channel", default="awgn", choices=["awgn", "ofdm"])
    t.add_argument("--link-preset", default="default")
    t.add_argument("--jscc", help="(symbol-prior) source JSCC model name")
    t.add_argument("--source", default="jscc",
                   help="(symbol-prior) jscc | jscc-pair | qpsk | 16qam | ofdm | tone | chirp | gaussian")
    t.add_argument("--limit", type=int, help="(symbol-prior) encode only this many training images")
    t.add_argument("--fading", default="none", choices=["none", "rayleigh"],
                   help="(symbol-prior) model h·z with per-symbol Rayleigh gains (ICDM interferer under fading)")
    t.set_defaults(func=_train)

    b = sub.add_parser("bench", help="throughput benchmarks (ratios measured in one run)")
    bsub = b.add_subparsers(dest="what", required=True)
    bp = bsub.add_parser("phy", help="C++ PHY blocks vs GNU Radio's OFDM chains and a bare FFT")
    bp.add_argument("--preset", default="default", choices=["default", "diffcom"])
    bp.add_argument("--k", type=int, default=52 * 6)
    bp.add_argument("--frames", type=int, default=40000)
    bp.add_argument("--repeats", type=int, default=3)
    bp.set_defaults(func=lambda a: __import__(f"{__package__}.bench.phy", fromlist=["main"]).main(a))

    e = sub.add_parser("eval", help="evaluation tables")
    esub = e.add_subparsers(dest="what", required=True)
    em = esub.add_parser("models", help="the shipped model zoo: codecs, classifier, priors")
    em.add_argument("--n-codec", type=int, default=10000, help="test images for the codec table")
    em.add_argument("--n-fid", type=int, default=1000, help="images per FID set")
    em.add_argument("--ddim-steps", type=int, default=50)
    em.add_argument("--json", help="also write the numbers here")
    em.set_defaults(func=lambda a: __import__(f"{__package__}.eval.zoo_report", fromlist=["main"]).main(a))

    ed = esub.add_parser("diffcom", help="DiffCom Tables IV-VII analogue: deepjscc / diffcom / hifi_diffcom")
    ed.add_argument("--n", type=int, default=100, help="test images (>= 100 for the reported numbers)")
    ed.add_argument("--methods", default="deepjscc,diffcom,hifi_diffcom")
    ed.add_argument("--conditions", default="", help="comma list; default all: awgn10, awgn0, multipath10 "
                    "(= clipping ratio ∞), clip1.4, clip1.0; 'none' with --blind for the blind test only")
    ed.add_argument("--jscc", default="jscc_fmnist_ofdm_cbr1-8")
    ed.add_argument("--prior", default="prior_fmnist")
    ed.add_argument("--batch", type=int, default=50)
    ed.add_argument("--seed", type=int, default=0)
    ed.add_argument("--threads", type=int, default=2, dest="threads")
    ed.add_argument("--params", help='JSON per method, e.g. {"diffcom": {"steps": 200}}')
    ed.add_argument("--blind", action="store_true", help="also Blind-DiffCom success ratio without CE")
    ed.add_argument("--threshold", type=float, default=18.0, help="blind success PSNR threshold (dB)")
    ed.add_argument("--json")
    ed.set_defaults(func=lambda a: __import__(f"{__package__}.eval.diffcom_table", fromlist=["main"]).main(a))

    ei = esub.add_parser("icdm", help="ICDM: MSE reduction, SINR sweep, guidance ablations, steps")
    ei.add_argument("--n", type=int, default=100)
    ei.add_argument("--jscc", default="jscc_fmnist_awgn_cbr1-8")
    ei.add_argument("--snr-db", type=float, default=20.0)
    ei.add_argument("--classes", default="jscc-pair,qpsk,16qam,ofdm,tone,chirp,gaussian")
    ei.add_argument("--steps", type=int, default=40)
    ei.add_argument("--slow-steps", type=int, default=1000)
    ei.add_argument("--order", type=int, default=2)
    ei.add_argument("--beta-rayleigh", type=float, help="β = γ under Rayleigh fading (default: interference.icdm.BETA)")
    ei.add_argument("--beta-awgn", type=float, help="β = γ over AWGN (default: interference.icdm.BETA)")
    ei.add_argument("--samples", type=int, default=8, help="posterior samples averaged per frame")
    ei.add_argument("--seed", type=int, default=0)
    ei.add_argument("--tune-n", type=int, default=50, help="held-out images for the ablation's β choice")
    ei.add_argument("--threads", type=int, default=2, dest="threads")
    ei.add_argument("--out", default="out/icdm")
    ei.set_defaults(func=lambda a: __import__(f"{__package__}.eval.icdm_report", fromlist=["main"]).main(a))

    bd = bsub.add_parser("decoder", help="decoding methods: images/s, NFE, overhead, batching gain")
    bd.add_argument("--jscc", default="jscc_fmnist_awgn_cbr1-8")
    bd.add_argument("--prior", default="prior_fmnist")
    bd.add_argument("--steps", type=int, default=20)
    bd.add_argument("--threads", type=int, default=2, dest="threads")
    bd.set_defaults(func=lambda a: __import__(f"{__package__}.bench.decoder", fromlist=["main"]).main(a))

    s = sub.add_parser("samples", help="write a PNG grid of prior samples")
    s.add_argument("--prior", default="prior_fmnist")
    s.add_argument("-n", type=int, default=64)
    s.add_argument("--steps", type=int, default=50, help="DDIM steps")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", default="out/prior_samples.png")
    s.set_defaults(func=_samples)

    d = sub.add_parser("demo", help="the image loopback demo (multipath + clipping, DeepJSCC vs HiFi-DiffCom)")
    d.add_argument("--images", type=int, default=16)
    d.add_argument("--snr-db", type=float, default=10.0)
    d.add_argument("--clip", type=float, default=1.4)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--threads", type=int, default=2, dest="threads")
    d.add_argument("--timeout", type=float, default=600)
    d.add_argument("--out", default="out")
    d.add_argument("--phy", action="store_true", help="PHY-only loopback (examples/loopback_phy.grc) instead")
    d.add_argument("--frames", type=int, default=20, help="(--phy) frames")
    d.set_defaults(func=lambda a: __import__(f"{__package__}.demo", fromlist=["main"]).main(a))
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in the model manifest
    _threads(args.threads)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
