#!/usr/bin/env python3
"""A folder of out-of-domain test images for ``gr-semdiff eval refiners --images DIR`` (the domain-shift
case, as SING tests TinyImageNet-trained models on CelebA): printed digits and letters — strokes, not
garments — rendered white on black at 28×28 like Fashion-MNIST, in the fonts matplotlib ships (DejaVu,
STIX, Computer Modern), with random size, rotation, offset and stroke blur. Deterministic for a seed.

    python tools/make_glyphs.py out/glyphs --n 400
"""
from __future__ import annotations

import argparse
import random
import string
from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSerif.ttf",
         "DejaVuSerif-Bold.ttf", "DejaVuSansMono.ttf", "STIXGeneral.ttf", "STIXGeneralBol.ttf", "cmr10.ttf",
         "cmss10.ttf", "cmtt10.ttf"]
CHARS = string.digits + string.ascii_uppercase + "abdefghknqrty"


def glyph(rng: random.Random, font_dir: Path) -> Image.Image:
    font = ImageFont.truetype(str(font_dir / rng.choice(FONTS)), rng.randint(40, 58))
    ch = rng.choice(CHARS)
    big = Image.new("L", (84, 84), 0)
    d = ImageDraw.Draw(big)
    box = d.textbbox((0, 0), ch, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    x = (84 - w) // 2 - box[0] + rng.randint(-4, 4)
    y = (84 - h) // 2 - box[1] + rng.randint(-4, 4)
    d.text((x, y), ch, fill=rng.randint(200, 255), font=font)
    big = big.rotate(rng.uniform(-15, 15), resample=Image.BILINEAR)
    big = big.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    return big.resize((28, 28), Image.LANCZOS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("out", help="folder written (PNG files)")
    ap.add_argument("--n", type=int, default=400, help="images (half are sent, half are the FID/KID reference)")
    ap.add_argument("--seed", type=int, default=0, help="random seed")
    a = ap.parse_args()
    if a.n < 4:
        ap.error(f"argument --n: at least 4, got {a.n}")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)
    font_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for i in range(a.n):
        glyph(rng, font_dir).save(out / f"glyph_{i:05d}.png")
    print(f"wrote {a.n} images to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
