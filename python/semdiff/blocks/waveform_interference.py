"""``waveform_interference``: ICDM eq. (1) at the waveform level — adds an interferer to a complex sample
stream (e.g. between the multipath channel and the OFDM deframer) at a set SINR.

Made only of GNU Radio's own C++ blocks so it runs at stream rate without Python in the sample path:

    in ──┬─────────────────────────────────────────────(+)── out 0  (desired + noise + interference)
         └ |x|² → moving average → ×c → √ → float→complex ─(×)─┬┘
                                 interferer source ─(× h_z)─────┘   └── out 1  (the injected interference)

The desired stream already carries the channel's noise at ``snr_db``, so its measured power is
P_x(1 + 1/SNR); the interferer gets P_z = P_x (1/SINR − 1/SNR), which makes
SINR = P_x / (P_z + σ²) as in ICDM eq. (1) and the symbol-level ``interference_injector``.
Interferers: gaussian and tone from ``analog``, qpsk/16qam from random bytes through
``chunks_to_symbols``; ofdm, chirp and jscc have no GNU Radio source, so a seeded buffer of frames from
the torch core (``phy.interferers`` / a second JSCC encoder) is played cyclically.
With ``fading="rayleigh"`` the interferer is multiplied by a per-sample CN(0, 1) gain h_z.
"""
from __future__ import annotations

import math

import numpy as np
from gnuradio import analog, blocks, digital, gr

GR_CLASSES = ("gaussian", "tone", "qpsk", "16qam")
BUFFER_CLASSES = ("ofdm", "chirp", "jscc")
CLASSES = GR_CLASSES + BUFFER_CLASSES


def interference_gain(sinr_db: float, snr_db: float) -> float:
    """c with P_z = c·P_in, P_in = P_x(1 + 1/SNR) the measured power of desired signal plus noise."""
    sinr, snr = 10 ** (sinr_db / 10), 10 ** (snr_db / 10)
    if sinr >= snr:
        raise ValueError(f"SINR ({sinr_db} dB) must be below the SNR ({snr_db} dB): noise alone already "
                         f"limits the SINR to the SNR")
    return (1 / sinr - 1 / snr) * snr / (1 + snr)


def _qam_points(order: int) -> list[complex]:
    m = int(round(math.sqrt(order)))
    lv = np.arange(m) * 2 - (m - 1)
    pts = (lv[:, None] + 1j * lv[None, :]).ravel() / math.sqrt(2 * (order - 1) / 3)
    return [complex(p) for p in pts]


def _buffer(cls: str, k: int, frames: int, seed: int, jscc: str) -> np.ndarray:
    import torch

    g = torch.Generator().manual_seed(seed)
    if cls == "jscc":
        from ..models.symbol_sources import SymbolSource
        z = SymbolSource("jscc-pair", k, "train", jscc=jscc, limit=frames).sample(frames, g)
    else:
        from ..phy.interferers import WAVEFORMS
        z = WAVEFORMS[cls](frames, k, generator=g)
    return z.reshape(-1).numpy().astype(np.complex64)


class waveform_interference(gr.hier_block2):
    def __init__(self, interferer: str = "qpsk", sinr_db: float = 0.0, snr_db: float = 20.0,
                 fading: str = "none", seed: int = 0, avg_len: int = 4096, tone_freq: float = 0.1,
                 k: int = 128, buffer_frames: int = 512, jscc: str = "jscc_fmnist_awgn_cbr1-16"):
        gr.hier_block2.__init__(self, "waveform_interference", gr.io_signature(1, 1, gr.sizeof_gr_complex),
                                gr.io_signature(2, 2, gr.sizeof_gr_complex))
        if fading not in ("none", "rayleigh"):
            raise ValueError(f"fading must be 'none' or 'rayleigh', got {fading!r}")
        if avg_len < 1:
            raise ValueError(f"avg_len must be >= 1, got {avg_len}")
        self.fading, self.seed, self.tone_freq = fading, int(seed), float(tone_freq)
        self.k, self.buffer_frames, self.jscc = int(k), int(buffer_frames), jscc
        self.sinr_db, self.snr_db = float(sinr_db), float(snr_db)
        gain = interference_gain(self.sinr_db, self.snr_db)
        self.power = blocks.complex_to_mag_squared(1)
        # frame tags must reach the output once, through the adder's signal input, not again via the
        # power-measuring branch
        self.power.set_tag_propagation_policy(gr.TPP_DONT)
        self.avg = blocks.moving_average_ff(int(avg_len), 1.0 / avg_len, 4000, 1)
        self.scale = blocks.multiply_const_ff(gain)
        self.sqrt = blocks.transcendental("sqrt", "float")
        self.to_c = blocks.float_to_complex(1)
        self.mul = blocks.multiply_cc(1)
        self.add = blocks.add_cc(1)
        self.connect(self, self.power, self.avg, self.scale, self.sqrt, self.to_c, (self.mul, 0))
        self.connect(self, (self.add, 0))
        self.connect(self.mul, (self.add, 1))
        self.connect(self.add, (self, 0))
        self.connect(self.mul, (self, 1))
        self._src: list = []
        self.interferer = None
        self._attach(interferer)

    def _make_source(self, cls: str) -> list:
        """Blocks of the unit-power interferer chain, last one feeding the multiplier."""
        if cls == "gaussian":
            chain = [analog.noise_source_c(analog.GR_GAUSSIAN, 1.0, self.seed)]
        elif cls == "tone":
            chain = [analog.sig_source_c(1.0, analog.GR_COS_WAVE, self.tone_freq, 1.0, 0.0)]
        elif cls in ("qpsk", "16qam"):
            order = 4 if cls == "qpsk" else 16
            chain = [analog.random_uniform_source_b(0, order, self.seed),
                     digital.chunks_to_symbols_bc(_qam_points(order), 1)]
        else:
            chain = [blocks.vector_source_c(_buffer(cls, self.k, self.buffer_frames, self.seed, self.jscc).tolist(),
                                            True)]
        if self.fading == "rayleigh":
            fade = analog.noise_source_c(analog.GR_GAUSSIAN, 1.0, self.seed + 7919)
            mul = blocks.multiply_cc(1)
            self.connect(fade, (mul, 1))
            chain = chain + [mul]
            self._fade = fade
        return chain

    def _attach(self, cls: str):
        if cls not in CLASSES:
            raise ValueError(f"waveform interferer must be one of {CLASSES}, got {cls!r}")
        chain = self._make_source(cls)
        for a, b in zip(chain, chain[1:]):
            self.connect(a, (b, 0))
        self.connect(chain[-1], (self.mul, 1))
        self._src, self.interferer = chain, cls

    def set_interferer(self, cls: str):
        """Swap the interferer class while the flowgraph runs (lock → rewire → unlock)."""
        if cls == self.interferer:
            return
        if cls not in CLASSES:
            raise ValueError(f"waveform interferer must be one of {CLASSES}, got {cls!r}")
        self.lock()
        try:
            self.disconnect(self._src[-1], (self.mul, 1))
            for a, b in zip(self._src, self._src[1:]):
                self.disconnect(a, (b, 0))
            if self.fading == "rayleigh":
                self.disconnect(self._fade, (self._src[-1], 1))
            self._attach(cls)
        finally:
            self.unlock()

    def set_sinr_db(self, sinr_db: float):
        self.scale.set_k(interference_gain(float(sinr_db), self.snr_db))
        self.sinr_db = float(sinr_db)

    def set_snr_db(self, snr_db: float):
        self.scale.set_k(interference_gain(self.sinr_db, float(snr_db)))
        self.snr_db = float(snr_db)
