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
from gnuradio import gr

from ..interference.icdm import BETA, ICDMParams, cancel
from ..interference.inject import inject
from ..interference.lemma1 import EqualizedModel, to_complex
from ..phy.interferers import WAVEFORMS
from .frame_worker import frame_worker
from .pdu_util import dict_to_meta, symbols_from_pdu

CLASSES = (*WAVEFORMS, "jscc")


class interference_injector(gr.basic_block):
    def __init__(self, k: int = 128, interferer: str = "qpsk", sinr_db: float = 0.0, snr_db: float = 20.0,
                 fading: str = "rayleigh", seed: int = 0, jscc: str = "jscc_fmnist_awgn_cbr1-16"):
        gr.basic_block.__init__(self, "interference_injector", [], [])
        self.k, self.fading, self.jscc = k, fading, jscc
        self.set_class(interferer)
        self.sinr_db, self.snr_db = float(sinr_db), float(snr_db)
        self.gen = torch.Generator().manual_seed(seed)
        self.stats = {"frames_in": 0, "frames_out": 0, "dropped_malformed": 0}
        self._source = None
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def set_class(self, interferer: str):
        if interferer not in CLASSES:
            raise ValueError(f"interferer class must be one of {CLASSES}, got {interferer!r}")
        self.interferer = interferer
        self._source = None

    def set_sinr_db(self, sinr_db: float):
        self.sinr_db = float(sinr_db)

    def set_seed(self, seed: int):
        self.gen = torch.Generator().manual_seed(int(seed))

    def _interference(self) -> torch.Tensor:
        if self.interferer != "jscc":
            return WAVEFORMS[self.interferer](1, self.k, generator=self.gen)
        if self._source is None:  # a second JSCC transmitter: two lower-CBR images side by side
            from ..models.symbol_sources import SymbolSource
            self._source = SymbolSource("jscc-pair", self.k, "train", jscc=self.jscc, limit=2000)
        return self._source.sample(1, self.gen)

    def _handle(self, msg):
        self.stats["frames_in"] += 1
        try:
            x, meta = symbols_from_pdu(msg, self.k)
        except ValueError as e:
            self.stats["dropped_malformed"] += 1
            self.logger.warn(f"dropped a frame: {e}")
            return
        r = inject(torch.from_numpy(x)[None], self._interference(), self.sinr_db, self.snr_db, self.fading,
                   generator=self.gen)
        model = EqualizedModel(r.h_x if self.fading == "rayleigh" else None, r.sigma2)
        y = to_complex(model.equalize(r.y))[0].numpy().astype(np.complex64)
        meta.update(noise_var=r.sigma2, snr_db=self.snr_db, sinr_db=self.sinr_db, interferer=self.interferer,
                    fading=self.fading, h_x=r.h_x[0].numpy(), interference_true=r.interference[0].numpy())
        self.message_port_pub(pmt.intern("out"), pmt.cons(dict_to_meta(meta), pmt.init_c32vector(len(y), y)))
        self.stats["frames_out"] += 1


class interference_canceller(frame_worker):
    def __init__(self, k: int = 128, signal_prior: str = "symprior_jscc_k128", interference_prior: str = "symprior_qpsk_rayleigh_k128",
                 steps: int = 40, order: int = 2, beta: float = BETA["rayleigh"], gamma: float = BETA["rayleigh"], queue_size: int = 32,
                 max_batch: int = 16, policy: str = "drop_oldest", seed: int = 0, priors=None, samples: int = 1):
        frame_worker.__init__(self, "interference_canceller", queue_size, max_batch, policy)
        if priors is None:
            from ..models.zoo import load_symbol_prior
            priors = (load_symbol_prior(signal_prior), load_symbol_prior(interference_prior))
        self.prior_x, self.prior_z = priors
        self.k = k
        self.params = ICDMParams(steps, order, beta, gamma, samples=samples)
        self.gen = torch.Generator().manual_seed(seed)

    def parse(self, msg):
        y, meta = symbols_from_pdu(msg, self.k)
        for key in ("noise_var", "sinr_db"):
            if key not in meta:
                raise ValueError(f"metadata lacks {key}")
        return y, meta

    def process(self, batch):
        y = torch.from_numpy(np.stack([b[0] for b in batch]))
        metas = [b[1] for b in batch]
        have_h = all("h_x" in m and m.get("fading") != "awgn" for m in metas)
        h = torch.from_numpy(np.stack([np.asarray(m["h_x"], dtype=np.complex64) for m in metas])) if have_h else None
        x, z_est, nfe = cancel(y, h, torch.tensor([float(m["noise_var"]) for m in metas]),
                               torch.tensor([float(m["sinr_db"]) for m in metas]), self.prior_x, self.prior_z,
                               self.params, self.gen)
        out = []
        for i, m in enumerate(metas):
            meta = {k: v for k, v in m.items() if k not in ("interference_true",)}
            meta.update(icdm_nfe=nfe, interference_est=z_est[i].numpy(), icdm=True)
            xi = x[i].numpy().astype(np.complex64)
            out.append((meta, pmt.init_c32vector(len(xi), xi)))
        return out
