"""``live_view``: a Qt widget that shows, per frame, the original image (when known), the DeepJSCC image
and the diffusion decoder's output side by side, each with its PSNR and method — next to GNU Radio's
own constellation sink in the GUI examples. Feed it the image PDUs of one or more diffusion_decoder
blocks (e.g. a deepjscc and a hifi_diffcom decoder on the same frames).

The GR handler thread never touches Qt: it emits a Qt signal and the widget updates in the GUI thread.
With ``snapshot`` set, the window is saved as PNG after every update (a record of a run, and how the
tests check that it shows images).
"""
from __future__ import annotations

import numpy as np
import pmt
from gnuradio import gr

from ..blocks.pdu_util import frame_id_of, image_from_pdu, meta_to_dict


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    # display only (numpy, no torch import in the GUI path); image_sink's scores are the reference ones
    mse = float(np.mean((a.astype(np.float64) / 255 - b.astype(np.float64) / 255) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1.0 / mse)


class live_view(gr.basic_block):
    def __init__(self, reference: str = "fashion-mnist:test:0", rows: int = 4, snapshot: str = "",
                 methods: str = "deepjscc,hifi_diffcom"):
        gr.basic_block.__init__(self, "live_view", [], [])
        if not isinstance(rows, int) or isinstance(rows, bool) or not 1 <= rows <= 16:
            raise ValueError(f"rows must be an integer in 1 … 16, got {rows!r}")
        self.methods = [m.strip() for m in str(methods).split(",") if m.strip()]
        if not self.methods:
            raise ValueError("methods must name at least one decoding method (comma list)")
        self.rows, self.snapshot = rows, snapshot
        self._ref = None
        if reference:
            name, split, first = str(reference).rsplit(":", 2)
            if not first.isdigit():
                raise ValueError(f"reference must be 'dataset:split:first_index', got {reference!r}")
            from ..data import load_dataset, to_uint8
            self._ref, self._first, self._to_u8 = load_dataset(name, split), int(first), to_uint8
        self.frames: dict[int, dict[str, tuple[np.ndarray, float | None]]] = {}
        self.shown = 0
        self._widget = None
        self.message_port_register_in(pmt.intern("in"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def original(self, meta: dict, fid: int):
        if self._ref is None:
            return None
        idx = meta.get("dataset_index")
        idx = idx if isinstance(idx, int) else self._first + fid
        if not 0 <= idx < len(self._ref):
            return None
        return self._to_u8(self._ref[idx][0])

    def _handle(self, msg):
        try:
            img, meta = image_from_pdu(msg)
        except ValueError:
            return                          # drop reports and the like: nothing to show
        meta = meta_to_dict(pmt.car(msg))
        fid = frame_id_of(meta)
        if fid is None:
            return
        orig = self.original(meta, fid)
        row = self.frames.setdefault(fid, {})
        if orig is not None:
            row["original"] = (orig, None)
        row[str(meta.get("method", "?"))] = (img, _psnr(img, orig) if orig is not None and orig.shape == img.shape
                                             else None)
        for old in sorted(self.frames)[:-self.rows]:
            del self.frames[old]
        if self._widget is not None:
            self._widget.changed.emit()

    def widget(self):
        """The Qt widget (created on first call, in the GUI thread, once QApplication exists)."""
        if self._widget is None:
            from .view_widget import LiveViewWidget
            self._widget = LiveViewWidget(self)
        return self._widget
