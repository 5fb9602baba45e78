"""``gr-semdiff eval models``: the numbers behind the shipped model zoo (issue [2 of 7]).

Prints codec PSNR/SSIM over AWGN (and the OFDM link for the link-trained codec), classifier accuracy,
prior sample FID next to its floor (two disjoint halves of the test split) and the codec's 0 dB
reconstructions, and the symbol priors' denoising quality against the Gaussian (Wiener) estimate.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import torch
from tqdm import tqdm

from ..data import load_dataset
from ..models.prior import make_scheduler, sample_prior
from ..models.store import manifest_entries
from ..models.symbol_sources import SymbolSource
from ..models.zoo import load_classifier, load_image_prior, load_jscc, load_symbol_prior
from ..train.jscc import awgn
from .metrics import FID_NAME, psnr, ssim
from .realism import SENT, Realism, split


@torch.no_grad()
def codec_table(names, x, snrs=(0.0, 10.0, 20.0), seed=0):
    rows = []
    for name in tqdm(names, desc="codecs", unit="codec", leave=False):
        codec = load_jscc(name)
        for channel in (["awgn"] + (["ofdm"] if "ofdm" in name else [])):
            link = None
            if channel == "ofdm":
                from ..phy.link import LinkOperator, preset
                link = LinkOperator(preset("default", codec.cfg.k))
            for snr in snrs:
                torch.manual_seed(seed)
                out = []
                for i in range(0, len(x), 500):
                    xb = x[i:i + 500]
                    z = codec.encode(xb, snr)
                    zh = awgn(z, torch.full((len(xb),), snr)) if link is None else link.simulate(z, snr).symbols
                    out.append(codec.decode(zh, snr))
                y = torch.cat(out)
                rows.append({"model": name, "cbr": f"1/{round(1 / codec.cfg.cbr)}", "channel": channel,
                             "snr_db": snr, "psnr_db": float(psnr(y, x).mean()), "ssim": float(ssim(y, x).mean())})
    return rows


@torch.no_grad()
def classifier_accuracy(clf, x, y):
    pred = torch.cat([clf(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    return float((pred == y).float().mean())


@torch.no_grad()
def symbol_prior_quality(net, source: SymbolSource, n=4000, alpha_bar=0.5, seed=0):
    """Denoising loss over t, and one-step Tweedie MSE at ᾱ = alpha_bar vs the linear MMSE (Wiener)
    estimate with the data's own mean and full covariance (the best a Gaussian prior can do)."""
    g = torch.Generator().manual_seed(seed)
    z = source.sample(n, g)
    v0 = torch.cat([z.real, z.imag], 1).double()
    acp = make_scheduler().alphas_cumprod
    t = torch.randint(0, len(acp), (n,), generator=g)
    eps = torch.randn(v0.shape, generator=g, dtype=torch.float64)
    a = acp[t][:, None].double()
    loss = float((net((a.sqrt() * v0 + (1 - a).sqrt() * eps).float(), t).double() - eps).pow(2).mean())
    # fixed mid noise level
    tm = int(torch.argmin((acp - alpha_bar).abs()))
    am = float(acp[tm])
    vt = am ** 0.5 * v0 + (1 - am) ** 0.5 * eps
    eps_hat = net(vt.float(), torch.full((n,), tm)).double()
    tweedie = (vt - (1 - am) ** 0.5 * eps_hat) / am ** 0.5
    # the Gaussian baseline's mean and covariance from other samples of the same source
    zr = source.sample(n, torch.Generator().manual_seed(seed + 1))
    vr = torch.cat([zr.real, zr.imag], 1).double()
    mu, cov = vr.mean(0), torch.cov(vr.T)
    gain = am ** 0.5 * cov @ torch.linalg.inv(am * cov + (1 - am) * torch.eye(len(mu), dtype=torch.float64))
    wiener = mu + (vt - am ** 0.5 * mu) @ gain.T
    mse = lambda e: float((e - v0).pow(2).mean())
    return {"denoise_loss": loss, "alpha_bar": am, "tweedie_mse": mse(tweedie), "wiener_mse": mse(wiener),
            "gain_db": 10 * torch.log10(torch.tensor(mse(wiener) / mse(tweedie))).item()}


