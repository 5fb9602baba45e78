"""``gr-semdiff bench decoder``: per-method images/s and NFEs, the sampler+guidance overhead over the bare
UNet forward(+backward), and per-image throughput at batch 16 vs batch 1 — all measured in this run."""
from __future__ import annotations

import time

import torch

from ..data import load_dataset
from ..decoders import DecodeContext, RxBatch, decode
from ..models.zoo import load_image_prior, load_jscc
from ..phy.link import LinkOperator, preset


def _time(fn, repeats=2):
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
        print(f"  bare UNet per image at batch {B:2d}: forward {1e3 * fwd:7.1f} ms, forward+backward {1e3 * fwdbwd:7.1f} ms")
        for m, p in (("deepjscc", {}), ("diffcom", {"steps": steps}), ("hifi_diffcom", {"max_steps": steps}),
                     ("blind_diffcom", {"steps": steps})):
            sub = rx.select(slice(0, B))
            res = decode(m, sub, ctx, generator=torch.Generator().manual_seed(0), **p)
            dt = _time(lambda: decode(m, sub, ctx, generator=torch.Generator().manual_seed(0), **p), 1) / B
            line = f"    {m:13s} {1 / dt:8.2f} images/s  NFE {res.nfe:4d}"
            if res.nfe:
                overhead = dt / (res.nfe * fwdbwd) - 1
                line += f"  sampler+guidance overhead over bare UNet fwd+bwd: {100 * overhead:6.1f} %"
            print(line)
            if B == 1:
                setattr(args, f"_b1_{m}", dt)
            elif hasattr(args, f"_b1_{m}"):
                print(f"      per-image throughput batch 16 vs batch 1: {getattr(args, f'_b1_{m}') / dt:.2f}x")
    return 0
