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
from .pdu_util import dict_to_meta, image_from_pdu, meta_to_dict


class jscc_encoder_pdu(gr.basic_block):
    """Image PDU -> c32vector PDU of k symbols (unit average power). Bad PDUs are logged, counted, dropped."""

    def __init__(self, model: str = "jscc_fmnist_awgn_cbr1-8", snr_db: float = 10.0):
        gr.basic_block.__init__(self, "jscc_encoder_pdu", [], [])
        from ..models.zoo import load_jscc
        self.codec = load_jscc(model)
        self.snr_db = float(snr_db)
        self.stats = {"frames_in": 0, "frames_out": 0, "dropped_bad_pdu": 0}
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def set_snr_db(self, snr_db: float):
        """The SNR the (SNR-adaptive) encoder is told; the link's nominal SNR."""
        self.snr_db = float(snr_db)

    @property
    def k(self) -> int:
        return self.codec.cfg.k

    def _handle(self, msg):
        self.stats["frames_in"] += 1
        try:
            img, meta = image_from_pdu(msg)
            c = self.codec.cfg
            if img.shape != (c.image_size, c.image_size, c.channels):
                raise ValueError(f"image is {img.shape}, the codec takes {(c.image_size, c.image_size, c.channels)}")
        except ValueError as e:
            self.stats["dropped_bad_pdu"] += 1
            self.logger.warn(f"frame {meta_to_dict(pmt.car(msg)).get('frame_id', '?') if pmt.is_pair(msg) else '?'}: "
                             f"dropped ({e})")
            return
        with torch.no_grad():
            z = self.codec.encode(to_model_range(img).permute(2, 0, 1)[None], self.snr_db)[0].numpy()
        meta = {**meta, "encoder_snr_db": self.snr_db}
        self.message_port_pub(pmt.intern("out"), pmt.cons(dict_to_meta(meta),
                                                          pmt.init_c32vector(len(z), z.astype(np.complex64))))
        self.stats["frames_out"] += 1


class jscc_encoder(gr.hier_block2):
    """Message port ``in`` (image PDUs) -> stream of k complex symbols per frame, packet_len tagged."""

    def __init__(self, model: str = "jscc_fmnist_awgn_cbr1-8", snr_db: float = 10.0,
                 len_tag_key: str = "packet_len"):
        gr.hier_block2.__init__(self, "jscc_encoder", gr.io_signature(0, 0, 0),
                                gr.io_signature(1, 1, gr.sizeof_gr_complex))
        self.message_port_register_hier_in("in")
        self.enc = jscc_encoder_pdu(model, snr_db)
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
        return dict(self.enc.stats)
