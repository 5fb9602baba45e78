"""``gr-semdiff demo`` (the README's main job): compile ``examples/loopback_phy.grc`` with grcc and run
it headless — random JSCC-like symbol frames through interleaver, OFDM framer, PAPR clipper, multipath
channel and LMMSE/MMSE deframer — printing a line per frame and a summary; the log goes to out/.

Part [3 of 7] replaces this with the image demo (Fashion-MNIST through the link, diffusion decoding).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from .paths import examples_dir


def main(args) -> int:
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
    lines = [l for l in res.stdout.splitlines() if l.startswith("frame ")]
    recs = [dict(kv.split("=", 1) for kv in l.split()[1:]) for l in lines]
    evm = [float(r["evm_db"]) for r in recs]
    snr = [float(r["snr_db"]) for r in recs if "snr_db" in r]
    summary = {"frames_sent": args.frames, "frames_received": len(recs),
               "mean_evm_db": round(sum(evm) / max(len(evm), 1), 2),
               "mean_estimated_snr_db": round(sum(snr) / max(len(snr), 1), 2), "channel_snr_db": args.snr_db}
    (out / "loopback_phy_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("summary: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0 if len(recs) == args.frames else 1