def main(args) -> int:
    t0 = time.time()
    entries = manifest_entries().get("files", {})
    names = sorted({Path(p).stem for p, e in entries.items() if e.get("kind") == "jscc" and p.endswith(".json")})
    test = load_dataset("fashion-mnist", "test")
    x, y = test.images, test.labels
    report = {}
    print(f"gr-semdiff eval models — Fashion-MNIST test split ({len(x)} images); SNR = Es/N0 (dB)")
    if names:
        rows = codec_table(names, x[:args.n_codec])
        report["codec"] = rows
        print(f"\nDeepJSCC codecs ({args.n_codec} test images)")
        print(f"  {'model':32s} {'CBR':5s} {'channel':7s} {'SNR':>5s} {'PSNR dB':>8s} {'SSIM':>6s}")
        for r in rows:
            print(f"  {r['model']:32s} {r['cbr']:5s} {r['channel']:7s} {r['snr_db']:5.0f} {r['psnr_db']:8.2f} "
                  f"{r['ssim']:6.3f}")
    clf = load_classifier()
    acc = classifier_accuracy(clf, x, y)
    report["classifier_accuracy"] = acc
    print(f"\nclassifier (metric feature net) test accuracy: {100 * acc:.2f} %")
    realism, n = Realism(clf), args.n_fid
    clean = split(SENT, n)[0]
    floor = realism.fid(clean)
    unet, sched = load_image_prior()
    samples = sample_prior(unet, sched, n, steps=args.ddim_steps, seed=0, progress=True)
    prior_fid = realism.fid(samples)
    report["fid"] = {"clean_floor": floor, "prior_samples": prior_fid}
    print(f"\n{FID_NAME}, {n} images each against {realism.n_reference} reference test images:")
    print(f"  clean test images (floor)             {floor:8.3f}")
    print(f"  prior samples (DDIM {args.ddim_steps} steps)          {prior_fid:8.3f}")
    if names:
        codec = load_jscc("jscc_fmnist_awgn_cbr1-8" if "jscc_fmnist_awgn_cbr1-8" in names else names[0])
        torch.manual_seed(0)
        rec = codec.decode(awgn(codec.encode(clean, 0.0), torch.zeros(len(clean))), 0.0)
        report["fid"]["codec_0db"] = realism.fid(rec)
        print(f"  DeepJSCC 1/8 at AWGN 0 dB             {report['fid']['codec_0db']:8.3f}")
    sym = sorted({Path(p).stem for p, e in entries.items() if e.get("kind") == "symbol_prior" and p.endswith(".json")})
    if sym:
        levels = (0.9, 0.7, 0.5)
        print("\nsymbol priors (ICDM): ε-prediction loss; one-step Tweedie MSE gain over the Wiener estimate"
              " (Gaussian prior, full covariance) at ᾱ = " + ", ".join(f"{a}" for a in levels))
        report["symbol_priors"] = {}
        for name in sym:
            net = load_symbol_prior(name)
            jscc = entries.get(name + ".json", {}).get("jscc")
            src = SymbolSource(net.cfg.source, net.cfg.k, "test", jscc=jscc, limit=4000, fading=net.cfg.fading)
            qs = [symbol_prior_quality(net, src, alpha_bar=a) for a in levels]
            report["symbol_priors"][name] = qs
            gains = "  ".join(f"{q['gain_db']:+6.2f} dB" for q in qs)
            print(f"  {name:34s} loss {qs[0]['denoise_loss']:.4f}  {gains}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n({time.time() - t0:.0f} s)")
    return 0
