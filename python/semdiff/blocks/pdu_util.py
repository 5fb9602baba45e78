"""PMT/PDU helpers for the Python blocks: images and symbol frames as GNU Radio PDUs (meta dict, vector)."""
from __future__ import annotations

import numpy as np
import pmt


def meta_to_dict(meta) -> dict:
    d = pmt.to_python(meta) if pmt.is_dict(meta) else {}
    return d if isinstance(d, dict) else {}


def dict_to_meta(d: dict):
    m = pmt.make_dict()
    for k, v in d.items():
        if isinstance(v, np.ndarray) and np.iscomplexobj(v):
            val = pmt.init_c32vector(len(v), v.astype(np.complex64).tolist())
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], complex):
            val = pmt.init_c32vector(len(v), list(v))
        else:
            val = pmt.to_pmt(v)
        m = pmt.dict_add(m, pmt.intern(str(k)), val)
    return m


def image_pdu(img_u8: np.ndarray, meta: dict):
    """uint8 image (H, W, C) -> PDU with shape in the metadata."""
    h, w, c = img_u8.shape
    meta = {**meta, "height": h, "width": w, "channels": c}
    return pmt.cons(dict_to_meta(meta), pmt.init_u8vector(img_u8.size, img_u8.reshape(-1).tolist()))


def _split(pdu, is_vector, kind: str):
    if not pmt.is_pair(pdu):
        raise ValueError("not a PDU (expected a pair of metadata and vector)")
    vec = pmt.cdr(pdu)
    if not is_vector(vec):
        raise ValueError(f"{kind} PDU has the wrong vector type")
    return meta_to_dict(pmt.car(pdu)), vec


def image_from_pdu(pdu) -> tuple[np.ndarray, dict]:
    """PDU -> (uint8 image (H, W, C), meta); ValueError naming what is wrong."""
    meta, vec = _split(pdu, pmt.is_u8vector, "image (u8vector)")
    try:
        h, w, c = int(meta["height"]), int(meta["width"]), int(meta["channels"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("image PDU metadata needs integer height, width, channels") from None
    data = np.asarray(pmt.u8vector_elements(vec), dtype=np.uint8)
    if data.size != h * w * c:
        raise ValueError(f"image PDU has {data.size} bytes, metadata says {h}x{w}x{c}")
    return data.reshape(h, w, c), meta


def symbols_from_pdu(pdu, k: int) -> tuple[np.ndarray, dict]:
    """PDU of k complex symbols (+ CSI metadata) -> (symbols, meta); ValueError naming what is wrong."""
    meta, vec = _split(pdu, pmt.is_c32vector, "symbol (c32vector)")
    z = np.asarray(pmt.c32vector_elements(vec), dtype=np.complex64)
    if len(z) != k:
        raise ValueError(f"symbol PDU has {len(z)} symbols, the decoder expects k={k}")
    if not np.isfinite(z).all():
        raise ValueError("symbol PDU contains NaN/Inf")
    return z, meta
