"""``gr-semdiff bench decoder``: per-method images/s and NFEs, the sampler+guidance overhead over the bare
UNet forward(+backward), and per-image throughput at batch 16 vs batch 1 — all measured in this run."""
from __future__ import annotations

import time

import torch

from ..data import load_dataset
from ..decoders import DecodeContext, RxBatch, decode
from ..models.zoo import load_image_prior, load_jscc
from ..phy.link import LinkOperator, preset


def _time(fn, repeats=5):
    """Best of ``repeats`` after one warm-up call (allocator and oneDNN primitive caches)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(args) -> int:
    torch.set_num_threads(args.threads)
    codec = load_jscc(args.jscc)
    unet, sched = load_image_prior(args.prior)
    ctx = DecodeContext(codec, unet, sched, LinkOperator(preset("default", codec.cfg.k, clip_ratio=1.4)))
    x = load_dataset("fashion-mnist", "test").images[:16]
    with torch.no_grad():
        rx = RxBatch.from_rx(ctx.link.simulate(ctx.codec.encode(x, 10.0), 10.0, torch.Generator().manual_seed(0)))
    steps = args.steps
    print(f"gr-semdiff bench decoder — {args.threads} threads, {steps} sampler steps per guided method, "
          f"multipath + clipping 1.4 at 10 dB")
    unet = ctx.unet
    for B in (1, 16):
        xb = torch.randn(B, 1, 32, 32)
        t = torch.full((B,), 500)
        fwd = _time(lambda: unet(xb, t).sample) / B

        def fb():
            xr = xb.clone().requires_grad_(True)
            unet(xr, t).sample.sum().backward()
        fwdbwd = _time(fb) / B
        sub = rx.select(slice(0, B))

        def codec_fb(decoder: bool):
            xr = xb.clone().requires_grad_(True)
            z = ctx.codec.encode(xr, sub.snr_db)
            out = ctx.codec.decode(z, sub.snr_db).sum() if decoder else z.abs().sum()
            out.backward()

        def link_fb():
            z = torch.randn(B, codec.cfg.k, dtype=torch.complex64, requires_grad=True)
            ctx.link.forward(z, sub.h_est, sub.noise_var, equalized=True).abs().sum().backward()
        enc = _time(lambda: codec_fb(False)) / B
        encdec = _time(lambda: codec_fb(True)) / B
        link = _time(link_fb) / B
        if B == 1:
            b1_unet = fwdbwd
        print(f"  per image at batch {B:2d}: bare UNet forward {1e3 * fwd:6.1f} ms, forward+backward "
              f"{1e3 * fwdbwd:6.1f} ms; JSCC encoder fwd+bwd {1e3 * enc:6.1f} ms (+decoder {1e3 * encdec:6.1f} ms); "
              f"link operator W_h fwd+bwd {1e3 * link:6.2f} ms")
        if B > 1:
            print(f"    bare UNet fwd+bwd per-image gain batch {B} vs 1: {b1_unet / fwdbwd:.2f}x (the ceiling for the "
                  f"guided methods' batching gain: each step is one UNet forward+backward)")
        # what a guided step must cost at least: the networks DiffCom differentiates through
        model_cost = {"diffcom": fwdbwd + enc, "hifi_diffcom": fwdbwd + encdec, "blind_diffcom": fwdbwd + enc}
        for m, p in (("deepjscc", {}), ("diffcom", {"steps": steps}), ("hifi_diffcom", {"max_steps": steps}),
                     ("blind_diffcom", {"steps": steps})):
            sub = rx.select(slice(0, B))
            res = decode(m, sub, ctx, generator=torch.Generator().manual_seed(0), **p)
            dt = _time(lambda: decode(m, sub, ctx, generator=torch.Generator().manual_seed(0), **p), 2) / B
            line = f"    {m:13s} {1 / dt:8.2f} images/s  NFE {res.total_nfe / B:6.1f}"
            if res.nfe:
                # per image-network evaluation: HiFi's frames run fewer steps than the batch's longest
                per_step = dt * B / res.total_nfe
                line += (f"  overhead over bare UNet fwd+bwd {100 * (per_step / fwdbwd - 1):6.1f} %; over UNet + "
                         f"codec fwd+bwd (sampler, link, glue) {100 * (per_step / model_cost[m] - 1):6.1f} %")
            print(line)
            if B == 1:
                setattr(args, f"_b1_{m}", dt)
            elif hasattr(args, f"_b1_{m}"):
                print(f"      per-image throughput batch 16 vs batch 1: {getattr(args, f'_b1_{m}') / dt:.2f}x")
    return 0
