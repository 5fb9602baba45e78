"""Image data sets: Fashion-MNIST from Debian's ``dataset-fashion-mnist`` (the embedded default)
and a user's own image folder, both yielding float tensors in [-1, 1] of shape (C, S, S).

No gnuradio import: this is part of the torch core.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

FASHION_MNIST_DIR = Path(os.environ.get("SEMDIFF_FASHION_MNIST", "/usr/share/datasets/fashion-mnist"))
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")


class DataError(ValueError):
    """A data set that cannot be read; the message names the path."""


def _read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (the MNIST container format), gzip or plain."""
    if not path.exists():
        raise DataError(f"data file not found: {path} (install Debian's dataset-fashion-mnist "
                        f"or set SEMDIFF_FASHION_MNIST)")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise DataError(f"cannot read {path}: {e}") from e
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataError(f"{path} is not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">u4", count=ndim, offset=4).astype(np.int64)
    expected = 4 + 4 * ndim + int(np.prod(dims))
    if len(raw) != expected:
        raise DataError(f"{path} is truncated or corrupt: {len(raw)} bytes, header says {expected}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(tuple(dims))


def to_model_range(u8: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 [0, 255] -> float32 [-1, 1]."""
    t = torch.from_numpy(np.array(u8, dtype=np.float32)) if not torch.is_tensor(u8) else u8.float()
    return t / 127.5 - 1.0


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """float [-1, 1] (..., C, H, W) -> uint8 (..., H, W, C)."""
    y = ((x.detach().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return y.movedim(-3, -1).cpu().numpy()


class FashionMNIST(Dataset):
    """Fashion-MNIST padded from 28x28 to 32x32 (2 pixels each side, background value -1)."""

    def __init__(self, split: str = "train", root: Path | str | None = None, size: int = 32):
        if split not in ("train", "test"):
            raise DataError(f"split must be 'train' or 'test', got {split!r}")
        root = Path(root) if root is not None else FASHION_MNIST_DIR
        prefix = "train" if split == "train" else "t10k"
        images = _read_idx(root / f"{prefix}-images-idx3-ubyte.gz")
        labels = _read_idx(root / f"{prefix}-labels-idx1-ubyte.gz")
        if images.shape[0] != labels.shape[0]:
            raise DataError(f"{root}: {images.shape[0]} images but {labels.shape[0]} labels")
        pad = (size - images.shape[1]) // 2
        if pad < 0:
            raise DataError(f"size {size} is smaller than the 28x28 Fashion-MNIST images")
        x = to_model_range(images)[:, None]
        self.images = torch.nn.functional.pad(x, (pad, size - 28 - pad, pad, size - 28 - pad), value=-1.0)
        self.labels = torch.as_tensor(labels.astype(np.int64))
        self.channels, self.size = 1, size

    def __len__(self) -> int:
        return self.images.shape[0]

    def __getitem__(self, i: int):
        return self.images[i], self.labels[i]


class ImageFolder(Dataset):
    """A user's folder of PNG/JPEG images, resized (short side) and centre-cropped to ``size``.

    Labels are all -1 (unknown). ``channels`` is 1 (grayscale) or 3 (RGB).
    """

    def __init__(self, root: Path | str, size: int = 32, channels: int = 1):
        from PIL import Image  # Pillow is a dependency of diffusers/matplotlib already

        self._Image = Image
        root = Path(root)
        if not root.exists():
            raise DataError(f"image folder not found: {root}")
        if not root.is_dir():
            raise DataError(f"not a folder: {root}")
        if channels not in (1, 3):
            raise DataError(f"channels must be 1 or 3, got {channels}")
        self.files = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_EXTENSIONS)
        if not self.files:
            raise DataError(f"no PNG/JPEG images in {root}")
        self.size, self.channels = size, channels

    def __len__(self) -> int:
        return len(self.files)

    def load(self, path: Path) -> torch.Tensor:
        Image = self._Image
        try:
            with Image.open(path) as im:
                im = im.convert("L" if self.channels == 1 else "RGB")
                w, h = im.size
                s = self.size / min(w, h)
                im = im.resize((max(self.size, round(w * s)), max(self.size, round(h * s))), Image.BICUBIC)
                w, h = im.size
                left, top = (w - self.size) // 2, (h - self.size) // 2
                im = im.crop((left, top, left + self.size, top + self.size))
                arr = np.asarray(im, dtype=np.uint8)
        except (OSError, ValueError) as e:  # PIL raises UnidentifiedImageError (an OSError) on junk
            raise DataError(f"cannot read image {path}: {e}") from e
        if arr.ndim == 2:
            arr = arr[:, :, None]
        return to_model_range(arr).permute(2, 0, 1).contiguous()

    def __getitem__(self, i: int):
        return self.load(self.files[i]), torch.tensor(-1)


def load_dataset(name: str = "fashion-mnist", split: str = "train", size: int = 32, channels: int = 1) -> Dataset:
    """``name`` is ``fashion-mnist`` or a path to an image folder."""
    if name == "fashion-mnist":
        return FashionMNIST(split, size=size)
    return ImageFolder(name, size=size, channels=channels)


def stack(ds: Dataset, n: int | None = None, start: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``n`` items of a data set as (images, labels) tensors."""
    if isinstance(ds, FashionMNIST):
        end = len(ds) if n is None else min(len(ds), start + n)
        return ds.images[start:end], ds.labels[start:end]
    end = len(ds) if n is None else min(len(ds), start + n)
    items = [ds[i] for i in range(start, end)]
    return torch.stack([a for a, _ in items]), torch.stack([b for _, b in items])
