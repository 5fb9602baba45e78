"""gr-semdiff: diffusion-aided semantic image communication for GNU Radio.

``from gnuradio import semdiff`` gives the GNU Radio blocks (C++ through pybind11, Python blocks over
the torch core). The torch core (``semdiff.phy``, ``semdiff.models``, ``semdiff.decoders``,
``semdiff.eval``) never imports GNU Radio, and importing it does not load the C++ bindings: they load
on first use of a block name (PEP 562 module ``__getattr__``).
"""
from __future__ import annotations

import importlib

# name -> module that defines it (relative); C++ blocks come from the pybind11 module
_LAZY = {
    "grid_spec": ".semdiff_python",
    "ofdm_framer": ".semdiff_python",
    "papr_clipper": ".semdiff_python",
    "ofdm_deframer": ".semdiff_python",
    "frame_interleaver": ".semdiff_python",
    "multipath_channel": ".semdiff_python",
    "air_framer": ".semdiff_python",
    "ofdm_sync": ".semdiff_python",
    "grid_spec_from": ".gr_glue",
    "grid_from": ".gr_glue",
    "pdp_from": ".gr_glue",
    "interleaver_perm": ".gr_glue",
    "link_blocks": ".gr_glue",
    "symbol_frame_source": ".blocks.symbol_frames",
    "symbol_frame_probe": ".blocks.symbol_frames",
    "image_source": ".blocks.image_io",
    "image_sink": ".blocks.image_sink",
    "jscc_encoder": ".blocks.jscc_encoder",
    "waveform_interference": ".blocks.waveform_interference",
    "jscc_encoder_pdu": ".blocks.jscc_encoder",
    "diffusion_decoder": ".blocks.diffusion_decoder",
    "interference_injector": ".blocks.interference",
    "interference_canceller": ".blocks.interference",
    "interference_prior_name": ".interference.names",
    "ota_source": ".blocks.ota",
    "live_view": ".gui.live_view",
    "sigmf_capture_sink": ".capture.blocks",
    "sigmf_replay_source": ".capture.blocks",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'gnuradio.semdiff' has no attribute {name!r}")
    value = getattr(importlib.import_module(mod, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
