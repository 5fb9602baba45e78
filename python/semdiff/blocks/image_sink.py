"""``image_sink``: decoded image PDUs (and drop reports) out of a flowgraph — PNGs and one JSONL record
per frame: frame_id, method, steps, latency and, when the source image is known, PSNR, SSIM and the
perceptual distance; or the reason the frame was dropped.

The sink's side of the accounting contract (``accounting``): every PDU it receives becomes exactly one
record, also when it cannot be scored (``unscored``: why), written (``png_error``) or attributed
(``bad_frame_id``); messages that arrive while or after the flowgraph stops are still recorded — the
sink drains its own input queue in ``stop()``, for a short grace period after it, and whenever
``records``/``accounted()`` are read. Each record is also announced on the ``done`` port (frame_id and,
for a drop, the reason) — image_source's credit window feeds on it. Reference images come only from Fashion-MNIST or from folders
named in ``datasets``: metadata never makes the sink read an arbitrary path.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pmt
from gnuradio import gr

from ..data import load_dataset
from .late_messages import drain, keep_draining
from .pdu_util import frame_id_of, image_from_pdu, meta_to_dict

RECORD_KEYS = ("method", "steps", "nfe", "batch", "latency_s", "compute_s", "snr_db", "label", "detail")
GRACE_S = 3.0   # after stop(): how long late results of upstream workers are still collected
EXIT_DELAY_S = 1.0   # exit_when_done: from the last expected record to the SIGTERM


class image_sink(gr.basic_block):
    def __init__(self, out_dir: str = "out/frames", write_png: bool = True, log_path: str = "",
                 metrics: bool = True, expected: int = 0, exit_when_done: bool = False, datasets=(),
                 reference: str = ""):
        gr.basic_block.__init__(self, "image_sink", [], [])
        if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
            raise ValueError(f"expected must be an integer >= 0, got {expected!r}")
        self.message_port_register_in(pmt.intern("in"))
        self.set_msg_handler(pmt.intern("in"), self._handle)
        self.message_port_register_out(pmt.intern("done"))
        self.out_dir = Path(out_dir) if out_dir else None
        self.write_png, self.metrics = write_png, metrics
        self._records: list[dict] = []
        self.images: dict[tuple[int, str], np.ndarray] = {}
        self.expected, self.exit_when_done = expected, exit_when_done
        self.datasets = {"fashion-mnist", *map(str, datasets)}
        self._fallback = self._parse_reference(reference)
        self._lock = threading.RLock()
        self._log = None
        if log_path:
            Path(log_path).parent.mkdir(parents=True, exist_ok=True)
            self._log = open(log_path, "w")
        self._refs: dict = {}
        self._clf = None
        self._stopped = threading.Event()

    # -- scoring ---------------------------------------------------------------------------------------
    def _parse_reference(self, text: str):
        """'dataset:split:first_index': frames that arrive without data-set metadata (over the air only the
        header's frame_id survives) are scored against image first_index + frame_id."""
        if not text:
            return None
        parts = str(text).rsplit(":", 2)
        if len(parts) != 3 or parts[1] not in ("train", "test") or not parts[2].isdigit():
            raise ValueError(f"reference must be 'dataset:split:first_index' (e.g. fashion-mnist:test:0), got {text!r}")
        if parts[0] not in self.datasets:
            raise ValueError(f"reference data set {parts[0]!r} is not one the sink may read ({sorted(self.datasets)})")
        return parts[0], parts[1], int(parts[2])

    def _reference(self, meta):
        name, split, idx = meta.get("dataset"), meta.get("split") or "test", meta.get("dataset_index")
        if name is None and idx is None and self._fallback and frame_id_of(meta) is not None:
            name, split, first = self._fallback
            idx = first + frame_id_of(meta)
        if name is None and idx is None:
            return None
        if name not in self.datasets:
            raise ValueError(f"dataset {name!r} is not one the sink may read ({sorted(self.datasets)})")
        if split not in ("train", "test"):
            raise ValueError(f"split {split!r} is not train/test")
        if (name, split) not in self._refs:
            self._refs[(name, split)] = load_dataset(name, split)
        ds = self._refs[(name, split)]
        if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < len(ds):
            raise ValueError(f"dataset_index {idx!r} outside 0 … {len(ds) - 1}")
        return ds[idx][0]

    def _score(self, img_u8, meta) -> dict:
        from ..data import to_model_range
        from ..eval.metrics import perceptual, psnr, ssim
        ref = self._reference(meta)
        if ref is None:
            return {}
        x = to_model_range(img_u8).permute(2, 0, 1)[None]
        if x.shape[1:] != ref.shape:
            raise ValueError(f"image {tuple(x.shape[1:])} vs reference {tuple(ref.shape)}")
        out = {"psnr_db": round(float(psnr(x, ref[None]).reshape(-1)[0]), 3),
               "ssim": round(float(ssim(x, ref[None]).reshape(-1)[0]), 4)}
        if self._clf is None:
            try:
                from ..models.zoo import load_classifier
                self._clf = load_classifier()
            except Exception:  # noqa: BLE001 — no shipped classifier: scores without the perceptual distance
                self._clf = False
        if self._clf:
            out["perceptual"] = round(float(perceptual(x, ref[None], self._clf).reshape(-1)[0]), 5)
        return out

    # -- records ---------------------------------------------------------------------------------------
    def _handle(self, pdu):
        try:
            rec = self._record(pdu)
        except Exception as e:  # noqa: BLE001 — still one record per PDU
            rec = {"dropped": "sink_error", "detail": repr(e)[:300]}
        self._append(rec)
        self._announce(rec)
        if self.exit_when_done and self.expected and self.accounted() >= self.expected:
            # GRC-generated scripts stop the flowgraph cleanly on SIGTERM (their signal handler calls
            # tb.stop(); tb.wait()), which lets the decoder drain; message-only flowgraphs have no
            # end-of-stream of their own. EXIT_DELAY_S lets other consumers of the last frames (a
            # live view, a second decoder) finish with them first.
            import os
            import signal
            self.exit_when_done = False
            threading.Timer(EXIT_DELAY_S, os.kill, (os.getpid(), signal.SIGTERM)).start()

    def _record(self, pdu) -> dict:
        meta = meta_to_dict(pmt.car(pdu)) if pmt.is_pair(pdu) else {}
        rec = {k: meta[k] for k in RECORD_KEYS if k in meta and isinstance(meta[k], (int, float, str))}
        fid = frame_id_of(meta)
        if fid is not None:
            rec["frame_id"] = fid
        elif "frame_id" in meta or "bad_frame_id" in meta:
            rec["bad_frame_id"] = str(meta.get("bad_frame_id", repr(meta.get("frame_id"))))[:80]
        if "dropped" in meta:
            rec["dropped"] = str(meta["dropped"])
            return rec
        try:
            img, meta = image_from_pdu(pdu)
        except ValueError as e:
            rec["dropped"] = "bad_image_pdu"
            rec["detail"] = str(e)
            return rec
        if self.metrics:
            try:
                rec.update(self._score(img, meta))
            except Exception as e:  # noqa: BLE001
                rec["unscored"] = str(e)[:200]
        if self.write_png and self.out_dir is not None:
            try:
                self._png(img, rec)
            except Exception as e:  # noqa: BLE001 — e.g. an unwritable folder
                rec["png_error"] = str(e)[:200]
        with self._lock:
            self.images[(rec.get("frame_id", -1), str(rec.get("method", "")))] = img
        return rec

    def _append(self, rec: dict):
        with self._lock:
            self._records.append(rec)
            if self._log:
                try:
                    self._log.write(json.dumps(rec, default=str) + "\n")
                    self._log.flush()
                except (OSError, ValueError) as e:
                    self.logger.error(f"cannot write the JSONL log: {e}")

    def _announce(self, rec: dict):
        done = {k: rec[k] for k in ("frame_id", "dropped") if k in rec}
        try:
            self.message_port_pub(pmt.intern("done"), pmt.to_pmt(done))
        except Exception as e:  # noqa: BLE001 — e.g. published after the flowgraph was torn down
            self.logger.debug(f"done message not published: {e}")

    def _png(self, img, rec):
        from PIL import Image
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fid = rec.get("frame_id")
        tag = f"{fid:06d}" if fid is not None else f"bad{len(self._records):06d}"
        method = "".join(c for c in str(rec.get("method", "image")) if c.isalnum() or c in "_-")[:40] or "image"
        Image.fromarray(img[..., 0] if img.shape[-1] == 1 else img).save(self.out_dir / f"frame{tag}_{method}.png")

    # -- late messages (blocks/late_messages.py) ---------------------------------------------------------
    def _drain_queue(self) -> int:
        """Record what waits in this block's input queue (messages that arrived after its thread ended)."""
        return drain(self, "in", self._handle, self._lock)

    def stop(self):
        self._stopped.set()
        self._drain_queue()
        # upstream workers may publish their last results (or cancellations) just after this block stopped
        keep_draining(self, "in", self._handle, GRACE_S, self._lock, then=lambda _: self._close_log(),
                      name="image_sink-late")
        return True

    def _close_log(self):
        with self._lock:
            if self._log:
                self._log.close()
                self._log = None

    @property
    def records(self) -> list[dict]:
        if self._stopped.is_set():
            self._drain_queue()
        with self._lock:
            return list(self._records)

    def accounted(self) -> int:
        if self._stopped.is_set():
            self._drain_queue()
        with self._lock:
            return len(self._records)
