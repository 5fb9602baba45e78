"""A source of tagged frames of random unit-power symbols, and a sink that measures what arrives.

Frame ``i`` holds CN(0, 1) symbols drawn from ``numpy.random.default_rng([seed, i])``, so the sink can
regenerate the reference and report per-frame error without a side channel.
"""
from __future__ import annotations

import json
import sys
import time

import numpy as np
import pmt
from gnuradio import gr

LEN_KEY = pmt.intern("packet_len")
ID_KEY = pmt.intern("frame_id")


def reference_frame(seed: int, frame_id: int, k: int) -> np.ndarray:
    rng = np.random.default_rng([seed, frame_id])
    return ((rng.standard_normal(k) + 1j * rng.standard_normal(k)) / np.sqrt(2)).astype(np.complex64)


class symbol_frame_source(gr.sync_block):
    """``n_frames`` frames of ``k`` symbols (0 = forever), tagged packet_len + frame_id."""

    def __init__(self, k: int = 128, n_frames: int = 100, seed: int = 0, first_id: int = 0):
        gr.sync_block.__init__(self, "symbol_frame_source", [], [np.complex64])
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        self.k, self.n_frames, self.seed, self.next_id = k, n_frames, seed, first_id
        self.first_id = first_id
        self.set_output_multiple(k)

    def work(self, input_items, output_items):
        out = output_items[0]
        n = len(out) // self.k
        if self.n_frames:
            n = min(n, self.first_id + self.n_frames - self.next_id)
        if n <= 0:
            return -1  # WORK_DONE
        for j in range(n):
            fid = self.next_id + j
            out[j * self.k:(j + 1) * self.k] = reference_frame(self.seed, fid, self.k)
            off = self.nitems_written(0) + j * self.k
            self.add_item_tag(0, off, LEN_KEY, pmt.from_long(self.k))
            self.add_item_tag(0, off, ID_KEY, pmt.from_long(fid))
        self.next_id += n
        return n * self.k


class symbol_frame_probe(gr.sync_block):
    """Consumes frames of ``k`` symbols; per frame: EVM against the regenerated reference, the
    receiver's CSI tags (snr_db, noise_var); prints a line per frame (``verbose``) and keeps a log."""

    def __init__(self, k: int = 128, seed: int = 0, verbose: bool = True, jsonl_path: str = ""):
        gr.sync_block.__init__(self, "symbol_frame_probe", [np.complex64], [])
        self.k, self.seed, self.verbose = k, seed, verbose
        self.records: list[dict] = []
        self._buf = np.zeros(0, dtype=np.complex64)
        self._meta: dict = {}
        self._jsonl = open(jsonl_path, "w") if jsonl_path else None
        self.t0 = time.time()

    def work(self, input_items, output_items):
        x = input_items[0]
        start = self.nitems_read(0)
        tags = self.get_tags_in_window(0, 0, len(x))
        starts = sorted({t.offset for t in tags if pmt.eqv(t.key, LEN_KEY)})
        meta_at = {}
        for t in tags:
            meta_at.setdefault(t.offset, {})[pmt.symbol_to_string(t.key)] = pmt.to_python(t.value)
        pos = 0
        for off in starts:
            rel = off - start
            self._consume(x[pos:rel])
            self._begin(meta_at[off])
            pos = rel
        self._consume(x[pos:])
        return len(x)

    def _begin(self, meta):
        self._buf = np.zeros(0, dtype=np.complex64)
        self._meta = meta

    def _consume(self, chunk):
        if not self._meta:
            return
        self._buf = np.concatenate([self._buf, chunk])
        if len(self._buf) >= self.k:
            self._finish(self._buf[:self.k])
            self._meta = {}

    def _finish(self, frame):
        fid = int(self._meta.get("frame_id", -1))
        ref = reference_frame(self.seed, fid, self.k)
        evm = float(np.mean(np.abs(frame - ref) ** 2) / np.mean(np.abs(ref) ** 2))
        rec = {"frame_id": fid, "evm_db": round(10 * np.log10(max(evm, 1e-30)), 2)}
        for key in ("snr_db", "noise_var", "channel_snr_db"):
            if key in self._meta:
                rec[key] = round(float(self._meta[key]), 4)
        self.records.append(rec)
        if self._jsonl:
            self._jsonl.write(json.dumps(rec) + "\n")
        if self.verbose:
            print("frame " + " ".join(f"{k}={v}" for k, v in rec.items()), file=sys.stdout, flush=True)

    def stop(self):
        if self._jsonl:
            self._jsonl.close()
        return True

    def summary(self) -> dict:
        if not self.records:
            return {"frames": 0}
        evm = np.array([r["evm_db"] for r in self.records])
        snr = np.array([r.get("snr_db", np.nan) for r in self.records])
        return {"frames": len(self.records), "mean_evm_db": round(float(evm.mean()), 2),
                "mean_snr_est_db": round(float(np.nanmean(snr)), 2) if np.isfinite(snr).any() else None}
