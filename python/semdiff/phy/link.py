"""The link operator W_h: interleaver → OFDM framer (pilots, IFFT, CP) → PAPR clipping → channel →
deframer (CP removal, FFT, estimation, equalization) → deinterleaver, as one batched, differentiable
torch object (DiffCom §II: y = W_h*(z) + n; the receiver simulates W_h with its estimate h).

Used by the simulator, by training through the link, by the tests against the GNU Radio blocks, and
by every decoder (``forward``: the noise-free operator with a given channel; ``simulate``: a full random
realisation; ``receive``: the receiver alone, as the GR deframer does).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import torch

from .channels import ChannelModel, apply_taps, awgn, frequency_response, noise_var
from .clipping import clip
from .estimation import EQUALIZERS, ChannelEstimator, equalize
from .grid import ResourceGrid, default_grid, grid_preset
from .interleaver import Interleaver
from .ofdm import OFDMModem


@dataclass(frozen=True)
class LinkConfig:
    grid: ResourceGrid = field(default_factory=lambda: default_grid(128))
    channel: ChannelModel = field(default_factory=ChannelModel)
    interleaver_seed: int | None = 0
    clip_ratio: float | None = None          # None = no clipping (ratio ∞)
    estimator: str = "lmmse"                 # ls | lmmse | perfect | none
    equalizer: str = "mmse"                  # zf | mmse

    def __post_init__(self):
        if self.clip_ratio is not None and not self.clip_ratio > 0:
            raise ValueError(f"clip_ratio must be > 0 (or None for no clipping), got {self.clip_ratio}")
        if self.equalizer not in EQUALIZERS:
            raise ValueError(f"equalizer must be one of {EQUALIZERS}, got {self.equalizer!r}")

    @property
    def k(self) -> int:
        return self.grid.k

    def to_dict(self) -> dict:
        return asdict(self)


def preset(name: str, k: int, pilot_type: str = "block", **overrides) -> LinkConfig:
    """``default``: FFT 64 / CP 16 / 52 carriers, one frame per 32×32 image; ``diffcom``: FFT 256, CP 10,
    1 pilot symbol (DiffCom §IV-A.3). Both: multipath L = 8, r = 4, LMMSE + MMSE. Keyword overrides
    go to LinkConfig fields, or to the grid when they name a grid field."""
    grid_fields = set(ResourceGrid.__dataclass_fields__)
    grid_kw = {k_: v for k_, v in overrides.items() if k_ in grid_fields}
    link_kw = {k_: v for k_, v in overrides.items() if k_ not in grid_fields}
    return LinkConfig(grid=grid_preset(name, k, pilot_type, **grid_kw), **link_kw)


@dataclass
class RxResult:
    symbols: torch.Tensor            # (B, k) equalized, deinterleaved — what the JSCC decoder takes
    raw: torch.Tensor                # (B, k) un-equalized data REs, deinterleaved (blind decoding)
    h_est: torch.Tensor | None       # (B, S_d, N_data) channel estimate on the data REs
    noise_var: torch.Tensor          # (B,) noise variance used by the equalizer
    snr_db: torch.Tensor             # (B,) 10·log10(1/σ̂²): Es/N0 for a unit-average-power channel
    taps: torch.Tensor | None = None  # (B, S, L) true channel (simulation only)
    h_true: torch.Tensor | None = None  # (B, S_d, N_data) true response on the data REs


class LinkOperator:
    def __init__(self, cfg: LinkConfig):
        self.cfg = cfg
        g = cfg.grid
        self.modem = OFDMModem(g)
        self.interleaver = Interleaver(g.k, cfg.interleaver_seed)
        est = cfg.estimator if cfg.estimator in ("ls", "lmmse") else "ls"
        self.estimator = ChannelEstimator(g, est, cfg.channel.pdp)

    @property
    def grid(self) -> ResourceGrid:
        return self.cfg.grid

    def with_config(self, **changes) -> "LinkOperator":
        return LinkOperator(replace(self.cfg, **changes))

    # -- transmitter ------------------------------------------------------------------------------
    def transmit(self, z: torch.Tensor, straight_through: bool = False) -> torch.Tensor:
        """(B, k) unit-power symbols -> (B, frame_len) clipped time-domain frame."""
        X = self.modem.map(self.interleaver.interleave(z.to(torch.complex64)))
        return clip(self.modem.modulate(X), self.cfg.clip_ratio, straight_through)

    # -- channel ----------------------------------------------------------------------------------
    def channel(self, s: torch.Tensor, snr_db, generator=None, taps: torch.Tensor | None = None):
        """Returns (received samples, true taps (B, S, L))."""
        if taps is None:
            taps = self.cfg.channel.draw(s.shape[0], self.grid.n_symbols, generator)
        r = apply_taps(s, taps, self.grid.symbol_len)
        if self.cfg.channel.kind != "none":
            r = awgn(r, noise_var(snr_db), generator)
        return r, taps

    def response_on_data(self, taps: torch.Tensor) -> torch.Tensor:
        """True H on the data REs: (B, S_d, N_data) from taps (B, S, L)."""
        g = self.grid
        H = frequency_response(taps, g.fft_len)[..., self.modem.data_bins]
        if H.shape[1] > 1:
            return H[:, g.n_pilot_only_symbols:]
        return H.expand(-1, g.n_data_symbols, -1)

    # -- receiver ---------------------------------------------------------------------------------
    def receive(self, r: torch.Tensor, noise_var: torch.Tensor | float | None = None,
                h_known: torch.Tensor | None = None) -> RxResult:
        """CP removal, FFT, estimation (or ``h_known`` on the data REs), equalization, deinterleaving."""
        g = self.grid
        Y = self.modem.demodulate(r)
        Yd = Y[:, g.n_pilot_only_symbols:, self.modem.data_bins]
        if self.cfg.estimator == "none":
            H = torch.ones_like(Yd)
            sigma2 = torch.zeros(r.shape[0]) if noise_var is None else torch.as_tensor(
                noise_var, dtype=torch.float32).expand(r.shape[0])
        elif h_known is not None:
            H, est_s2 = h_known, self.estimator.estimate(Y)[1]
            sigma2 = est_s2 if noise_var is None else torch.as_tensor(noise_var, dtype=torch.float32).expand(
                r.shape[0])
        else:
            H, sigma2 = self.estimator.estimate(Y, noise_var)
        # estimator "none" passes the raw data REs on (blind decoding applies its own h)
        eq = Yd if self.cfg.estimator == "none" else equalize(Yd, H, sigma2, self.cfg.equalizer)
        return RxResult(symbols=self._data(eq), raw=self._data(Yd), h_est=H, noise_var=sigma2,
                        snr_db=10 * torch.log10(1 / sigma2.clamp_min(1e-12)))

    def _data(self, Xd: torch.Tensor) -> torch.Tensor:
        flat = Xd.reshape(Xd.shape[0], -1)[:, :self.grid.k]
        return self.interleaver.deinterleave(flat)

    # -- compositions -----------------------------------------------------------------------------
    def simulate(self, z: torch.Tensor, snr_db, generator=None, known_noise: bool = False) -> RxResult:
        """One random realisation: transmit, channel, noise, receive. ``estimator="perfect"`` equalizes
        with the true channel."""
        s = self.transmit(z)
        r, taps = self.channel(s, snr_db, generator)
        h_true = self.response_on_data(taps)
        nv = noise_var(snr_db) if known_noise else None
        if self.cfg.estimator == "perfect":
            res = self.receive(r, noise_var=nv, h_known=h_true)
        else:
            res = self.receive(r, noise_var=nv)
        res.taps, res.h_true = taps, h_true
        return res

    def forward(self, z: torch.Tensor, H: torch.Tensor | None = None, sigma2=None, equalized: bool = True,
                taps: torch.Tensor | None = None, straight_through: bool = True) -> torch.Tensor:
        """W_h(z) without noise: what the receiver would see for symbols z through channel H (on the data
        REs, (B, S_d, N_data)) or time-domain ``taps`` (B, 1, L); equalized with the same H (and σ² for
        MMSE) unless ``equalized=False`` (blind decoding compares un-equalized REs).

        The clipper's gradient is straight-through by default (DiffCom guides through W_h)."""
        g = self.grid
        if taps is not None:
            H = frequency_response(taps, g.fft_len)[..., self.modem.data_bins].expand(-1, g.n_data_symbols, -1)
        if self.cfg.clip_ratio is None or math.isinf(self.cfg.clip_ratio):
            X = self.modem.map(self.interleaver.interleave(z.to(torch.complex64)))
        else:
            X = self.modem.demodulate(self.transmit(z, straight_through))
        Yd = X[:, g.n_pilot_only_symbols:, self.modem.data_bins]
        if H is not None:
            Yd = Yd * H
            if equalized:
                Yd = equalize(Yd, H, torch.zeros(z.shape[0]) if sigma2 is None else sigma2, self.cfg.equalizer)
        return self._data(Yd)
