"""``gr-semdiff eval sync``: the receiver's acceptance table ([7 of 10]) — per SNR point, frames sent,
detected by ours and by GNU Radio's ofdm_tx → ofdm_rx on the same impairments, header failures, wrong
frames, EVM (and at the highest SNR the genie's); false alarms on noise alone. Printed and written to
``out/sync/sync_<model>.json``."""
from __future__ import annotations

import json
from pathlib import Path

from tqdm import tqdm


def _points(text: str) -> list[float]:
    try:
        pts = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"--snr-db must be a comma list of numbers, got {text!r}") from None
    if not pts:
        raise ValueError("--snr-db is empty")
    return pts


def main(args) -> int:
    from gnuradio import gr

    from ..phy.grid import default_grid
    from .gr_ofdm import gr_ofdm_point
    from .link import Impairments
    from .measure import false_detections, measure_point

    gr.logging().set_default_level(gr.log_levels.warn)   # ofdm_rx logs every bad header at info
    pts = _points(args.snr_db)
    grid = default_grid(128)
    rows = []
    total = args.frames * len(pts) * (1 if args.no_gr else 2)
    with tqdm(total=total, desc="eval sync", unit="frame", mininterval=2) as bar:
        for snr in pts:
            imp = Impairments(snr_db=snr, taps=args.taps)
            kw = dict(n_frames=args.frames, per_channel=args.per_channel, seed=args.seed + int(snr * 10),
                      cfo_max=args.cfo, sco_max_ppm=args.sco_ppm, progress=bar, model=args.model)
            row = {"snr_db": snr, **measure_point(grid, imp, with_genie=snr == max(pts) and args.model == "static", **kw)}
            if not args.no_gr:
                row["gr_ofdm"] = gr_ofdm_point(imp, **kw)
            rows.append(row)
    noise = false_detections(grid, args.noise_samples, args.seed + 1) if args.noise_samples else None
    model = "channels.channel_model" if args.model == "static" else "channels.dynamic_channel_model (Rayleigh, 10 Hz Doppler)"
    print(f"\n{args.frames} frames per point; CFO ±{args.cfo} subcarriers, SCO ±{args.sco_ppm} ppm, "
          f"{args.taps}-tap exponential multipath, random lead-in and gaps, GNU Radio {model}")
    print(f"{'SNR dB':>6} {'ours det.':>10} {'hdr fail':>8} {'wrong':>5} {'EVM dB':>7} {'genie dB':>8} "
          f"{'GR ofdm_rx':>10}")
    for r in rows:
        gr_det = f"{r['gr_ofdm']['detection']:10.2%}" if "gr_ofdm" in r else f"{'-':>10}"
        print(f"{r['snr_db']:6.1f} {r['detection']:10.2%} {r['header_crc']:8d} {r['wrong']:5d} {r['evm_db']:7.2f} "
              f"{r['evm_genie_db']:8.2f} {gr_det}")
    if noise:
        print(f"noise only: {noise['frames_out']} frames from {noise['samples']:.0e} samples "
              f"({noise['bursts_detected']} triggers, {noise['header_crc']} rejected by the header CRC)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"sync_{args.model}.json").write_text(json.dumps({"args": {k: v for k, v in vars(args).items() if k != "argv"},
                                               "points": rows, "noise_only": noise}, indent=1, default=str))
    print(f"wrote {out / f'sync_{args.model}.json'}")
    return 0
