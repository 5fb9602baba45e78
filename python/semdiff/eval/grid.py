"""PNG image grids (matplotlib), e.g. ``gr-semdiff samples`` writes 64 prior samples as an 8×8 grid."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch


def save_grid(images: torch.Tensor, path: Path, nrow: int = 8, title: str | None = None,
              row_labels: list[str] | None = None, scale: float = 0.9, captions: list[str] | None = None,
              col_titles: list[str] | None = None) -> Path:
    """``captions``: one short text under each tile (e.g. PSNR / perceptual distance); ``col_titles``:
    a heading over each column of the first row."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = ((images.detach().clamp(-1, 1) + 1) / 2).cpu().numpy()
    n = len(x)
    ncol = nrow
    nrows = int(np.ceil(n / ncol))
    cap_h = 0.22 * scale if captions else 0.0
    head_h = 0.45 if title else 0.0
    col_h = 0.2 if col_titles else 0.0
    fig_h = nrows * (scale + cap_h) + head_h + col_h
    fig, axes = plt.subplots(nrows, ncol, figsize=(ncol * scale, fig_h), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        for sp in ax.spines.values():
            sp.set_visible(False)
        if i < n:
            img = x[i].transpose(1, 2, 0)
            ax.imshow(img[..., 0] if img.shape[-1] == 1 else img, cmap="gray", vmin=0, vmax=1)
        if row_labels and i % ncol == 0 and i // ncol < len(row_labels):
            ax.set_ylabel(row_labels[i // ncol], fontsize=7)
        if captions and i < len(captions):
            ax.set_xlabel(captions[i], fontsize=5.5, labelpad=1)
        if col_titles and i < min(ncol, len(col_titles)):
            ax.set_title(col_titles[i], fontsize=7, pad=2)
    if title:
        fig.suptitle(title, fontsize=9)
    # keep the suptitle above the first row instead of over it
    fig.tight_layout(pad=0.2, rect=(0, 0, 1, 1 - head_h / fig_h))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
