"""``gr-semdiff replay FILE``: a SigMF capture decoded end to end with the link it was recorded with.

  sigmf_replay_source ─► ofdm_sync ─► ofdm_deframer ─► deinterleaver ─► tagged_stream_to_pdu
        ─► diffusion_decoder ─► image_sink (PNGs, JSONL)        ofdm_sync "drops" ─► image_sink
Frames the capture's annotations list but the sync never found are reported (lost); the summary counts
decoded and dropped frames and averages the scores against the capture's reference images.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from gnuradio import gr, pdu


def rx_graph(capture_path: str, method: str = "hifi_diffcom", params: dict | None = None, taps: int = 8,
             out_dir: str = "out/replay", throttle: bool = False):
    """(top block, replay source, sync, decoder, sink) — the receive flowgraph for one capture."""
    from gnuradio import semdiff

    from .blocks import sigmf_replay_source

    src = sigmf_replay_source(capture_path, throttle=throttle)
    cap = src.capture
    link = cap.link
    spec = semdiff.grid_from(link.preset, link.k, link.pilot_type)
    sync = semdiff.ofdm_sync(spec, channel_taps=taps)
    chain = [sync, semdiff.ofdm_deframer(spec, "lmmse", "mmse", semdiff.pdp_from(taps, 4.0)),
             semdiff.frame_interleaver(semdiff.interleaver_perm(link.k, link.interleaver_seed), True),
             pdu.tagged_stream_to_pdu(gr.types.complex_t, "packet_len")]
    dec = semdiff.diffusion_decoder(method, params or {}, link.jscc, "prior_fmnist", link.preset, link.pilot_type,
                                    0.0 if link.clip_ratio == float("inf") else link.clip_ratio, 64, 16)
    out = Path(out_dir)
    sink = semdiff.image_sink(str(out / "frames"), True, str(out / "frames.jsonl"), True,
                              expected=len(cap.annotations or cap.received), reference=cap.reference)
    tb = gr.top_block()
    tb.connect(src, *chain)
    tb.msg_connect(chain[-1], "pdus", dec, "in")
    tb.msg_connect(dec, "out", sink, "in")
    tb.msg_connect(sync, "drops", sink, "in")
    return tb, src, sync, dec, sink


def replay(capture_path: str, method: str = "hifi_diffcom", params: dict | None = None, taps: int = 8,
           out_dir: str = "out/replay", timeout: float = 600.0) -> dict:
    from tqdm import tqdm

    tb, src, sync, dec, sink = rx_graph(capture_path, method, params, taps, out_dir)
    cap = src.capture
    expected = len(cap.annotations or cap.received)   # frames sent, else those found when it was recorded
    t0 = time.time()
    tb.start()
    last, idle_since = -1, time.time()
    with tqdm(total=expected or None, desc="replay", unit="frame", mininterval=1) as bar:
        while time.time() - t0 < timeout:
            n = sink.accounted()
            bar.update(n - bar.n)
            if expected and n >= expected:
                break
            busy = dec.stats().get("frames_in", 0) > n
            if n != last or busy:
                last, idle_since = n, time.time()
            elif time.time() - idle_since > 10:     # nothing new for 10 s: the capture is used up
                break
            time.sleep(0.1)
    tb.stop()
    tb.wait()
    recs = sink.records
    got = {r.get("frame_id") for r in recs}
    # frames the capture says were sent after the last one the sync heard of: nobody else can report them
    missing = sorted({fid for _, _, fid in cap.annotations or cap.received if fid is not None} - got)
    decoded = [r for r in recs if "dropped" not in r]
    summary = {"capture": str(cap.meta_path), "link": cap.link.__dict__, "method": method,
               "frames_annotated": expected, "records": len(recs), "decoded": len(decoded),
               "dropped": {k: sum(1 for r in recs if r.get("dropped") == k) for k in {r.get("dropped") for r in recs} - {None}},
               "never_heard": missing, "sync": sync.stats(), "seconds": round(time.time() - t0, 2)}
    for key in ("psnr_db", "ssim", "perceptual"):
        vals = [r[key] for r in decoded if key in r]
        if vals:
            summary[f"mean_{key}"] = float(np.mean(vals))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    (Path(out_dir) / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    return summary


def main(args) -> int:
    s = replay(args.file, args.method, args.params, args.taps, args.out, args.timeout)
    print(f"{s['decoded']} of {s['frames_annotated'] or '?'} frames decoded with {s['method']}"
          + (f", mean PSNR {s['mean_psnr_db']:.2f} dB" if "mean_psnr_db" in s else "")
          + (f"; dropped {s['dropped']}" if s["dropped"] else "") + (f"; never heard {s['never_heard']}" if s["never_heard"] else ""))
    print(f"wrote {args.out}/frames/, {args.out}/frames.jsonl, {args.out}/summary.json")
    return 0
