"""``diffusion_decoder``: equalized symbol frames (PDUs with CSI metadata, e.g. from
``pdu.tagged_stream_to_pdu`` after the deframer and deinterleaver) in, decoded image PDUs out.

Inference runs in a worker thread fed by a bounded queue, so the scheduler's message thread never
waits on torch; frames waiting together are decoded as one batch. When the queue is full the drop
policy decides (``drop_oldest`` or ``drop_newest``) and the drop is counted and reported downstream as
a PDU with ``dropped`` in its metadata, so the sink accounts for every frame. The method and its
parameters change at run time through the ``control`` port: a PMT dict {method: ..., <param>: ...}.
``stop()`` drains the queue (``on_stop="drain"``) or cancels what is waiting (``"cancel"``).
"""
from __future__ import annotations

import collections
import threading
import time

import numpy as np
import pmt
import torch
from gnuradio import gr

from ..data import to_uint8
from ..decoders import DecodeContext, RxBatch, decode, get_method
from .pdu_util import dict_to_meta, meta_to_dict, symbols_from_pdu

POLICIES = ("drop_oldest", "drop_newest")


class diffusion_decoder(gr.basic_block):
    def __init__(self, method: str = "hifi_diffcom", params: dict | None = None,
                 jscc: str = "jscc_fmnist_awgn_cbr1-8", prior: str = "prior_fmnist", link_preset: str = "default",
                 pilot_type: str = "block", clip_ratio: float = 0.0, queue_size: int = 32, max_batch: int = 16,
                 policy: str = "drop_oldest", on_stop: str = "drain", seed: int = 0, context: DecodeContext = None):
        gr.basic_block.__init__(self, "diffusion_decoder", [], [])
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
        if on_stop not in ("drain", "cancel"):
            raise ValueError(f"on_stop must be 'drain' or 'cancel', got {on_stop!r}")
        if queue_size < 1 or max_batch < 1:
            raise ValueError("queue_size and max_batch must be >= 1")
        if context is None:
            from ..phy.link import preset
            from ..models.zoo import load_jscc
            k = load_jscc(jscc).cfg.k
            cfg = preset(link_preset, k, pilot_type, clip_ratio=clip_ratio if clip_ratio and clip_ratio > 0 else None)
            context = DecodeContext.from_zoo(jscc, prior, cfg)
        self.ctx = context
        self._set_method(method, params or {})
        self.queue_size, self.max_batch, self.policy, self.on_stop = queue_size, max_batch, policy, on_stop
        self.gen = torch.Generator().manual_seed(seed)
        self._q: collections.deque = collections.deque()
        self._cv = threading.Condition()
        self._running = False
        self._worker = None
        self.stats = collections.Counter(frames_in=0, decoded=0, dropped_queue_full=0, dropped_malformed=0,
                                         dropped_cancelled=0, dropped_error=0)
        for port in ("in", "control"):
            self.message_port_register_in(pmt.intern(port))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._on_frame)
        self.set_msg_handler(pmt.intern("control"), self._on_control)

    # -- configuration ----------------------------------------------------------------------------
    def _set_method(self, method: str, params: dict):
        m = get_method(method)                       # raises on unknown names
        unknown = set(params) - set(m.defaults)
        if unknown:
            raise ValueError(f"{method} has no parameter(s) {sorted(unknown)}; it takes {sorted(m.defaults)}")
        self.method, self.params = method, dict(params)

    def set_method(self, method: str, params: dict | None = None):
        with self._cv:
            self._set_method(method, params or {})

    def _on_control(self, msg):
        d = pmt.to_python(msg) if pmt.is_dict(msg) else None
        if not isinstance(d, dict):
            self.logger.warn("control message must be a PMT dict {method: ..., <param>: ...}; ignored")
            return
        method = d.pop("method", self.method)
        params = d if d else (self.params if method == self.method else {})
        try:
            self.set_method(method, params)
            self.logger.info(f"decoding method now {self.method} {self.params}")
        except ValueError as e:
            self.logger.warn(f"control message rejected: {e}")

    # -- input side (scheduler thread: never blocks on torch) --------------------------------------
    def _on_frame(self, msg):
        self.stats["frames_in"] += 1
        try:
            z, meta = symbols_from_pdu(msg, self.ctx.codec.cfg.k)
            if "snr_db" not in meta or "noise_var" not in meta:
                raise ValueError("metadata lacks snr_db / noise_var (CSI from the deframer)")
        except ValueError as e:
            fid = meta_to_dict(pmt.car(msg)).get("frame_id", "?") if pmt.is_pair(msg) else "?"
            self.logger.warn(f"frame {fid}: dropped ({e})")
            self._report_drop({"frame_id": fid} if fid != "?" else {}, "malformed", str(e))
            return
        meta["t_rx"] = time.time()
        evicted = None
        with self._cv:
            if len(self._q) >= self.queue_size:
                if self.policy == "drop_newest":
                    evicted = meta
                else:
                    evicted = self._q.popleft()[1]
                    self._q.append((z, meta))
            else:
                self._q.append((z, meta))
            self._cv.notify()
        if evicted is not None:
            self._report_drop(evicted, "queue_full", f"queue of {self.queue_size} full ({self.policy})")

    def _report_drop(self, meta: dict, reason: str, detail: str = ""):
        self.stats[f"dropped_{reason}"] += 1
        out = {k: v for k, v in meta.items() if k in ("frame_id", "dataset", "split", "dataset_index", "label")}
        out.update(dropped=reason, method=self.method)
        if detail:
            out["detail"] = detail
        self.message_port_pub(pmt.intern("out"), pmt.cons(dict_to_meta(out), pmt.init_u8vector(0, [])))

    # -- worker -----------------------------------------------------------------------------------
    def start(self):
        self._running = True
        self._worker = threading.Thread(target=self._work, name="diffusion_decoder", daemon=True)
        self._worker.start()
        return True

    def stop(self):
        with self._cv:
            if self.on_stop == "cancel":
                while self._q:
                    self._report_drop(self._q.popleft()[1], "cancelled")
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
                method, params = self.method, dict(self.params)
            try:
                self._decode(batch, method, params)
            except Exception as e:  # a failed batch is reported frame by frame; the worker keeps going
                self.logger.error(f"decoding a batch of {len(batch)} failed: {e!r}")
                for _, meta in batch:
                    self._report_drop(meta, "error", repr(e))

    def _decode(self, batch, method, params):
        t0 = time.time()
        metas = [m for _, m in batch]
        g = self.ctx.link.grid
        rx = rx_batch_from_frames([z for z, _ in batch], metas, (g.n_data_symbols, len(g.data_carriers)))
        res = decode(method, rx, self.ctx, generator=self.gen, **params)
        imgs = to_uint8(res.images)
        t1 = time.time()
        for img, meta in zip(imgs, metas):
            out = {k: v for k, v in meta.items() if not isinstance(v, (list, tuple, np.ndarray))}
            out.update(method=method, steps=res.steps, nfe=res.nfe, batch=len(batch),
                       latency_s=round(t1 - meta["t_rx"], 4), compute_s=round((t1 - t0) / len(batch), 4))
            h, w, c = img.shape
            out.update(height=h, width=w, channels=c)
            self.message_port_pub(pmt.intern("out"), pmt.cons(dict_to_meta(out),
                                                              pmt.init_u8vector(img.size, img.reshape(-1).tolist())))
            self.stats["decoded"] += 1


def rx_batch_from_frames(symbols: list, metas: list[dict], h_shape: tuple[int, int]) -> RxBatch:
    """Stack frames and their CSI metadata (snr_db, noise_var, h_est on the data REs as the deframer tags
    it, ``equalized``) into one RxBatch. Frames from a deframer run without estimation are the raw REs
    blind decoding needs."""
    z = torch.from_numpy(np.stack(symbols))
    nv = torch.tensor([float(m["noise_var"]) for m in metas], dtype=torch.float32)
    snr = torch.tensor([float(m["snr_db"]) for m in metas], dtype=torch.float32)
    h = None
    if all("h_est" in m for m in metas):
        h = torch.from_numpy(np.stack([np.asarray(m["h_est"], dtype=np.complex64) for m in metas]))
        h = h.reshape(len(metas), *h_shape)
    raw = z if all(m.get("equalized") is False for m in metas) else None
    return RxBatch(z, nv, snr, h, raw=raw)
