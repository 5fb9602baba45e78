"""DiffJSCC's conditional denoiser on the pixel-space prior, ControlNet-style (DiffJSCC §II; ControlNet,
Zhang et al. 2023): the shipped prior stays frozen; a trainable copy of its encoder and middle blocks
reads [x_t, x̂_JSCC] and adds its features to the frozen UNet's skip connections and middle output
through zero-initialised 1×1 convolutions — so before training the model is exactly the prior.

The control branch's time embedding also carries the channel state (a sinusoidal embedding of the SNR
and the Re/Im parts of the channel estimate through an MLP) and a semantic condition in place of the
paper's BLIP-2 caption: the class the metric classifier predicts from x̂_JSCC, as a learned embedding,
with an extra null class for classifier-free guidance. Both start at zero.
"""
from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
from diffusers.models.unets.unet_2d import UNet2DOutput

N_CARRIERS = 64     # channel estimates are resampled to this many carriers (Re, Im) for the CSI embedding


@dataclass
class ControlConfig:
    n_classes: int = 10
    snr_dim: int = 32

    def to_dict(self):
        return asdict(self)


def snr_embedding(snr_db: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal features of SNR/10 (a transformer-style position code over the SNR axis)."""
    half = dim // 2
    freqs = torch.exp(-math.log(100.0) * torch.arange(half) / half)
    a = (snr_db.float() / 10)[:, None] * freqs[None] * 10
    return torch.cat([a.sin(), a.cos()], 1)


def csi_features(h_est: torch.Tensor | None, batch: int) -> torch.Tensor:
    """(B, 2·N_CARRIERS): Re/Im of the estimate averaged over OFDM symbols, resampled; flat 1 without one."""
    if h_est is None:
        return torch.cat([torch.ones(batch, N_CARRIERS), torch.zeros(batch, N_CARRIERS)], 1)
    h = h_est.reshape(batch, -1, h_est.shape[-1]).mean(1)
    h = torch.nn.functional.interpolate(torch.stack([h.real, h.imag], 1).float(), size=N_CARRIERS, mode="linear",
                                        align_corners=True)
    return h.reshape(batch, -1)


def prior_fingerprint(unet) -> str:
    """SHA-256 over the prior's weights (key order): which prior a control branch was trained against."""
    h = hashlib.sha256()
    for k, v in sorted(unet.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().float().contiguous().numpy().tobytes())
    return h.hexdigest()


def _zero(m: nn.Module) -> nn.Module:
    for p in m.parameters():
        nn.init.zeros_(p)
    return m


class ControlBranch(nn.Module):
    """The trainable part (all that ``train diffjscc`` saves): the copied encoder + middle block, its input
    conv over [x_t, x̂], the CSI and class embeddings, and the zero convolutions."""

    def __init__(self, unet, cfg: ControlConfig):
        super().__init__()
        self.cfg = cfg
        c = unet.config.in_channels
        w0 = unet.config.block_out_channels[0]
        temb = unet.time_embedding.linear_2.out_features
        self.conv_in = nn.Conv2d(2 * c, w0, 3, padding=1)
        with torch.no_grad():   # x_t and x̂ both seen through the prior's own first conv; the zero convs keep
            self.conv_in.weight[:, :c] = unet.conv_in.weight    # the output the prior's until training
            self.conv_in.weight[:, c:] = unet.conv_in.weight
            self.conv_in.bias.copy_(unet.conv_in.bias)
        self.time_embedding = copy.deepcopy(unet.time_embedding)
        self.down_blocks = copy.deepcopy(unet.down_blocks)
        self.mid_block = copy.deepcopy(unet.mid_block)
        for p in self.parameters():
            p.requires_grad_(True)
        self.zero_mid = _zero(nn.Conv2d(unet.config.block_out_channels[-1], unet.config.block_out_channels[-1], 1))
        self.csi = nn.Sequential(nn.Linear(cfg.snr_dim + 2 * N_CARRIERS, temb), nn.SiLU(), _zero(nn.Linear(temb, temb)))
        self.classes = _zero(nn.Embedding(cfg.n_classes + 1, temb))
        self.zero_convs = nn.ModuleList(_zero(nn.Conv2d(ch, ch, 1)) for ch in _skip_channels(unet))

    def forward(self, time_proj, x_t, t, x_hat, snr_db, h_est=None, class_label=None):
        """Per-skip residuals and the middle residual (all zero before training)."""
        B = x_t.shape[0]
        emb = self.time_embedding(time_proj(t))
        emb = emb + self.csi(torch.cat([snr_embedding(snr_db, self.cfg.snr_dim), csi_features(h_est, B)], 1))
        labels = torch.full((B,), self.cfg.n_classes, dtype=torch.long) if class_label is None else class_label
        emb = emb + self.classes(labels)
        h = self.conv_in(torch.cat([x_t, x_hat], 1))
        res = (h,)
        for b in self.down_blocks:
            h, r = b(hidden_states=h, temb=emb)
            res += r
        h = self.mid_block(h, emb)
        return [zc(r) for zc, r in zip(self.zero_convs, res)], self.zero_mid(h)


def _skip_channels(u) -> list[int]:
    """Channel counts of the frozen UNet's skip connections (probed once)."""
    with torch.no_grad():
        x = torch.zeros(1, u.config.in_channels, u.config.sample_size, u.config.sample_size)
        emb = u.time_embedding(u.time_proj(torch.zeros(1, dtype=torch.long)))
        s = u.conv_in(x)
        chans = [s.shape[1]]
        for b in u.down_blocks:
            s, r = b(hidden_states=s, temb=emb)
            chans += [t.shape[1] for t in r]
    return chans


class ControlledPrior(nn.Module):
    """The frozen prior UNet (``unet``, raw diffusers output in its own parametrization) + ``branch``.
    ``class_label`` None or ``n_classes`` is the null class (classifier-free guidance)."""

    def __init__(self, unet, cfg: ControlConfig = ControlConfig()):
        super().__init__()
        self.cfg, self.unet = cfg, unet
        for p in unet.parameters():
            p.requires_grad_(False)
        self.branch = ControlBranch(unet, cfg)

    def forward(self, x_t, t, x_hat, snr_db, h_est=None, class_label=None) -> UNet2DOutput:
        """The frozen UNet's forward (diffusers' UNet2DModel, steps 1–6) with the control residuals added."""
        u = self.unet
        t = torch.as_tensor(t, dtype=torch.long).reshape(-1).expand(x_t.shape[0])
        ctrl, ctrl_mid = self.branch(u.time_proj, x_t, t, x_hat, snr_db, h_est, class_label)
        emb = u.time_embedding(u.time_proj(t).to(x_t.dtype))
        s = u.conv_in(x_t)
        res = (s,)
        for b in u.down_blocks:
            s, r = b(hidden_states=s, temb=emb)
            res += r
        res = tuple(r + c for r, c in zip(res, ctrl))
        s = u.mid_block(s, emb) + ctrl_mid
        for b in u.up_blocks:
            skips, res = res[-len(b.resnets):], res[:-len(b.resnets)]
            s = b(s, skips, emb)
        s = u.conv_out(u.conv_act(u.conv_norm_out(s)))
        return UNet2DOutput(sample=s)
