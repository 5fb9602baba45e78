"""What a decoder needs: the received frames (RxBatch) and the models + link (DecodeContext)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import torch

from ..phy.link import LinkOperator, RxResult


@dataclass
class RxBatch:
    """Received frames, as the deframer + deinterleaver deliver them (or as ``LinkOperator`` simulates).

    symbols: (B, k) equalized symbols; raw: (B, k) un-equalized data REs (blind decoding) or None;
    h_est: (B, S_d, N_data) channel estimate on the data REs or None; noise_var, snr_db: (B,)."""
    symbols: torch.Tensor
    noise_var: torch.Tensor
    snr_db: torch.Tensor
    h_est: torch.Tensor | None = None
    raw: torch.Tensor | None = None
    taps_true: torch.Tensor | None = None     # (B, L) when known (simulation): blind decoding reports d_h

    @classmethod
    def from_rx(cls, r: RxResult) -> "RxBatch":
        taps = None if r.taps is None else r.taps[:, 0, :]
        return cls(r.symbols, r.noise_var, r.snr_db, r.h_est, r.raw, taps)

    def __len__(self):
        return self.symbols.shape[0]

    def select(self, idx) -> "RxBatch":
        pick = lambda t: None if t is None else t[idx]
        return RxBatch(self.symbols[idx], self.noise_var[idx], self.snr_db[idx], pick(self.h_est), pick(self.raw),
                       pick(self.taps_true))


class DecodeContext:
    """The codec, the image prior (diffusers UNet + its DDPM schedule) and the link operator W_h."""

    def __init__(self, codec, unet, scheduler, link: LinkOperator):
        from ..models.prior import EpsilonPrior
        if not isinstance(unet, EpsilonPrior):   # a bare diffusers UNet: seen through its schedule's parametrization
            unet = EpsilonPrior(unet, scheduler)
        self.codec, self.unet, self.scheduler, self.link = codec.eval(), unet.eval(), scheduler, link
        for p in list(codec.parameters()) + list(unet.parameters()):
            p.requires_grad_(False)   # guidance differentiates w.r.t. x_t only
        if codec.cfg.k != link.grid.k:
            raise ValueError(f"codec sends k={codec.cfg.k} symbols but the link frames k={link.grid.k}")

    @property
    def prior(self):
        """The ``EpsilonPrior`` under any wrapper a block put around ``unet`` (e.g. its stop-flag check)."""
        from ..models.prior import EpsilonPrior
        p = self.unet
        while not isinstance(p, EpsilonPrior):
            p = p.inner
        return p

    def guarded(self, module):
        """``module`` wrapped the way ``unet`` is (a block's stop-flag check), for networks a method adds."""
        guard = getattr(self.unet, "guard", None)
        return guard(module) if guard else module

    @cached_property
    def alphas_cumprod(self) -> torch.Tensor:
        return self.scheduler.alphas_cumprod.float()

    @property
    def cbr(self) -> float:
        return self.codec.cfg.cbr

    @classmethod
    def from_zoo(cls, jscc: str = "jscc_fmnist_awgn_cbr1-8", prior: str = "prior_fmnist", link_cfg=None):
        from ..models.zoo import load_image_prior, load_jscc
        from ..phy.link import preset

        codec = load_jscc(jscc)
        unet, sched = load_image_prior(prior)
        return cls(codec, unet, sched, LinkOperator(link_cfg or preset("default", codec.cfg.k)))
