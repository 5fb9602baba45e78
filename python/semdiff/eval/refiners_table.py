"""``gr-semdiff eval refiners``: the receiver-side refiners of the DeepJSCC image — SING-Zero, SING-INN
(SING Alg. 1–2) and DiffJSCC (Alg. 1) — beside DeepJSCC and HiFi-DiffCom at ρ = 1/16: AWGN at −5, −1, 1
and 5 dB with the AWGN-trained codec (SING §V's range), and the OFDM multipath link (L = 8, LMMSE) at 0 and
5 dB with the OFDM-trained codec. PSNR, SSIM, perceptual distance, FID/KID against the independent
reference split (floor printed), classifier accuracy, seconds per image; a PNG grid per condition.

``--lams`` adds DiffJSCC's λ sweep (eq. (17), its Fig. 5: fidelity against realism) at one condition;
``--images DIR`` runs everything on a folder of the user's images instead (domain shift: its first half
is sent, its second half is the FID/KID reference; no classifier accuracy).
"""
from __future__ import annotations

import json
from pathlib import Path

import torch

from ..data import load_dataset, stack
from ..models.zoo import load_classifier, load_image_prior, load_jscc
from .diffcom_table import HEADER, run_condition
from .grid import save_grid
from .metrics import psnr
from .realism import SENT, TUNE, Realism, split

AWGN, OFDM = "jscc_fmnist_awgn_cbr1-16", "jscc_fmnist_ofdm_cbr1-16"
CONDITIONS = {
    **{f"awgn{s:g}": dict(channel="awgn", snr=float(s), clip=None, codec=AWGN) for s in (-5, -1, 1, 5)},
    **{f"ofdm{s:g}": dict(channel="multipath", snr=float(s), clip=None, codec=OFDM) for s in (0, 5)},
}


def images(args):
    """(sent, labels or None, reference or None): the SENT split (TUNE with ``--tune``), or a user folder
    halved."""
    if not args.images:
        x, labels = split(TUNE if getattr(args, "tune", False) else SENT, args.n)
        return x, labels, None
    x, _ = stack(load_dataset(args.images, "test"))
    half = len(x) // 2
    if half < 2:
        raise ValueError(f"--images {args.images}: need at least 4 images (half sent, half reference)")
    return x[:min(half, args.n)], None, x[half:]


def grid(path: Path, x, outs: dict, n: int, title: str):
    """Rows: original, then each method; PSNR under each tile."""
    n = min(n, len(x))
    tiles, caps = [x[:n]], [""] * n
    for m, y in outs.items():
        tiles.append(y[:n])
        caps += [f"{float(p):.1f} dB" for p in psnr(y[:n], x[:n])]
    save_grid(torch.cat(tiles), path, nrow=n, title=title, row_labels=["original", *outs], captions=caps)


def lam_sweep(args, cond_name, codec, unet, sched, realism, x, labels, params, out: Path) -> list[dict]:
    rows = []
    for lam in args.lams:
        p = {**params, "diffjscc": {**params.get("diffjscc", {}), "lam": lam}}
        (r,) = run_condition(cond_name, CONDITIONS[cond_name], ["diffjscc"], codec, unet, sched, realism, x, labels,
                             args.batch, args.seed, p)
        rows.append({**r, "lam": lam})
    _plot_sweep(rows, out / f"lambda_sweep_{cond_name}.png", cond_name)
    return rows


def _plot_sweep(rows, path: Path, cond: str):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    lam = [r["lam"] for r in rows]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(lam, [r["psnr_db"] for r in rows], "o-", color="C0")
    ax.set_xscale("symlog", linthresh=16)
    ax.set_xlabel("λ (eq. 17; λ/(C·H·W) is the step toward x̂_JSCC)")
    ax.set_ylabel("PSNR (dB)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(lam, [r["fid_ref"] for r in rows], "s--", color="C3")
    ax2.set_ylabel("FID (Fashion-MNIST features)", color="C3")
    ax.set_title(f"DiffJSCC λ sweep, {cond}", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(args) -> int:
    torch.set_num_threads(args.threads)
    x, labels, reference = images(args)
    unet, sched = load_image_prior(args.prior)
    realism = Realism(load_classifier(), reference=reference)
    floor = realism.scores(x, labels)
    params, out = args.params or {}, Path(args.out)
    methods = args.methods.split(",")
    src = args.images or "Fashion-MNIST test split"
    print(f"gr-semdiff eval refiners — {len(x)} images ({src}), prior {args.prior}, seed {args.seed}")
    print(f"  floor — the clean originals against {realism.n_reference} reference images: FID {floor['fid_ref']:.2f}, "
          f"KID {floor['kid_ref']:.4f}" + (f", accuracy {100 * floor['accuracy']:.1f} %" if labels is not None else ""))
    print(HEADER)
    report, codecs = {"floor": floor, "images": src, "rows": []}, {}
    for c in [] if args.conditions == "none" else args.conditions.split(","):
        cond = CONDITIONS[c]
        codec = codecs.setdefault(cond["codec"], load_jscc(cond["codec"]))
        keep = {}
        report["rows"] += [{**r, "codec": cond["codec"]} for r in run_condition(
            c, cond, methods, codec, unet, sched, realism, x, labels, args.batch, args.seed, params, keep)]
        grid(out / f"grid_{c}.png", x, keep, args.grid_n, f"{c}: ρ = 1/16, {cond['codec']}")
    if args.lams:
        c = args.lam_condition
        codec = codecs.get(CONDITIONS[c]["codec"]) or load_jscc(CONDITIONS[c]["codec"])
        report["lambda_sweep"] = lam_sweep(args, c, codec, unet, sched, realism, x, labels, params, out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "refiners.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}/refiners.json and grids")
    return 0
