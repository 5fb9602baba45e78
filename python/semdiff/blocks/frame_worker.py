"""The discipline every torch-backed PDU block shares (diffusion_decoder, interference_canceller), on
top of the frame-accounting contract of ``accounting``:

* frames arrive on message port ``in``; ``parse`` checks each one (a ValueError is that frame's
  ``malformed`` drop report, never its batch's);
* good frames wait in a bounded queue; a worker thread takes everything waiting (up to ``max_batch``)
  and processes it as one batch, so the scheduler's message thread never waits on torch; if a batch
  fails, its frames are retried one by one, so only the frame at fault is dropped;
* when the queue is full, ``drop_oldest`` or ``drop_newest`` decides which frame goes (reported);
* ``stop()`` returns within about ``stop_timeout`` seconds: ``on_stop="drain"`` keeps working until
  then, ``"cancel"`` stops at once; the batch in progress is interrupted between network evaluations
  (``interruptible``) and every frame not finished is reported ``cancelled``.

Subclasses implement ``parse(msg) -> (payload, meta)`` and ``process(batch) -> list of (meta, pmt
vector)``, one per frame of the batch, in order.
"""
from __future__ import annotations

import collections
import threading
import time

import torch

from .accounting import accounting_block

POLICIES = ("drop_oldest", "drop_newest")
ON_STOP = ("drain", "cancel")


class Cancelled(Exception):
    """Raised between network evaluations once stop() decided not to wait any longer."""


class Interruptible(torch.nn.Module):
    """A network that checks a stop flag before every evaluation — the one place every sampler passes
    through once per step, whatever the method."""

    def __init__(self, inner: torch.nn.Module, flag: threading.Event):
        super().__init__()
        self.inner, self._flag = inner, flag

    @property
    def config(self):
        return self.inner.config

    def guard(self, module: torch.nn.Module) -> "Interruptible":
        """Another network behind the same stop flag (DecodeContext.guarded)."""
        return Interruptible(module, self._flag)

    def forward(self, *args, **kwargs):
        if self._flag.is_set():
            raise Cancelled()
        return self.inner(*args, **kwargs)


class frame_worker(accounting_block):
    def __init__(self, name: str, queue_size: int = 32, max_batch: int = 16, policy: str = "drop_oldest",
                 on_stop: str = "drain", stop_timeout: float = 1.0):
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
        if on_stop not in ON_STOP:
            raise ValueError(f"on_stop must be one of {ON_STOP}, got {on_stop!r}")
        for key, v in (("queue_size", queue_size), ("max_batch", max_batch)):
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{key} must be an integer >= 1, got {v!r}")
        if not isinstance(stop_timeout, (int, float)) or not 0 <= stop_timeout <= 60:
            raise ValueError(f"stop_timeout must be in 0 … 60 s, got {stop_timeout!r}")
        accounting_block.__init__(self, name)
        self.queue_size, self.max_batch, self.policy, self.on_stop = queue_size, max_batch, policy, on_stop
        self.stop_timeout = float(stop_timeout)
        self._q: collections.deque = collections.deque()
        self._cv = threading.Condition()
        self._running = False
        self._cancel = threading.Event()
        self._worker = None
        self.guarded_input("in", self._on_frame)

    def interruptible(self, module: torch.nn.Module) -> Interruptible:
        return Interruptible(module, self._cancel)

    # -- to implement ------------------------------------------------------------------------------
    def parse(self, msg):
        raise NotImplementedError

    def process(self, batch: list) -> list:
        raise NotImplementedError

    # -- input side (scheduler thread) --------------------------------------------------------------
    def _on_frame(self, msg):
        payload, meta = self.parse(msg)          # ValueError: this frame's "malformed" report
        meta["t_rx"] = time.time()
        evicted = None
        with self._cv:
            if not self._running and self._worker is not None:
                evicted = meta                   # after stop(): nobody will process it
            elif len(self._q) >= self.queue_size:
                if self.policy == "drop_newest":
                    evicted = meta
                else:
                    evicted = self._q.popleft()[1]
                    self._q.append((payload, meta))
            else:
                self._q.append((payload, meta))
            self._cv.notify()
        self.accounted()
        if evicted is meta and not self._running and self._worker is not None:
            self.report_drop(meta, "cancelled", "arrived after stop()")
        elif evicted is not None:
            self.report_drop(evicted, "queue_full", f"queue of {self.queue_size} full ({self.policy})")

    # -- worker --------------------------------------------------------------------------------------
    def start(self):
        self._cancel.clear()
        self._running = True
        self._worker = threading.Thread(target=self._work, name=self.name(), daemon=True)
        self._worker.start()
        return True

    def _cancel_queued(self, detail: str):
        with self._cv:
            left = [self._q.popleft()[1] for _ in range(len(self._q))]
        for meta in left:
            self.report_drop(meta, "cancelled", detail)

    def stop(self):
        with self._cv:
            self._running = False
            self._cv.notify_all()
        if self.on_stop == "cancel":
            self._cancel.set()
            self._cancel_queued("stop() with on_stop=cancel")
        if self._worker:
            self._worker.join(timeout=self.stop_timeout)
            if self._worker.is_alive():          # drain ran out of time: interrupt and report the rest
                self._cancel.set()
                self._cancel_queued(f"not done {self.stop_timeout:g} s after stop()")
                self._worker.join(timeout=5.0)
        self._cancel_queued("stop()")
        return True

    def pending(self) -> int:
        with self._cv:
            return len(self._q)

    def _work(self):
        while True:
            with self._cv:
                while not self._q and self._running:
                    self._cv.wait(timeout=0.5)
                if not self._q:
                    return
                batch = [self._q.popleft() for _ in range(min(self.max_batch, len(self._q)))]
            self._run_batch(batch)

    def _run_batch(self, batch: list, retry: bool = True):
        if self._cancel.is_set():
            for _, meta in batch:
                self.report_drop(meta, "cancelled", "stop() interrupted decoding")
            return
        try:
            results = self.process(batch)
            if len(results) != len(batch):
                raise RuntimeError(f"process() returned {len(results)} results for {len(batch)} frames")
        except Cancelled:
            for _, meta in batch:
                self.report_drop(meta, "cancelled", "stop() interrupted decoding")
            return
        except Exception as e:  # noqa: BLE001 — retry frame by frame: only the frame at fault is dropped
            if retry and len(batch) > 1:
                self.logger.warn(f"a batch of {len(batch)} failed ({e!r}); retrying its frames one by one")
                for item in batch:
                    self._run_batch([item], retry=False)
                return
            self.logger.error(f"processing failed: {e!r}")
            for _, meta in batch:
                self.report_drop(meta, "error", repr(e))
            return
        for meta, vec in results:
            self.emit(meta, vec)
