"""``diffusion_decoder``: equalized symbol frames (PDUs with CSI metadata, e.g. from
``pdu.tagged_stream_to_pdu`` after the deframer and deinterleaver) in, decoded image PDUs out.

Queue, batching, drop policy and stop behaviour: ``frame_worker``. The method and its parameters
change at run time through the ``control`` port: a PMT dict {method: ..., <param>: ...}.
"""
from __future__ import annotations

import copy
import time

import numpy as np
import pmt
import torch

from ..data import to_uint8
from ..decoders import DecodeContext, RxBatch, decode
from ..decoders.registry import validate_params
from .frame_worker import frame_worker
from .pdu_util import finite_number, meta_to_dict, symbols_from_pdu


class diffusion_decoder(frame_worker):
    def __init__(self, method: str = "hifi_diffcom", params: dict | None = None,
                 jscc: str = "jscc_fmnist_awgn_cbr1-8", prior: str = "prior_fmnist", link_preset: str = "default",
                 pilot_type: str = "block", clip_ratio: float = 0.0, queue_size: int = 32, max_batch: int = 16,
                 policy: str = "drop_oldest", on_stop: str = "drain", seed: int = 0, context: DecodeContext = None,
                 stop_timeout: float = 1.0):
        frame_worker.__init__(self, "diffusion_decoder", queue_size, max_batch, policy, on_stop, stop_timeout)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        if context is None:
            from ..models.zoo import load_jscc
            from ..phy.link import preset
            k = load_jscc(jscc).cfg.k
            cfg = preset(link_preset, k, pilot_type, clip_ratio=clip_ratio if clip_ratio and clip_ratio > 0 else None)
            context = DecodeContext.from_zoo(jscc, prior, cfg)
        self._set_method(method, params or {})
        # the worker's copy: its image network checks the stop flag before every evaluation
        self.ctx = copy.copy(context)
        self.ctx.unet = self.interruptible(context.unet)
        self.gen = torch.Generator().manual_seed(seed)
        self.message_port_register_in(pmt.intern("control"))
        self.set_msg_handler(pmt.intern("control"), self._on_control)

    # -- configuration ----------------------------------------------------------------------------
    def _set_method(self, method: str, params: dict):
        if not isinstance(method, str):
            raise ValueError(f"method must be a name, got {method!r}")
        validate_params(method, params)              # raises ValueError naming the bad value
        self.method, self.params = method, dict(params)

    def set_method(self, method: str, params: dict | None = None):
        with self._cv:
            self._set_method(method, params or {})

    def _on_control(self, msg):
        try:
            d = meta_to_dict(msg) if pmt.is_dict(msg) else None
            if not isinstance(d, dict):
                raise ValueError("control message must be a PMT dict {method: ..., <param>: ...}")
            method = d.pop("method", self.method)
            params = d if d else (self.params if method == self.method else {})
            self.set_method(method, params)
            self.logger.info(f"decoding method now {self.method} {self.params}")
        except Exception as e:  # noqa: BLE001 — a control message never takes the block down
            self.logger.warn(f"control message rejected: {e}")

    def drop_meta(self) -> dict:
        return {"method": self.method}

    # -- frames -----------------------------------------------------------------------------------
    @property
    def h_shape(self) -> tuple[int, int]:
        g = self.ctx.link.grid
        return g.n_data_symbols, len(g.data_carriers)

    def parse(self, msg):
        """One frame's symbols and CSI, each value checked here so a bad frame never reaches a batch."""
        z, meta = symbols_from_pdu(msg, self.ctx.codec.cfg.k)
        meta["snr_db"] = finite_number(meta, "snr_db", -50.0, 100.0)
        meta["noise_var"] = finite_number(meta, "noise_var", 1e-12, 1e6)
        if "h_est" in meta:
            h = np.asarray(meta["h_est"])
            n = self.h_shape[0] * self.h_shape[1]
            if not np.iscomplexobj(h) or h.size != n or not np.isfinite(h).all():
                raise ValueError(f"metadata h_est must be {n} finite complex values, got {h.dtype} × {h.size}")
            meta["h_est"] = h.astype(np.complex64)
        return z, meta

    def process(self, batch):
        # frames with and without a channel estimate (or raw REs) decode as separate sub-batches
        groups: dict = {}
        for i, (_, m) in enumerate(batch):
            groups.setdefault(("h_est" in m, m.get("equalized") is False), []).append(i)
        out = [None] * len(batch)
        for idx in groups.values():
            for i, r in zip(idx, self._decode([batch[i] for i in idx])):
                out[i] = r
        return out

    def _decode(self, batch):
        with self._cv:
            method, params = self.method, dict(self.params)
        t0 = time.time()
        metas = [m for _, m in batch]
        rx = rx_batch_from_frames([z for z, _ in batch], metas, self.h_shape)
        res = decode(method, rx, self.ctx, generator=self.gen, **params)
        if not torch.isfinite(res.images).all():
            raise RuntimeError(f"{method} produced non-finite images")
        imgs = to_uint8(res.images)
        t1 = time.time()
        out = []
        for i, (img, meta) in enumerate(zip(imgs, metas)):
            m = {k: v for k, v in meta.items() if not isinstance(v, (list, tuple, np.ndarray))}
            h, w, c = img.shape
            m.update(method=method, steps=res.steps_of(i), nfe=res.nfe_of(i), batch=len(batch), height=h, width=w, channels=c,
                     latency_s=round(t1 - meta["t_rx"], 4), compute_s=round((t1 - t0) / len(batch), 4))
            out.append((m, pmt.init_u8vector(img.size, img.reshape(-1).tolist())))
        return out


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
