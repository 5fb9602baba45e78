"""``jscc_encoder``: image PDUs in, JSCC symbol frames out as a packet_len tagged stream (frame_id and the
source metadata ride along as tags), ready for the interleaver and the OFDM framer.

Inside: a PDU block running the torch encoder in batches of whatever is waiting, and GNU Radio's own
``pdu.pdu_to_tagged_stream`` for the PDU → tagged-stream step.
"""
from __future__ import annotations

import numpy as np
import pmt
import torch
from gnuradio import gr, pdu

from ..data import to_model_range
from .accounting import accounting_block
from .pdu_util import image_from_pdu


def _snr(v) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not -50 <= float(v) <= 100:
        raise ValueError(f"snr_db must be a finite number in -50 … 100 dB, got {v!r}")
    return float(v)


class jscc_encoder_pdu(accounting_block):
    """Image PDU -> c32vector PDU of k symbols (unit average power) on ``out``; a bad PDU becomes a drop
    report on ``drops`` (``out`` feeds a tagged stream, which takes symbols only)."""

    def __init__(self, model: str = "jscc_fmnist_awgn_cbr1-8", snr_db: float = 10.0):
        accounting_block.__init__(self, "jscc_encoder_pdu", drop_port="drops")
        from ..models.zoo import load_jscc
        self.codec = load_jscc(model)
        self.snr_db = _snr(snr_db)
        self.guarded_input("in", self._handle)

    def set_snr_db(self, snr_db: float):
        """The SNR the (SNR-adaptive) encoder is told; the link's nominal SNR."""
        self.snr_db = _snr(snr_db)

    @property
    def k(self) -> int:
        return self.codec.cfg.k

    def _handle(self, msg):
        img, meta = image_from_pdu(msg)
        c = self.codec.cfg
        if img.shape != (c.image_size, c.image_size, c.channels):
            raise ValueError(f"image is {img.shape}, the codec takes {(c.image_size, c.image_size, c.channels)}")
        with torch.no_grad():
            z = self.codec.encode(to_model_range(img).permute(2, 0, 1)[None], self.snr_db)[0].numpy()
        meta = {**meta, "encoder_snr_db": self.snr_db}
        self.emit(meta, pmt.init_c32vector(len(z), z.astype(np.complex64)))


class jscc_encoder(gr.hier_block2):
    """Message port ``in`` (image PDUs) -> stream of k complex symbols per frame, packet_len tagged."""

    def __init__(self, model: str = "jscc_fmnist_awgn_cbr1-8", snr_db: float = 10.0,
                 len_tag_key: str = "packet_len"):
        gr.hier_block2.__init__(self, "jscc_encoder", gr.io_signature(0, 0, 0),
                                gr.io_signature(1, 1, gr.sizeof_gr_complex))
        self.message_port_register_hier_in("in")
        self.message_port_register_hier_out("drops")
        self.enc = jscc_encoder_pdu(model, snr_db)
        self.msg_connect(self.enc, "drops", self, "drops")
        self.to_stream = pdu.pdu_to_tagged_stream(gr.types.complex_t, len_tag_key)
        self.msg_connect(self, "in", self.enc, "in")
        self.msg_connect(self.enc, "out", self.to_stream, "pdus")
        self.connect(self.to_stream, self)

    def set_snr_db(self, snr_db: float):
        self.enc.set_snr_db(snr_db)

    @property
    def k(self) -> int:
        return self.enc.k

    def stats(self) -> dict:
        return self.enc.stats()
