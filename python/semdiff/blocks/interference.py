"""``interference_injector`` and ``interference_canceller`` (PDU blocks).

injector: desired JSCC symbol frames in; out the receiver's MMSE-equalized y of ICDM eq. (1)
  y_c = √P_x h_x x_c + √P_z h_z z_c + n_c at the set SINR, with metadata h_x (known to the receiver),
  noise_var, snr_db, sinr_db and — for evaluation only — the true interference (``interference_true``).
  Classes: qpsk, 16qam, ofdm, tone, chirp, gaussian, and jscc (a second JSCC transmitter, other images).
canceller: those frames in, ICDM-cleaned symbols out (for any decoder), with the interference estimate
  in the metadata (``interference_est``); worker/queue discipline of ``frame_worker``.
"""
from __future__ import annotations

import numpy as np
import pmt
import torch

from ..interference.icdm import BETA, ICDMParams, cancel
from ..interference.inject import inject
from ..interference.lemma1 import EqualizedModel, to_complex
from ..phy.interferers import WAVEFORMS
from .accounting import accounting_block
from .frame_worker import frame_worker
from .pdu_util import finite_number, symbols_from_pdu

CLASSES = (*WAVEFORMS, "jscc")
FADINGS = ("rayleigh", "awgn", "none")


def _db(name: str, v, lo: float = -50.0, hi: float = 100.0) -> float:
    return finite_number({name: v}, name, lo, hi)


class interference_injector(accounting_block):
    def __init__(self, k: int = 128, interferer: str = "qpsk", sinr_db: float = 0.0, snr_db: float = 20.0,
                 fading: str = "rayleigh", seed: int = 0, jscc: str = "jscc_fmnist_awgn_cbr1-16"):
        accounting_block.__init__(self, "interference_injector")
        if fading not in FADINGS:
            raise ValueError(f"fading must be one of {FADINGS}, got {fading!r}")
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ValueError(f"k must be an integer >= 1, got {k!r}")
        self.k, self.fading, self.jscc = k, fading, jscc
        self.set_class(interferer)
        self.sinr_db, self.snr_db = _db("sinr_db", sinr_db), _db("snr_db", snr_db)
        if self.sinr_db >= self.snr_db:
            raise ValueError(f"sinr_db {self.sinr_db} must be below snr_db {self.snr_db} (interference power > 0)")
        self.set_seed(seed)
        self._source = None
        self.guarded_input("in", self._handle)

    def set_class(self, interferer: str):
        if interferer not in CLASSES:
            raise ValueError(f"interferer class must be one of {CLASSES}, got {interferer!r}")
        self.interferer = interferer
        self._source = None

    def set_sinr_db(self, sinr_db: float):
        v = _db("sinr_db", sinr_db)
        if v >= self.snr_db:
            raise ValueError(f"sinr_db {v} must be below snr_db {self.snr_db}")
        self.sinr_db = v

    def set_seed(self, seed: int):
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        self.gen = torch.Generator().manual_seed(seed)

    def _interference(self) -> torch.Tensor:
        if self.interferer != "jscc":
            return WAVEFORMS[self.interferer](1, self.k, generator=self.gen)
        if self._source is None:  # a second JSCC transmitter: two lower-CBR images side by side
            from ..models.symbol_sources import SymbolSource
            self._source = SymbolSource("jscc-pair", self.k, "train", jscc=self.jscc, limit=2000)
        return self._source.sample(1, self.gen)

    def _handle(self, msg):
        x, meta = symbols_from_pdu(msg, self.k)
        r = inject(torch.from_numpy(x)[None], self._interference(), self.sinr_db, self.snr_db, self.fading,
                   generator=self.gen)
        model = EqualizedModel(r.h_x if self.fading == "rayleigh" else None, r.sigma2)
        y = to_complex(model.equalize(r.y))[0].numpy().astype(np.complex64)
        meta.update(noise_var=r.sigma2, snr_db=self.snr_db, sinr_db=self.sinr_db, interferer=self.interferer,
                    fading=self.fading, h_x=r.h_x[0].numpy(), interference_true=r.interference[0].numpy())
        self.emit(meta, pmt.init_c32vector(len(y), y))


