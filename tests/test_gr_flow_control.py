"""image_source's credit window (issue [6 of 10], point 5): with image_sink's ``done`` connected to the
source's ``credit``, no more than ``window`` frames are ever between source and sink, every frame is
accounted for, and stopping mid-run leaves at most ``window`` frames to cancel or drain."""
import time

import pmt
from gnuradio import gr

from gnuradio import semdiff

from grhelpers import run_until_accounted


class _slow(gr.basic_block):
    """A stand-in decoder: forwards each PDU after a short pause, recording how many were in flight."""

    def __init__(self, src, sink, pause=0.005):
        gr.basic_block.__init__(self, "slow", [], [])
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._handle)
        self.src, self.sink, self.pause, self.peak = src, sink, pause, 0

    def _handle(self, pdu):
        self.peak = max(self.peak, self.src.sent - self.sink.accounted())
        time.sleep(self.pause)
        self.message_port_pub(pmt.intern("out"), pdu)


def _graph(n, window, connect_credit=True):
    src = semdiff.image_source("fashion-mnist", "test", 0, n, 0.0, 0, window)
    sink = semdiff.image_sink("", write_png=False, metrics=False)
    mid = _slow(src, sink)
    tb = gr.top_block()
    tb.msg_connect(src, "out", mid, "in")
    tb.msg_connect(mid, "out", sink, "in")
    if connect_credit:
        tb.msg_connect(sink, "done", src, "credit")
    return tb, src, mid, sink


def test_window_bounds_frames_in_flight_and_all_arrive():
    tb, src, mid, sink = _graph(300, window=4)
    run_until_accounted(tb, sink, 300)
    assert sorted(r["frame_id"] for r in sink.records) == list(range(300))
    assert 1 <= mid.peak <= 4


def test_unthrottled_source_without_window_floods_the_queue():
    """The contrast that motivates the window: the same chain without it has far more than 4 in flight."""
    tb, src, mid, sink = _graph(300, window=0, connect_credit=False)
    run_until_accounted(tb, sink, 300)
    assert len(sink.records) == 300
    assert mid.peak > 4


def test_stop_mid_run_leaves_at_most_window_frames_behind():
    tb, src, mid, sink = _graph(100_000, window=8)
    tb.start()
    time.sleep(0.5)
    tb.stop()
    tb.wait()
    sent, recorded = src.sent, len(sink.records)
    assert 0 < sent < 100_000
    assert sent - recorded <= 8


def test_source_waits_without_credit_and_stops_cleanly():
    tb, src, mid, sink = _graph(50, window=3, connect_credit=False)
    tb.start()
    time.sleep(0.5)
    assert src.sent == 3              # the window is full and nobody returns credit
    tb.stop()
    tb.wait()
    assert src.sent == 3
