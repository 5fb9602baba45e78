"""``ota_source``: the receive flowgraph's front door — a USRP (gr-uhd) or a SigMF replay, chosen by a
parameter, so one RX flowgraph runs over the air, on a recording and in CI. Optionally records what it
receives as a SigMF capture (with the link; its metadata is written when the flowgraph stops)."""
from __future__ import annotations

from gnuradio import gr


def _usrp(device_args: str, center_freq: float, sample_rate: float, gain: float, antenna: str):
    from gnuradio import uhd

    try:
        u = uhd.usrp_source(device_args, uhd.stream_args(cpu_format="fc32", channels=[0]))
    except RuntimeError as e:
        raise RuntimeError(f"no USRP for device args {device_args!r} ({str(e).splitlines()[0]}): connect one, or "
                           "receive a recording instead (source 'replay' and a capture file)") from None
    u.set_samp_rate(sample_rate)
    u.set_center_freq(center_freq, 0)
    u.set_gain(gain, 0)
    if antenna:
        u.set_antenna(antenna, 0)
    return u


class ota_source(gr.hier_block2):
    def __init__(self, kind: str = "replay", capture: str = "", device_args: str = "", center_freq: float = 2.45e9,
                 sample_rate: float = 1e6, gain: float = 30.0, antenna: str = "RX2", record: str = "",
                 throttle: bool = True, link: dict | None = None, idle_after: bool = True):
        gr.hier_block2.__init__(self, "ota_source", gr.io_signature(0, 0, 0),
                                gr.io_signature(1, 1, gr.sizeof_gr_complex))
        from ..capture.blocks import sigmf_capture_sink, sigmf_replay_source
        from ..capture.meta import LinkSetup

        if kind not in ("usrp", "replay"):
            raise ValueError(f"source kind must be 'usrp' or 'replay', got {kind!r}")
        if kind == "replay":
            if not capture:
                raise ValueError("source 'replay' needs a capture file (FILE.sigmf-meta)")
            self.src = sigmf_replay_source(capture, throttle=throttle, idle_after=idle_after)
            self.capture = self.src.capture
            sample_rate, center_freq = self.capture.sample_rate, self.capture.center_freq
            link_setup = self.capture.link
        else:
            if not sample_rate > 0:
                raise ValueError(f"sample_rate must be > 0, got {sample_rate!r}")
            self.src = _usrp(device_args, center_freq, sample_rate, gain, antenna)
            self.capture = None
            link_setup = LinkSetup.from_dict(link or {})
        self.connect(self.src, self)
        self.message_port_register_hier_in("frames")
        self.recorder = None
        if record:
            self.recorder = sigmf_capture_sink(record, sample_rate, center_freq,
                                               hw=f"USRP {device_args or '(first found)'}" if kind == "usrp" else "replay",
                                               link=link_setup, description="received by gr-semdiff ota_source")
            self.connect(self.src, self.recorder)
            self.msg_connect(self, "frames", self.recorder, "frames")   # ofdm_sync's announcements

    def link(self):
        """The link of the replayed capture (None for a USRP: the flowgraph's own settings apply)."""
        return self.capture.link if self.capture else None
