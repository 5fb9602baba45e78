"""tools/make_glyphs.py writes the out-of-domain folder ``eval refiners --images`` reads: n distinct
28×28 glyph images, the same for the same seed, loadable as a user image folder."""
import subprocess
import sys
from pathlib import Path

import torch

from gnuradio.semdiff.data import load_dataset, stack

TOOL = Path(__file__).resolve().parents[1] / "tools" / "make_glyphs.py"


def test_glyph_folder_is_deterministic_and_loads(tmp_path):
    for d in ("a", "b"):
        subprocess.run([sys.executable, str(TOOL), str(tmp_path / d), "--n", "12", "--seed", "3"], check=True,
                       capture_output=True)
    xa, _ = stack(load_dataset(str(tmp_path / "a"), "test"))
    xb, _ = stack(load_dataset(str(tmp_path / "b"), "test"))
    assert xa.shape == (12, 1, 32, 32) and torch.equal(xa, xb)
    assert len({tuple(v.flatten().tolist()) for v in xa}) == 12           # distinct images
    assert (xa > 0).float().mean() < 0.5 and xa.max() > 0.5                # bright strokes on black
    res = subprocess.run([sys.executable, str(TOOL), str(tmp_path / "c"), "--n", "2"], capture_output=True, text=True)
    assert res.returncode == 2 and "--n" in res.stderr
