"""What ``gr-semdiff demo`` shows: the summary table (per method: frames decoded and dropped, PSNR,
SSIM, perceptual distance, classifier accuracy on the decoded images, steps, seconds per image) and
the grid original | DeepJSCC | HiFi-DiffCom | DiffCom with PSNR / perceptual distance under each tile."""
from __future__ import annotations

import numpy as np

LABELS = {"deepjscc": "DeepJSCC", "hifi_diffcom": "HiFi-DiffCom", "diffcom": "DiffCom"}


def _decoded(recs, m):
    return [r for r in recs if r.get("method") == m and "dropped" not in r]


def _accuracy(src, sink, m, n) -> float:
    """The metric classifier's accuracy on the decoded images of method ``m`` (NaN without a classifier)."""
    import torch

    from .data import to_model_range
    from .models.zoo import load_classifier
    try:
        clf = load_classifier()
    except Exception:  # noqa: BLE001 — a zoo without the classifier still gets the other columns
        return float("nan")
    pairs = [(to_model_range(sink.images[(i, m)]).permute(2, 0, 1), int(src.ds[i][1]))
             for i in range(n) if (i, m) in sink.images]
    if not pairs:
        return float("nan")
    with torch.no_grad():
        pred = clf(torch.stack([p for p, _ in pairs])).argmax(1)
    return float((pred == torch.tensor([y for _, y in pairs])).float().mean())


def summary(recs, wall, args, methods, src, sink) -> dict:
    out = {"images": args.images, "snr_db": args.snr_db, "clip_ratio": args.clip, "wall_s": round(wall, 1),
           "methods": {}}
    for m in methods:
        rs = _decoded(recs, m)
        stats = {k: round(float(np.mean([r[k] for r in rs if k in r])), 4)
                 for k in ("psnr_db", "ssim", "perceptual", "steps", "compute_s") if any(k in r for r in rs)}
        out["methods"][m] = {"decoded": len(rs), "dropped": sum(1 for r in recs if r.get("method") == m and "dropped" in r),
                             **stats, "accuracy": round(_accuracy(src, sink, m, args.images), 4)}
    return out


def print_table(summ: dict, methods):
    print(f"\n{'method':14s} {'decoded':>7s} {'dropped':>7s} {'PSNR dB':>8s} {'SSIM':>6s} {'percept.':>8s} "
          f"{'acc. %':>6s} {'steps':>6s} {'s/img':>6s}")
    nan = float("nan")
    for m in methods:
        s = summ["methods"].get(m, {})
        print(f"{m:14s} {s.get('decoded', 0):7d} {s.get('dropped', 0):7d} {s.get('psnr_db', nan):8.2f} "
              f"{s.get('ssim', nan):6.3f} {s.get('perceptual', nan):8.4f} {100 * s.get('accuracy', nan):6.1f} "
              f"{s.get('steps', nan):6.0f} {s.get('compute_s', nan):6.2f}")
    print("(perceptual: Fashion-MNIST-feature LPIPS-style distance, lower is better; acc.: the metric classifier's "
          "accuracy on the decoded images)")


def save_demo_grid(path, src, sink, recs, methods, args):
    import torch

    from .data import to_model_range
    from .eval.grid import save_grid

    by_key = {(int(r.get("frame_id", -1)), r.get("method")): r for r in recs if "dropped" not in r}
    tiles, caps = [], []
    for i in range(args.images):
        ref = src.ds[i][0]
        tiles.append(ref)
        caps.append(f"#{i}")
        for m in methods:
            img = sink.images.get((i, m))
            tiles.append(to_model_range(img).permute(2, 0, 1) if img is not None else ref * 0 - 1)
            r = by_key.get((i, m), {})
            caps.append(f"{r['psnr_db']:.1f} dB / {r['perceptual']:.2f}" if "psnr_db" in r and "perceptual" in r
                        else "dropped")
    ncol = 1 + len(methods)
    per_row = 2 if args.images > 4 else 1            # two images side by side keep the PNG readable
    heads = (["original"] + [LABELS.get(m, m) for m in methods]) * per_row
    save_grid(torch.stack(tiles), path, nrow=ncol * per_row, scale=1.1, captions=caps, col_titles=heads,
              title=f"multipath L=8 + clipping {args.clip}, SNR {args.snr_db:g} dB — PSNR / perceptual distance")

