"""PMT/PDU helpers for the Python blocks: images and symbol frames as GNU Radio PDUs (meta dict, vector)."""
from __future__ import annotations

import numpy as np
import pmt


INT64_MAX = 2 ** 63 - 1


def _value_to_python(v):
    """One PMT value as Python, never raising: types ``pmt.to_python`` cannot convert (u64/s8/… uniform
    vectors, blobs, nested oddities) come back as their PMT text, which is still loggable and JSON-safe."""
    try:
        return pmt.to_python(v)
    except Exception:  # noqa: BLE001 — pmt raises ValueError, TypeError or RuntimeError by type
        try:
            return pmt.write_string(v)
        except Exception:  # noqa: BLE001
            return "<unreadable pmt>"


def meta_to_dict(meta) -> dict:
    """PDU metadata as a dict, entry by entry; never raises (a hostile entry cannot take a handler's
    error path down with it). Non-dict metadata gives {}."""
    try:
        if not pmt.is_dict(meta):
            return {}
        items = pmt.dict_items(meta)
        out = {}
        while pmt.is_pair(items):
            kv, items = pmt.car(items), pmt.cdr(items)
            k = _value_to_python(pmt.car(kv))
            out[k if isinstance(k, str) else str(k)] = _value_to_python(pmt.cdr(kv))
        return out
    except Exception:  # noqa: BLE001
        return {}


def _value_to_pmt(v):
    if isinstance(v, np.ndarray) and np.iscomplexobj(v):
        return pmt.init_c32vector(len(v), v.astype(np.complex64).tolist())
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], complex):
        return pmt.init_c32vector(len(v), list(v))
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and not -INT64_MAX - 1 <= int(v) <= INT64_MAX:
        return pmt.from_uint64(int(v)) if 0 <= int(v) < 2 ** 64 else pmt.intern(str(v))
    return pmt.to_pmt(v)


def dict_to_meta(d: dict):
    """A dict as PDU metadata; never raises: a value PMT cannot hold goes as its text."""
    m = pmt.make_dict()
    for k, v in d.items():
        try:
            val = _value_to_pmt(v)
        except Exception:  # noqa: BLE001
            val = pmt.intern(repr(v)[:200])
        m = pmt.dict_add(m, pmt.intern(str(k)), val)
    return m


def frame_id_of(meta: dict):
    """The frame id as a JSON-safe int in 0 … 2⁶³−1, or None when absent or not such an integer."""
    fid = meta.get("frame_id")
    if isinstance(fid, (int, np.integer)) and not isinstance(fid, bool) and 0 <= int(fid) <= INT64_MAX:
        return int(fid)
    return None


def finite_number(meta: dict, key: str, lo: float = -np.inf, hi: float = np.inf) -> float:
    """``meta[key]`` as a finite float in [lo, hi]; ValueError naming the key otherwise."""
    v = meta.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise ValueError(f"metadata {key}={v!r} is not a number")
    v = float(v)
    if not np.isfinite(v) or not lo <= v <= hi:
        raise ValueError(f"metadata {key}={v!r} is not finite in [{lo:g}, {hi:g}]")
    return v


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
