"""``image_source`` and ``image_sink``: images into and out of a flowgraph as PDUs.

image_source emits images from Fashion-MNIST or a folder with a frame_id (and the data-set index, so
the sink can score the decoded image against the original); image_sink writes PNGs and one JSONL line
per frame: frame_id, method, steps, latency and — when the source image is known — PSNR, SSIM and the
perceptual distance, or the reason the frame was dropped.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pmt
from gnuradio import gr

from ..data import load_dataset, to_uint8
from .pdu_util import image_from_pdu, image_pdu, meta_to_dict


class image_source(gr.basic_block):
    def __init__(self, dataset: str = "fashion-mnist", split: str = "test", start: int = 0, count: int = 16,
                 interval_s: float = 0.0, first_frame_id: int = 0):
        gr.basic_block.__init__(self, "image_source", [], [])
        self.message_port_register_out(pmt.intern("out"))
        self.ds = load_dataset(dataset, split)
        if not 0 <= start < len(self.ds):
            raise ValueError(f"start {start} outside the data set of {len(self.ds)} images")
        self.dataset, self.split, self.start_index, self.count = dataset, split, start, count
        self.interval, self.first_id = interval_s, first_frame_id
        self.sent = 0
        self._thread = None
        self._stop = threading.Event()

    def start(self):
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="image_source", daemon=True)
        self._thread.start()
        return True

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        return True

    def _run(self):
        for j in range(self.count):
            if self._stop.is_set():
                return
            idx = (self.start_index + j) % len(self.ds)
            x, label = self.ds[idx]
            meta = {"frame_id": self.first_id + j, "dataset": self.dataset, "split": self.split,
                    "dataset_index": idx, "label": int(label), "t_sent": time.time()}
            self.message_port_pub(pmt.intern("out"), image_pdu(to_uint8(x), meta))
            self.sent += 1
            if self.interval:
                self._stop.wait(self.interval)


class image_sink(gr.basic_block):
    def __init__(self, out_dir: str = "out/frames", write_png: bool = True, log_path: str = "",
                 metrics: bool = True, expected: int = 0, exit_when_done: bool = False):
        gr.basic_block.__init__(self, "image_sink", [], [])
        self.message_port_register_in(pmt.intern("in"))
        self.set_msg_handler(pmt.intern("in"), self._handle)
        self.out_dir = Path(out_dir) if out_dir else None
        self.write_png, self.metrics = write_png, metrics
        self.records: list[dict] = []
        self.images: dict[tuple[int, str], np.ndarray] = {}
        self.expected, self.exit_when_done = expected, exit_when_done
        self._lock = threading.Lock()
        self._log = None
        if log_path:
            Path(log_path).parent.mkdir(parents=True, exist_ok=True)
            self._log = open(log_path, "w")
        self._refs: dict = {}
        self._clf = None

    def _reference(self, meta):
        key = (meta.get("dataset"), meta.get("split"))
        if key[0] is None or "dataset_index" not in meta:
            return None
        if key not in self._refs:
            self._refs[key] = load_dataset(key[0], key[1] or "test")
        return self._refs[key][int(meta["dataset_index"])][0]

    def _score(self, img_u8, meta) -> dict:
        from ..data import to_model_range
        from ..eval.metrics import perceptual, psnr, ssim
        ref = self._reference(meta)
        if ref is None:
            return {}
        x = to_model_range(img_u8).permute(2, 0, 1)[None]
        out = {"psnr_db": round(float(psnr(x, ref[None]).reshape(-1)[0]), 3),
               "ssim": round(float(ssim(x, ref[None]).reshape(-1)[0]), 4)}
        if self._clf is None:
            try:
                from ..models.zoo import load_classifier
                self._clf = load_classifier()
            except Exception:  # no shipped classifier: scores without the perceptual distance
                self._clf = False
        if self._clf:
            out["perceptual"] = round(float(perceptual(x, ref[None], self._clf).reshape(-1)[0]), 5)
        return out

    def _handle(self, pdu):
        try:
            self._record(pdu)
        except Exception as e:  # a sink must never take the flowgraph down
            self.logger.error(f"image_sink could not record a PDU: {e!r}")
        if self.exit_when_done and self.expected and self.accounted() >= self.expected:
            # GRC-generated scripts stop the flowgraph cleanly on SIGTERM (their signal handler calls
            # tb.stop(); tb.wait()), which lets the decoder drain; message-only flowgraphs have no
            # end-of-stream of their own.
            import os
            import signal
            self.exit_when_done = False
            os.kill(os.getpid(), signal.SIGTERM)

    def _record(self, pdu):
        meta = meta_to_dict(pmt.car(pdu)) if pmt.is_pair(pdu) else {}
        rec = {k: meta[k] for k in ("frame_id", "method", "steps", "nfe", "batch", "latency_s", "compute_s", "snr_db",
                                    "label")
               if k in meta}
        if "dropped" in meta:
            rec["dropped"] = meta["dropped"]
        else:
            try:
                img, meta = image_from_pdu(pdu)
            except ValueError as e:
                rec["dropped"] = f"bad image PDU: {e}"
            else:
                if self.metrics:
                    rec.update(self._score(img, meta))
                if self.write_png and self.out_dir is not None:
                    self._png(img, rec)
                with self._lock:
                    self.images[(int(rec.get("frame_id", -1)), str(rec.get("method", "")))] = img
        with self._lock:
            self.records.append(rec)
            if self._log:
                self._log.write(json.dumps(rec) + "\n")
                self._log.flush()

    def _png(self, img, rec):
        from PIL import Image
        self.out_dir.mkdir(parents=True, exist_ok=True)
        name = f"frame{int(rec.get('frame_id', -1)):06d}_{rec.get('method', 'image')}.png"
        Image.fromarray(img[..., 0] if img.shape[-1] == 1 else img).save(self.out_dir / name)

    def stop(self):
        if self._log:
            self._log.close()
            self._log = None
        return True

    def accounted(self) -> int:
        with self._lock:
            return len(self.records)
