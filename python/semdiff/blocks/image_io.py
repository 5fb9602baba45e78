"""``image_source``: images into a flowgraph as PDUs, from Fashion-MNIST or a folder, each with a
frame_id and the data-set index, so ``image_sink`` can score the decoded image against the original.

Flow control: a message-only chain has no back-pressure of its own, so an unthrottled source floods the
first block's queue (thousands of frames that ``stop()`` then has to work through). With ``window`` > 0
the source keeps at most that many frames in flight and sends the next one only when a message arrives
on ``credit`` — connect ``image_sink``'s ``done`` port there (one message per accounted frame, decoded
or dropped). A credit window rather than a rate: it adapts to whatever the decoders manage.
"""
from __future__ import annotations

import threading
import time

import pmt
from gnuradio import gr

from ..data import load_dataset, to_uint8
from .pdu_util import image_pdu


class image_source(gr.basic_block):
    def __init__(self, dataset: str = "fashion-mnist", split: str = "test", start: int = 0, count: int = 16,
                 interval_s: float = 0.0, first_frame_id: int = 0, window: int = 0):
        gr.basic_block.__init__(self, "image_source", [], [])
        for name, v in (("start", start), ("count", count), ("first_frame_id", first_frame_id),
                        ("window", window)):
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {v!r}")
        if isinstance(interval_s, bool) or not isinstance(interval_s, (int, float)) or not 0 <= interval_s <= 3600:
            raise ValueError(f"interval_s must be in 0 … 3600 s, got {interval_s!r}")
        self.message_port_register_out(pmt.intern("out"))
        self.message_port_register_in(pmt.intern("credit"))
        self.set_msg_handler(pmt.intern("credit"), self._credit)
        self.window, self.in_flight = window, 0
        self._cv = threading.Condition()
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

    def _credit(self, _msg):
        with self._cv:
            self.in_flight = max(0, self.in_flight - 1)
            self._cv.notify_all()

    def _wait_for_window(self) -> bool:
        """Block while ``window`` frames are in flight; False when the flowgraph stops meanwhile."""
        if not self.window:
            return not self._stop.is_set()
        waited, warned = 0.0, False
        with self._cv:
            while self.in_flight >= self.window and not self._stop.is_set():
                self._cv.wait(0.1)
                waited += 0.1
                if waited > 30 and not warned:
                    warned = True
                    self.logger.warn(f"{self.window} frames in flight and no credit for 30 s: is image_sink's "
                                     "'done' port connected to this block's 'credit' port?")
            self.in_flight += 1
        return not self._stop.is_set()

    def stop(self):
        self._stop.set()
        with self._cv:
            self._cv.notify_all()
        if self._thread:
            self._thread.join(timeout=5)
        return True

    def _run(self):
        for j in range(self.count):
            if not self._wait_for_window():
                return
            idx = (self.start_index + j) % len(self.ds)
            x, label = self.ds[idx]
            meta = {"frame_id": self.first_id + j, "dataset": self.dataset, "split": self.split,
                    "dataset_index": idx, "label": int(label), "t_sent": time.time()}
            self.message_port_pub(pmt.intern("out"), image_pdu(to_uint8(x), meta))
            self.sent += 1
            if self.interval:
                self._stop.wait(self.interval)
