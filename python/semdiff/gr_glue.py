"""Glue between the torch core's link description and the C++ blocks: the one place a
ResourceGrid / LinkConfig becomes constructor arguments, so GRC, the tests and the demo agree."""
from __future__ import annotations

from .phy.grid import ResourceGrid, grid_preset
from .phy.profiles import exponential_pdp, seeded_permutation


def grid_spec_from(grid: ResourceGrid):
    from .semdiff_python import grid_spec

    g = grid_spec()
    g.fft_len, g.cp_len, g.k = grid.fft_len, grid.cp_len, grid.k
    g.block_pilots = grid.pilot_type == "block"
    g.n_pilot_symbols = grid.n_pilot_symbols
    g.used_carriers = list(grid.carriers)
    g.data_carriers = list(grid.data_carriers)
    g.pilot_carriers = list(grid.pilot_carriers)
    g.pilot_values = [complex(v) for v in grid.pilot_values().reshape(-1)]
    g.validate()
    return g


def grid_from(preset_name: str = "default", k: int = 128, pilot_type: str = "block", **overrides):
    """A C++ grid_spec from a link preset; zero/None overrides keep the preset's value (GRC passes 0)."""
    overrides = {key: v for key, v in overrides.items() if v not in (None, 0, "")}
    return grid_spec_from(grid_preset(preset_name, k, pilot_type, **overrides))


def pdp_from(n_taps: int = 8, decay: float = 4.0) -> list[float]:
    """The exponential power-delay profile the LMMSE estimator assumes (DiffCom §III-D)."""
    return [float(p) for p in exponential_pdp(n_taps, decay)]


def interleaver_perm(k: int, seed: int | None = 0) -> list[int]:
    return [int(i) for i in seeded_permutation(k, seed)]


def link_blocks(cfg, snr_db: float = 20.0, seed: int = 0, known_noise_var: float = 0.0) -> dict:
    """The GNU Radio blocks of one LinkConfig, in chain order:
    interleaver → framer → clipper → channel → deframer → deinterleaver."""
    from . import semdiff_python as b

    g = cfg.grid
    spec = grid_spec_from(g)
    perm = interleaver_perm(g.k, cfg.interleaver_seed)
    ch = cfg.channel
    ratio = float("inf") if cfg.clip_ratio is None else float(cfg.clip_ratio)
    estimator = cfg.estimator if cfg.estimator in ("ls", "lmmse", "none") else "lmmse"
    return {
        "interleaver": b.frame_interleaver(perm, False),
        "framer": b.ofdm_framer(spec),
        "clipper": b.papr_clipper(g.frame_len, ratio),
        "channel": b.multipath_channel(g.frame_len, ch.kind, ch.n_taps, ch.decay, snr_db, seed),
        "deframer": b.ofdm_deframer(spec, estimator, cfg.equalizer, [float(p) for p in ch.pdp],
                                    known_noise_var),
        "deinterleaver": b.frame_interleaver(perm, True),
    }
