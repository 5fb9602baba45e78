"""``gr-semdiff demo`` (the README's main job): 16 Fashion-MNIST test images through the GNU Radio link —
JSCC encoder, interleaver, OFDM framer (block pilots), PAPR clipper (c = 1.4), L = 8 multipath channel
at 10 dB, LMMSE/MMSE deframer, deinterleaver — decoded twice from the same received frames, by
DeepJSCC and by HiFi-DiffCom. Writes out/demo/: a PNG grid (original | DeepJSCC | HiFi-DiffCom per row),
the per-frame JSONL log and a summary table. ``--phy`` runs the PHY-only loopback (examples/loopback_phy.grc).

  image_source ─► jscc_encoder ─► interleaver ─► ofdm_framer ─► papr_clipper ─► multipath_channel
  ─► ofdm_deframer ─► deinterleaver ─► tagged_stream_to_pdu ─┬► diffusion_decoder(deepjscc) ─────┬► image_sink
                                                               └► diffusion_decoder(hifi_diffcom) ─┘
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .paths import examples_dir, models_dir

ORDER = ["interleaver", "framer", "clipper", "channel", "deframer", "deinterleaver"]


def pick_codec() -> str:
    for name in ("jscc_fmnist_ofdm_cbr1-8", "jscc_fmnist_awgn_cbr1-8"):
        if (models_dir() / f"{name}.safetensors").exists():
            return name
    raise SystemExit("no shipped JSCC codec in the model zoo (models/)")


def run_images(args) -> int:
    import torch
    from gnuradio import gr, pdu

    from .blocks.diffusion_decoder import diffusion_decoder
    from .blocks.image_io import image_sink, image_source
    from .blocks.jscc_encoder import jscc_encoder
    from .data import to_model_range
    from .decoders import DecodeContext
    from .eval.grid import save_grid
    from .gr_glue import link_blocks
    from .phy.link import preset

    torch.set_num_threads(args.threads)
    out = Path(args.out) / "demo"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    jscc = pick_codec()
    cfg = preset("default", 128, "block", clip_ratio=args.clip)
    ctx = DecodeContext.from_zoo(jscc, "prior_fmnist", cfg)
    print(f"demo: {args.images} Fashion-MNIST test images, codec {jscc} (CBR 1/{round(1 / ctx.cbr)}), "
          f"OFDM fft {cfg.grid.fft_len}/cp {cfg.grid.cp_len}, block pilots, clip ratio {args.clip}, multipath L=8 r=4, "
          f"SNR {args.snr_db} dB (Es/N0), LMMSE + MMSE", flush=True)
    tb = gr.top_block()
    src = image_source("fashion-mnist", "test", 0, args.images)
    enc = jscc_encoder(jscc, args.snr_db)
    b = link_blocks(cfg, snr_db=args.snr_db, seed=args.seed)
    to_pdu = pdu.tagged_stream_to_pdu(gr.types.complex_t, "packet_len")
    decs = [diffusion_decoder(m, {}, context=ctx, max_batch=args.images, seed=args.seed)
            for m in ("deepjscc", "hifi_diffcom")]
    sink = image_sink(str(out / "frames"), True, str(out / "frames.jsonl"), True)
    tb.msg_connect(src, "out", enc, "in")
    tb.connect(enc, *[b[k] for k in ORDER], to_pdu)
    for d in decs:
        tb.msg_connect(to_pdu, "pdus", d, "in")
        tb.msg_connect(d, "out", sink, "in")
    t0 = time.time()
    tb.start()
    expected = 2 * args.images
    while sink.accounted() < expected and time.time() - t0 < args.timeout:
        time.sleep(0.1)
    tb.stop()
    tb.wait()
    wall = time.time() - t0
    recs = sink.records
    (out / "summary.json").write_text(json.dumps(_summary(recs, wall, args), indent=2) + "\n")
    _print_table(recs, wall)
    # grid: original | DeepJSCC | HiFi-DiffCom per row
    rows = []
    for i in range(args.images):
        ref = src.ds[i][0]
        row = [ref]
        for m in ("deepjscc", "hifi_diffcom"):
            img = sink.images.get((i, m))
            row.append(to_model_range(img).permute(2, 0, 1) if img is not None else ref * 0 - 1)
        rows += row
    save_grid(torch.stack(rows), out / "grid.png", nrow=12, scale=1.0,
              title="original | DeepJSCC | HiFi-DiffCom  (multipath + clipping, %.0f dB)" % args.snr_db)
    print(f"wrote {out / 'grid.png'}, {out / 'frames.jsonl'}, {out / 'summary.json'}  ({wall:.0f} s)")
    lost = expected - len(recs)
    if lost:
        print(f"{lost} frames not accounted for within {args.timeout} s", file=sys.stderr)
    return 0 if lost == 0 else 1


def _summary(recs, wall, args) -> dict:
    out = {"images": args.images, "snr_db": args.snr_db, "clip_ratio": args.clip, "wall_s": round(wall, 1),
           "methods": {}}
    for m in sorted({r.get("method") for r in recs}):
        rs = [r for r in recs if r.get("method") == m and "dropped" not in r]
        out["methods"][m] = {
            "decoded": len(rs), "dropped": sum(1 for r in recs if r.get("method") == m and "dropped" in r),
            **{k: round(float(np.mean([r[k] for r in rs if k in r])), 4)
               for k in ("psnr_db", "ssim", "perceptual", "steps", "compute_s") if any(k in r for r in rs)}}
    return out


def _print_table(recs, wall):
    print(f"\n{'method':14s} {'decoded':>7s} {'dropped':>7s} {'PSNR dB':>8s} {'SSIM':>6s} {'percept.':>8s} "
          f"{'steps':>6s} {'s/img':>6s}")
    for m in ("deepjscc", "hifi_diffcom"):
        rs = [r for r in recs if r.get("method") == m and "dropped" not in r]
        dropped = sum(1 for r in recs if r.get("method") == m and "dropped" in r)
        mean = lambda k: float(np.mean([r[k] for r in rs if k in r])) if any(k in r for r in rs) else float("nan")
        print(f"{m:14s} {len(rs):7d} {dropped:7d} {mean('psnr_db'):8.2f} {mean('ssim'):6.3f} "
              f"{mean('perceptual'):8.4f} {mean('steps'):6.0f} {mean('compute_s'):6.2f}")
    print("(perceptual: Fashion-MNIST-feature LPIPS-style distance, lower is better)")


def run_phy(args) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    grc = examples_dir() / "loopback_phy.grc"
    grcc = shutil.which("grcc")
    if grcc is None:
        print("grcc not found: install gnuradio (./run demo does)", file=sys.stderr)
        return 1
    subprocess.run([grcc, "-o", str(out), str(grc)], check=True, capture_output=True)
    cmd = [sys.executable, str(out / "loopback_phy.py"), "-n", str(args.frames), "-s", str(args.snr_db),
           "-c", str(args.clip)]
    print(f"PHY loopback: {args.frames} frames, multipath L=8 r=4, SNR {args.snr_db} dB (Es/N0), "
          f"clip ratio {args.clip}, LMMSE + MMSE  ({grc.name})", flush=True)
    res = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(res.stdout)
    if res.returncode:
        sys.stderr.write(res.stderr)
        return res.returncode
    recs = [dict(kv.split("=", 1) for kv in l.split()[1:]) for l in res.stdout.splitlines() if l.startswith("frame ")]
    evm = [float(r["evm_db"]) for r in recs]
    snr = [float(r["snr_db"]) for r in recs if "snr_db" in r]
    summary = {"frames_sent": args.frames, "frames_received": len(recs),
               "mean_evm_db": round(sum(evm) / max(len(evm), 1), 2),
               "mean_estimated_snr_db": round(sum(snr) / max(len(snr), 1), 2), "channel_snr_db": args.snr_db}
    (out / "loopback_phy_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("summary: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0 if len(recs) == args.frames else 1


def main(args) -> int:
    return run_phy(args) if args.phy else run_images(args)