class interference_canceller(frame_worker):
    def __init__(self, k: int = 128, signal_prior: str = "symprior_jscc_k128", interference_prior: str = "symprior_qpsk_rayleigh_k128",
                 steps: int = 40, order: int = 2, beta: float = BETA["rayleigh"], gamma: float = BETA["rayleigh"], queue_size: int = 32,
                 max_batch: int = 16, policy: str = "drop_oldest", seed: int = 0, priors=None, samples: int = 1):
        frame_worker.__init__(self, "interference_canceller", queue_size, max_batch, policy)
        if priors is None:
            from ..models.zoo import load_symbol_prior
            priors = (load_symbol_prior(signal_prior), load_symbol_prior(interference_prior))
        for name, v, hi in (("k", k, 1 << 20), ("steps", steps, 100_000), ("order", order, 3), ("samples", samples, 64)):
            if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= hi:
                raise ValueError(f"{name} must be an integer in 1 … {hi}, got {v!r}")
        for name, v in (("beta", beta), ("gamma", gamma)):
            finite_number({name: v}, name, 0.0, 1e6)
        # the worker's copies check the stop flag before every evaluation (frame_worker.interruptible)
        self.prior_x, self.prior_z = (self.interruptible(p) for p in priors)
        self.k = k
        self.params = ICDMParams(steps, order, float(beta), float(gamma), samples=samples)
        self.gen = torch.Generator().manual_seed(seed)

    def parse(self, msg):
        y, meta = symbols_from_pdu(msg, self.k)
        meta["noise_var"] = finite_number(meta, "noise_var", 1e-12, 1e6)
        meta["sinr_db"] = finite_number(meta, "sinr_db", -50.0, 100.0)
        if meta["noise_var"] >= 10 ** (-meta["sinr_db"] / 10):
            raise ValueError(f"metadata sinr_db {meta['sinr_db']} leaves no interference power above noise_var "
                             f"{meta['noise_var']}")
        if "h_x" in meta:
            h = np.asarray(meta["h_x"])
            if not np.iscomplexobj(h) or h.size != self.k or not np.isfinite(h).all():
                raise ValueError(f"metadata h_x must be {self.k} finite complex gains")
            meta["h_x"] = h.astype(np.complex64)
        return y, meta

    def process(self, batch):
        y = torch.from_numpy(np.stack([b[0] for b in batch]))
        metas = [b[1] for b in batch]
        have_h = all("h_x" in m and m.get("fading") != "awgn" for m in metas)
        h = torch.from_numpy(np.stack([np.asarray(m["h_x"], dtype=np.complex64) for m in metas])) if have_h else None
        # frames with and without known fading gains cannot share one model; the worker retries singly
        if len({("h_x" in m and m.get("fading") != "awgn") for m in metas}) > 1 and len(batch) > 1:
            raise RuntimeError("mixed faded / unfaded frames in one batch")
        x, z_est, nfe = cancel(y, h, torch.tensor([float(m["noise_var"]) for m in metas]),
                               torch.tensor([float(m["sinr_db"]) for m in metas]), self.prior_x, self.prior_z,
                               self.params, self.gen)
        out = []
        for i, m in enumerate(metas):
            meta = {k: v for k, v in m.items() if k not in ("interference_true",)}
            meta.update(icdm_nfe=nfe, interference_est=z_est[i].numpy(), icdm=True)
            xi = x[i].numpy().astype(np.complex64)
            if not np.isfinite(xi).all():
                raise RuntimeError("ICDM produced non-finite symbols")
            out.append((meta, pmt.init_c32vector(len(xi), xi)))
        return out
