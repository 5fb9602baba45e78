"""How SING-Zero chooses its linear operator A per codec and SNR — a measured rule, not a hand-picked one.

The range of A is what the sampler takes from the DeepJSCC reconstruction x̂ as given (A x̂ replaces A x);
the null space is left to the prior. So A should keep what DeepJSCC gets right and nothing else. On the
held-out TUNE images (test[5000:6000], never the images an evaluation sends) sent through the decoder's
own link at each SNR of a grid, the rule measures for every candidate operator the range-space error
r(A) = ‖A x̂ − A x‖² / ‖A x − mean‖², and takes the finest operator (the most kept coefficients) with
r(A) ≤ R_MAX; σ_y — the noise level DDNM+ accounts for — is the measured RMS of A x̂ − A x with that A.
R_MAX = 0.5 (range error up to −3 dB) comes from decoding other TUNE images (docs/sing_rule_tune.txt,
1/16 AWGN codec, −5…5 dB, 30 steps): with DDNM+ treating the measured error as noise, the finest
operator won on PSNR and perceptual distance at every SNR even where r was 0.34; a first threshold of
0.05 (−13 dB) chose 8×8 pooling at low SNR and lost 2–4 dB to DeepJSCC.
"""
from __future__ import annotations

import torch

from .degradations import make_degradation

R_MAX = 0.5
SNR_GRID = (-5.0, -2.0, 0.0, 2.0, 5.0, 10.0, 15.0, 20.0)
FAMILIES = {"avgpool": ("avgpool1", "avgpool2", "avgpool4", "avgpool8"),     # finest first
            "blur": ("blur0.5", "blur1", "blur2", "blur3")}
N_TUNE = 200


@torch.no_grad()
def measure(ctx, family: str, n: int = N_TUNE, seed: int = 0) -> list[dict]:
    """[{snr_db, operator, sigma_y, r: {operator: r(A)}, sigma: {operator: σ_y}}] for the SNR grid."""
    from ..eval.realism import TUNE, split

    x, _ = split(TUNE, n)
    g = torch.Generator().manual_seed(seed)
    rows = []
    for snr in SNR_GRID:
        rx = ctx.link.simulate(ctx.codec.encode(x, snr), snr, g)
        xh = ctx.codec.decode(rx.symbols, torch.full((len(x),), snr)).clamp(-1, 1)
        r, sig = {}, {}
        for name in FAMILIES[family]:
            op = make_degradation(name)
            ax, axh = op.A(x), op.A(xh)
            r[name] = float(((axh - ax) ** 2).sum() / ((ax - ax.mean()) ** 2).sum())
            sig[name] = float(((axh - ax) ** 2).mean().sqrt())
        choice = next((o for o in FAMILIES[family] if r[o] <= R_MAX), FAMILIES[family][-1])
        rows.append({"snr_db": snr, "operator": choice, "sigma_y": sig[choice], "r": r, "sigma": sig})
    return rows


def choose(ctx, snr_db: torch.Tensor, family: str = "avgpool") -> tuple[list[str], torch.Tensor]:
    """Per frame: (operator name, σ_y) from the row of the nearest grid SNR; measured once per context."""
    cache = ctx.__dict__.setdefault("_sing_rule", {})
    if family not in cache:
        cache[family] = measure(ctx, family)
    rows = cache[family]
    grid = torch.tensor([r["snr_db"] for r in rows])
    idx = (snr_db.reshape(-1, 1).float() - grid).abs().argmin(dim=1)
    return [rows[i]["operator"] for i in idx.tolist()], torch.tensor([rows[i]["sigma_y"] for i in idx.tolist()])
