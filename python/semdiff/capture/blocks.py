"""GNU Radio blocks for SigMF captures: a sink that records IQ with its gr-semdiff metadata, and a source
that replays a validated capture (GNU Radio's file_source). The sink's Python runs once per buffer
(one write, one tag query), never per sample."""
from __future__ import annotations

import datetime as _dt
import threading

import numpy as np
import pmt
from gnuradio import blocks, gr

from ..blocks.late_messages import drain, keep_draining
from .meta import LinkSetup, open_capture, paths, write_meta

GRACE_S = 2.0


class _frame_tags(gr.sync_block):
    """Pass-through probe: remembers (offset, length, frame_id) of every packet_len-tagged frame."""

    def __init__(self, len_key: str = "packet_len"):
        gr.sync_block.__init__(self, "frame_tags", [np.complex64], [])
        self.key = pmt.intern(len_key)
        self.frames: list[tuple[int, int, int]] = []
        self.lock = threading.Lock()

    def _note(self, n: int):
        start = self.nitems_read(0)
        tags = self.get_tags_in_range(0, start, start + n)
        ids = {t.offset: pmt.to_python(t.value) for t in tags if pmt.symbol_to_string(t.key) == "frame_id"}
        with self.lock:
            for t in tags:
                if pmt.eqv(t.key, self.key) and pmt.is_integer(t.value):
                    fid = ids.get(t.offset)
                    self.frames.append((t.offset, pmt.to_long(t.value), fid if isinstance(fid, int) else -1))

    def work(self, input_items, output_items):
        self._note(len(input_items[0]))
        return len(input_items[0])


class sigmf_capture_sink(_frame_tags):
    """Records the complex stream to FILE.sigmf-data and, when the flowgraph stops, FILE.sigmf-meta with the
    sample rate, centre frequency, hardware, start time, the link (``semdiff:link`` + hash) and one
    annotation per frame: sent (packet_len-tagged frames that passed, e.g. air_framer's bursts on the TX
    side) or received (ofdm_sync's "frames" announcements on the message port of that name).

    It writes the samples itself (one write per buffer) instead of feeding GNU Radio's file_sink: the
    metadata carries the data's SHA-512, so it must be written by the block that wrote the last sample,
    after it — in this block's stop()."""

    def __init__(self, path: str, sample_rate: float, center_freq: float = 0.0, hw: str = "unknown",
                 link: LinkSetup | dict | None = None, reference: str = "", description: str = "",
                 len_tag_key: str = "packet_len"):
        _frame_tags.__init__(self, len_tag_key)
        if not (isinstance(sample_rate, (int, float)) and np.isfinite(sample_rate) and sample_rate > 0):
            raise ValueError(f"sample_rate must be a positive number of samples/s, got {sample_rate!r}")
        self.link = link if isinstance(link, LinkSetup) else LinkSetup.from_dict(link or {})
        self.data, self.meta = paths(path)
        self.data.parent.mkdir(parents=True, exist_ok=True)
        self.sample_rate, self.center_freq, self.hw = float(sample_rate), float(center_freq), str(hw)
        self.reference, self.description = reference, description
        self.started = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self._file = open(self.data, "wb")
        self.received: list[tuple[int, int, int, float]] = []
        self.message_port_register_in(pmt.intern("frames"))
        self.set_msg_handler(pmt.intern("frames"), self._received)

    def _received(self, msg):
        """ofdm_sync's "frames" announcements: a received burst becomes an annotation too."""
        try:
            d = pmt.to_python(msg)
            item = (int(d["timing"]), int(d["burst_len"]), int(d["frame_id"]), float(d.get("sync_snr_db", "nan")))
        except (KeyError, TypeError, ValueError, AttributeError):
            self.logger.warn("frames: ignoring a message that is not an ofdm_sync announcement")
            return
        with self.lock:
            self.received.append(item)

    def work(self, input_items, output_items):
        x = input_items[0]
        self._note(len(x))
        if self._file is not None:
            self._file.write(x.tobytes())
        return len(x)

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def stop(self):
        """Close the data file and write the metadata; announcements still on their way (the sync may
        finish its last bursts after this block stopped) are added within GRACE_S, rewriting it."""
        self.close()
        drain(self, "frames", self._received)
        self._write_meta()
        self._late = keep_draining(self, "frames", self._received, GRACE_S,
                                   then=lambda n: self._write_meta() if n else None, name="sigmf_capture-late")
        return True

    def wait(self):
        """Block until late announcements are in the metadata (after the flowgraph stopped)."""
        if getattr(self, "_late", None) is not None:
            self._late.join()

    def _write_meta(self):
        try:
            self.finish()
        except (OSError, ValueError) as e:
            self.logger.error(f"SigMF metadata not written: {e}")

    def finish(self, offset: int = 0, scale: float = 1.0, frames=None):
        """Write the metadata (also done by stop()). ``frames`` (offset, length, frame_id) replaces the
        frames seen here, e.g. from a probe before a channel model that drops tags; positions map to
        (offset + position) / scale when the stream was delayed or resampled after the tags."""
        self.close()
        n = self.data.stat().st_size // 8
        with self.lock:
            seen, received = list(self.frames), list(self.received)
        ann = [(int((offset + o) / scale), int(c / scale), fid) for o, c, fid in (frames or seen)
               if int((offset + o + c) / scale) <= n]
        ann += [(o, c, fid, {"semdiff:received": True, "semdiff:sync_snr_db": round(snr, 2)})
                for o, c, fid, snr in received if o + c <= n]
        return write_meta(self.data, sample_rate=self.sample_rate, center_freq=self.center_freq, link=self.link,
                          hw=self.hw, datetime=self.started, annotations=sorted(ann, key=lambda a: a[0]),
                          reference=self.reference, description=self.description)


class sigmf_replay_source(gr.hier_block2):
    """Replays a checked gr-semdiff capture (``open_capture``: schema, SHA-512, truncation, link); with
    ``throttle`` at its recorded sample rate, as a radio would deliver it. With ``idle_after`` the
    capture is followed by zeros, as an idle radio's stream: a flowgraph whose stream ended would stop its
    message blocks too (decoders, a live view) before they are done with the last frames."""

    def __init__(self, path: str, throttle: bool = False, expect: LinkSetup | None = None, repeat: bool = False,
                 idle_after: bool = False):
        gr.hier_block2.__init__(self, "sigmf_replay_source", gr.io_signature(0, 0, 0),
                                gr.io_signature(1, 1, gr.sizeof_gr_complex))
        self.capture = open_capture(path, expect)
        src = blocks.file_source(gr.sizeof_gr_complex, str(self.capture.data_path), repeat)
        if idle_after and not repeat:
            self.idle = blocks.null_source(gr.sizeof_gr_complex)
            self.mux = blocks.stream_mux(gr.sizeof_gr_complex, [self.capture.n_samples, 2**31 - 1])
            self.connect(src, (self.mux, 0))
            self.connect(self.idle, (self.mux, 1))
            src = self.mux
        if throttle:
            self.throttle = blocks.throttle(gr.sizeof_gr_complex, self.capture.sample_rate)
            self.connect(src, self.throttle, self)
        else:
            self.connect(src, self)
