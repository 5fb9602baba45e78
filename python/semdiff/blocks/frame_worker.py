"""The discipline every torch-backed PDU block shares (diffusion_decoder, interference_canceller):

* frames arrive on message port ``in``; malformed ones are logged, counted and reported downstream
  as a PDU whose metadata has ``dropped`` (so a sink accounts for every frame);
* good frames wait in a bounded queue; a worker thread takes everything waiting (up to ``max_batch``)
  and processes it as one batch, so the scheduler's message thread never waits on torch;
* when the queue is full, ``drop_oldest`` or ``drop_newest`` decides which frame goes (counted, reported);
* ``stop()`` drains the queue (``on_stop="drain"``) or reports what waits as cancelled (``"cancel"``).

Subclasses implement ``parse(msg) -> (payload, meta)`` (raise ValueError for malformed frames) and
``process(batch) -> list of (meta, pmt vector)`` to publish on ``out``.
"""
from __future__ import annotations

import collections
import threading
import time

import pmt
from gnuradio import gr

from .pdu_util import dict_to_meta, meta_to_dict

POLICIES = ("drop_oldest", "drop_newest")
KEEP_ON_DROP = ("frame_id", "dataset", "split", "dataset_index", "label")


class frame_worker(gr.basic_block):
    def __init__(self, name: str, queue_size: int = 32, max_batch: int = 16, policy: str = "drop_oldest",
                 on_stop: str = "drain"):
        gr.basic_block.__init__(self, name, [], [])
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
        if on_stop not in ("drain", "cancel"):
            raise ValueError(f"on_stop must be 'drain' or 'cancel', got {on_stop!r}")
        if queue_size < 1 or max_batch < 1:
            raise ValueError("queue_size and max_batch must be >= 1")
        self.queue_size, self.max_batch, self.policy, self.on_stop = queue_size, max_batch, policy, on_stop
        self._q: collections.deque = collections.deque()
        self._cv = threading.Condition()
        self._running = False
        self._worker = None
        self.stats = collections.Counter(frames_in=0, processed=0, dropped_queue_full=0, dropped_malformed=0,
                                         dropped_cancelled=0, dropped_error=0)
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._on_frame)

    # -- to implement ------------------------------------------------------------------------------
    def parse(self, msg):
        raise NotImplementedError

    def process(self, batch: list) -> list:
        raise NotImplementedError

    def drop_meta(self) -> dict:
        """Extra metadata on drop reports (e.g. the method name)."""
        return {}

    # -- input side (scheduler thread) --------------------------------------------------------------
    def _on_frame(self, msg):
        self.stats["frames_in"] += 1
        try:
            payload, meta = self.parse(msg)
        except ValueError as e:
            fid = meta_to_dict(pmt.car(msg)).get("frame_id") if pmt.is_pair(msg) else None
            self.logger.warn(f"frame {fid if fid is not None else '?'}: dropped ({e})")
            self.report_drop({} if fid is None else {"frame_id": fid}, "malformed", str(e))
            return
        meta["t_rx"] = time.time()
        evicted = None
        with self._cv:
            if len(self._q) >= self.queue_size:
                if self.policy == "drop_newest":
                    evicted = meta
                else:
                    evicted = self._q.popleft()[1]
                    self._q.append((payload, meta))
            else:
                self._q.append((payload, meta))
            self._cv.notify()
        if evicted is not None:
            self.report_drop(evicted, "queue_full", f"queue of {self.queue_size} full ({self.policy})")

    def report_drop(self, meta: dict, reason: str, detail: str = ""):
        self.stats[f"dropped_{reason}"] += 1
        out = {k: v for k, v in meta.items() if k in KEEP_ON_DROP}
        out.update(dropped=reason, **self.drop_meta())
        if detail:
            out["detail"] = detail
        self.message_port_pub(pmt.intern("out"), pmt.cons(dict_to_meta(out), pmt.init_u8vector(0, [])))

    # -- worker --------------------------------------------------------------------------------------
    def start(self):
        self._running = True
        self._worker = threading.Thread(target=self._work, name=self.name(), daemon=True)
        self._worker.start()
        return True

    def stop(self):
        with self._cv:
            if self.on_stop == "cancel":
                while self._q:
                    self.report_drop(self._q.popleft()[1], "cancelled")
            self._running = False
            self._cv.notify_all()
        if self._worker:
            self._worker.join()
        return True

    def pending(self) -> int:
        with self._cv:
            return len(self._q)

    def _work(self):
        while True:
            with self._cv:
                while not self._q and self._running:
                    self._cv.wait(timeout=0.5)
                if not self._q and not self._running:
                    return
                batch = [self._q.popleft() for _ in range(min(self.max_batch, len(self._q)))]
            try:
                for meta, vec in self.process(batch):
                    self.message_port_pub(pmt.intern("out"), pmt.cons(dict_to_meta(meta), vec))
                    self.stats["processed"] += 1
            except Exception as e:  # a failed batch is reported frame by frame; the worker keeps going
                self.logger.error(f"processing a batch of {len(batch)} failed: {e!r}")
                for _, meta in batch:
                    self.report_drop(meta, "error", repr(e))
