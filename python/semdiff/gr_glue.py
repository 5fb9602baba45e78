"""Glue between the torch core's link description and the C++ blocks: the one place a
ResourceGrid / LinkConfig becomes constructor arguments, so GRC, the tests and the demo agree."""
from __future__ import annotations

from .phy.channels import exp_pdp
from .phy.grid import ResourceGrid
from .phy.interleaver import Interleaver
from .phy.link import preset


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
    return grid_spec_from(preset(preset_name, k, pilot_type, **overrides).grid)


def pdp_from(n_taps: int = 8, decay: float = 4.0) -> list[float]:
    """The exponential power-delay profile the LMMSE estimator assumes (DiffCom §III-D)."""
    return [float(p) for p in exp_pdp(n_taps, decay)]


def interleaver_perm(k: int, seed: int | None = 0) -> list[int]:
    return [int(i) for i in Interleaver(k, seed).perm]
