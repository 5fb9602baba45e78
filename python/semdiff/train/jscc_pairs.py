"""(x, x̂_JSCC) pairs from the shipped codecs, each through the link it was trained for (AWGN codecs over
AWGN, OFDM codecs through the multipath OFDM link): the training data of every receiver-side refiner
(SING-INN's INN, DiffJSCC's control module)."""
from __future__ import annotations

import torch

CODECS = ("jscc_fmnist_awgn_cbr1-8", "jscc_fmnist_awgn_cbr1-16", "jscc_fmnist_ofdm_cbr1-8", "jscc_fmnist_ofdm_cbr1-16")


def codec_links(names=CODECS):
    """[(name, codec, LinkOperator)] for ``names``."""
    from ..models.zoo import load_jscc
    from ..phy.channels import ChannelModel
    from ..phy.link import LinkOperator, preset

    out = []
    for n in names:
        codec = load_jscc(n)
        ch = ChannelModel("awgn") if "_awgn_" in n else ChannelModel("multipath", 8, 4.0)
        out.append((n, codec, LinkOperator(preset("default", codec.cfg.k, channel=ch))))
    return out


@torch.no_grad()
def reconstruct(x, codec, link, snr):
    """x̂_JSCC in [-1, 1] and the receiver's channel estimate (B, S_d, N_data) for one link realisation."""
    r = link.simulate(codec.encode(x, snr), snr)
    return codec.decode(r.symbols, snr).clamp(-1, 1), r.h_est


def pairs(x, codec, link, snr):
    return reconstruct(x, codec, link, snr)[0]
