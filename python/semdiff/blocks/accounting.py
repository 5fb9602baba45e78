"""The frame-accounting contract of every gr-semdiff PDU block, written down once and enforced here.

1. Every frame that enters a block leaves it as exactly one output on ``out``: the processed frame, or
   a *drop report* — a PDU with an empty u8vector whose metadata holds ``dropped`` (the reason),
   ``detail``, the ``frame_id`` when it was a valid one, and the keys a sink scores with. This holds
   during and after ``stop()``: what a block cannot finish it reports as ``cancelled``.
2. No exception escapes a message handler, a worker or ``work()``: a failure becomes the frame's drop
   report (``malformed`` for values rejected at parse, ``error`` for anything else) and the block goes on.
3. Malformed values are rejected at the boundary — constructor and setters raise ValueError naming the
   parameter; a frame's metadata is checked when it is parsed, frame by frame, so one bad frame never
   spoils the others of its batch.
4. ``stats()`` counts ``frames_in``, ``processed`` and ``dropped_<reason>``; frames_in equals processed
   plus all drops once the block is idle. A drop report arriving from upstream is passed on unchanged
   (counted as ``dropped_upstream``), so the sink sees the reason of the block that dropped the frame.
"""
from __future__ import annotations

import collections
import threading

import pmt
from gnuradio import gr

from .pdu_util import dict_to_meta, frame_id_of, meta_to_dict

# metadata a drop report keeps so the sink can still attribute and score the frame
KEEP_ON_DROP = ("dataset", "split", "dataset_index", "label", "method")


def _meta_of(msg) -> dict:
    try:
        return meta_to_dict(pmt.car(msg)) if pmt.is_pair(msg) else {}
    except Exception:  # noqa: BLE001 — the contract: nothing escapes
        return {}


class accounting_block(gr.basic_block):
    """Base of the PDU blocks: counters, drop reports and a guarded input handler.

    Subclasses register their input with ``self.guarded_input("in", self.handle)``: ``handle(msg)``
    publishes exactly one frame through ``self.emit`` or raises; a raise before emitting becomes the
    frame's drop report."""

    def __init__(self, name: str, out_port: str = "out", drop_port: str | None = None):
        """``drop_port``: where drop reports go when ``out`` feeds something that takes only good frames
        (the encoder's ``out`` becomes a tagged stream); default: ``out`` itself."""
        gr.basic_block.__init__(self, name, [], [])
        self._out = pmt.intern(out_port)
        self.message_port_register_out(self._out)
        self._drops = self._out
        if drop_port and drop_port != out_port:
            self._drops = pmt.intern(drop_port)
            self.message_port_register_out(self._drops)
        self._counts = collections.Counter(frames_in=0, processed=0)
        self._count_lock = threading.Lock()
        self._tl = threading.local()   # per thread: has the frame being handled been accounted for?

    # -- counters ------------------------------------------------------------------------------------
    def count(self, key: str, n: int = 1):
        with self._count_lock:
            self._counts[key] += n

    def stats(self) -> dict:
        with self._count_lock:
            return dict(self._counts)

    def drop_meta(self) -> dict:
        """Extra metadata on drop reports (e.g. the decoding method)."""
        return {}

    # -- outputs -------------------------------------------------------------------------------------
    def emit(self, meta: dict, vec):
        self.message_port_pub(self._out, pmt.cons(dict_to_meta(meta), vec))
        self.count("processed")
        self.accounted()

    def accounted(self):
        """The frame being handled on this thread has its one output (or waits in a queue that will
        give it one): an exception from here on is logged, not reported a second time."""
        self._tl.done = True

    def report_drop(self, meta: dict, reason: str, detail: str = ""):
        self.count(f"dropped_{reason}")
        out = {k: meta[k] for k in KEEP_ON_DROP if k in meta}
        fid = frame_id_of(meta)
        if fid is not None:
            out["frame_id"] = fid
        elif "frame_id" in meta:
            out["bad_frame_id"] = repr(meta["frame_id"])[:80]
        out.update(dropped=reason, **self.drop_meta())
        if detail:
            out["detail"] = detail[:300]
        try:
            self.message_port_pub(self._drops, pmt.cons(dict_to_meta(out), pmt.init_u8vector(0, [])))
        except Exception as e:  # noqa: BLE001 — e.g. publishing after the flowgraph was torn down
            self.logger.error(f"could not publish a drop report ({reason}): {e!r}")

    # -- input ---------------------------------------------------------------------------------------
    def guarded_input(self, port: str, handle):
        def on_msg(msg):
            self.count("frames_in")
            self._tl.done = False
            try:
                if "dropped" in _meta_of(msg):   # an upstream block's drop report travels on unchanged
                    self.count("dropped_upstream")
                    self.message_port_pub(self._drops, msg)
                    return
                handle(msg)
                if not getattr(self._tl, "done", False):   # a handler that forgot its frame breaks rule 1
                    raise RuntimeError("the handler produced no output for this frame")
            except Exception as e:  # noqa: BLE001 — rule 2: the frame is reported, the block goes on
                if getattr(self._tl, "done", False):
                    self.logger.error(f"after the frame was accounted for: {e!r}")
                    return
                meta = _meta_of(msg)
                reason = "malformed" if isinstance(e, ValueError) else "error"
                self.logger.warn(f"frame {frame_id_of(meta) if frame_id_of(meta) is not None else '?'}: "
                                 f"dropped ({reason}: {e})")
                self.report_drop(meta, reason, str(e) if reason == "malformed" else repr(e))

        # GNU Radio's Python gateway calls a handler by its attribute name on the block
        on_msg.__name__ = f"_guarded_{port}"
        setattr(self, on_msg.__name__, on_msg)
        self.message_port_register_in(pmt.intern(port))
        self.set_msg_handler(pmt.intern(port), on_msg)
