"""The OFDM resource grid: which carriers carry data, which carry pilots, and how many OFDM symbols a
frame of k data symbols needs (DiffCom §IV-A.3: N_s = ceil(k / carriers) data symbols, N_p pilot symbols).

Carrier indices are signed (-N/2 … N/2-1, 0 = DC), as in GNU Radio's ``ofdm_carrier_allocator_cvc``
with ``fft_shift=True``; FFT bin = index mod N. Data fills the data carriers in the order listed,
OFDM symbol after OFDM symbol (GNU Radio's order too), zero-padded to whole symbols.

Pilot types:
  * ``block``: the first ``n_pilot_symbols`` OFDM symbols carry pilots on every used carrier (DiffCom's
    N_p = 1; GNU Radio calls such a symbol a sync word); the data symbols use every used carrier.
  * ``comb``: every ``comb_spacing``-th used carrier (and the last, so interpolation never extrapolates)
    carries a pilot in every OFDM symbol; data uses the rest.
Pilot values are unit-modulus QPSK drawn from ``pilot_seed`` (known to both ends).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class ResourceGrid:
    fft_len: int = 64
    cp_len: int = 16
    k: int = 128                          # data (JSCC) symbols per frame
    used_carriers: tuple[int, ...] | None = None   # None: all but DC and guards (see guard_*)
    dc_null: bool = True
    guard_left: int = 6
    guard_right: int = 5
    pilot_type: str = "block"             # "block" | "comb"
    n_pilot_symbols: int = 1
    comb_spacing: int = 4
    pilot_seed: int = 1

    def __post_init__(self):
        if self.fft_len < 2:
            raise ValueError(f"fft_len must be >= 2, got {self.fft_len}")
        if not 0 <= self.cp_len < self.fft_len:
            raise ValueError(f"cp_len must be in [0, fft_len), got cp_len={self.cp_len} for fft_len={self.fft_len}")
        if self.k <= 0:
            raise ValueError(f"k (data symbols per frame) must be positive, got {self.k}")
        if self.pilot_type not in ("block", "comb"):
            raise ValueError(f"pilot_type must be 'block' or 'comb', got {self.pilot_type!r}")
        used = self.carriers
        half = self.fft_len // 2
        bad = [c for c in used if not -half <= c < self.fft_len - half]
        if bad:
            raise ValueError(f"used_carriers {bad} outside [-{half}, {self.fft_len - half})")
        if len(set(used)) != len(used):
            raise ValueError("used_carriers has duplicates")
        if self.dc_null and 0 in used:
            raise ValueError("used_carriers includes DC (0) but dc_null is set: pilots/data on a null carrier")
        if self.pilot_type == "block" and self.n_pilot_symbols < 1:
            raise ValueError(f"n_pilot_symbols must be >= 1 for block pilots, got {self.n_pilot_symbols}")
        if self.pilot_type == "comb":
            if self.comb_spacing < 2:
                raise ValueError(f"comb_spacing must be >= 2, got {self.comb_spacing}")
            if len(self.data_carriers) == 0:
                raise ValueError("comb pilots leave no data carriers")

    # -- layout --------------------------------------------------------------------------------
    @property
    def carriers(self) -> tuple[int, ...]:
        """Used (non-null) carriers in ascending frequency order."""
        if self.used_carriers is not None:
            return tuple(sorted(self.used_carriers))
        half = self.fft_len // 2
        lo, hi = -half + self.guard_left, self.fft_len - half - 1 - self.guard_right
        return tuple(c for c in range(lo, hi + 1) if not (self.dc_null and c == 0))

    @property
    def pilot_carriers(self) -> tuple[int, ...]:
        """Comb pilot carriers (empty for block pilots)."""
        if self.pilot_type == "block":
            return ()
        used = self.carriers
        idx = sorted(set(range(0, len(used), self.comb_spacing)) | {len(used) - 1})
        return tuple(used[i] for i in idx)

    @property
    def data_carriers(self) -> tuple[int, ...]:
        pilots = set(self.pilot_carriers)
        return tuple(c for c in self.carriers if c not in pilots)

    @property
    def n_data_symbols(self) -> int:
        """OFDM symbols carrying data: ceil(k / data carriers)."""
        return math.ceil(self.k / len(self.data_carriers))

    @property
    def n_pilot_only_symbols(self) -> int:
        return self.n_pilot_symbols if self.pilot_type == "block" else 0

    @property
    def n_symbols(self) -> int:
        return self.n_pilot_only_symbols + self.n_data_symbols

    @property
    def symbol_len(self) -> int:
        return self.fft_len + self.cp_len

    @property
    def frame_len(self) -> int:
        """Time-domain samples per frame (with CP)."""
        return self.n_symbols * self.symbol_len

    @property
    def n_pad(self) -> int:
        return self.n_data_symbols * len(self.data_carriers) - self.k

    # -- pilots --------------------------------------------------------------------------------
    def _qpsk(self, n: int, salt: int) -> np.ndarray:
        rng = np.random.default_rng([self.pilot_seed, salt])
        bits = rng.integers(0, 2, size=(n, 2))
        return ((1 - 2 * bits[:, 0]) + 1j * (1 - 2 * bits[:, 1])).astype(np.complex64) / np.sqrt(2)

    def pilot_values(self) -> np.ndarray:
        """Block: (n_pilot_symbols, len(carriers)); comb: (n_data_symbols, len(pilot_carriers))."""
        if self.pilot_type == "block":
            return self._qpsk(self.n_pilot_symbols * len(self.carriers), 0).reshape(self.n_pilot_symbols, -1)
        return self._qpsk(self.n_data_symbols * len(self.pilot_carriers), 1).reshape(self.n_data_symbols, -1)

    def bins(self, carriers) -> np.ndarray:
        return np.asarray(carriers, dtype=np.int64) % self.fft_len

    def to_dict(self) -> dict:
        return asdict(self)


def default_grid(k: int, pilot_type: str = "block", **kw) -> ResourceGrid:
    """One 32x32 image per frame: FFT 64, CP 16, 52 used carriers (-26 … 26 without DC) — the
    802.11a/g numerology GNU Radio's own OFDM examples use."""
    return ResourceGrid(fft_len=64, cp_len=16, k=k, guard_left=6, guard_right=5, dc_null=True,
                        pilot_type=pilot_type, **kw)


def diffcom_grid(k: int, pilot_type: str = "block", **kw) -> ResourceGrid:
    """DiffCom §IV-A.3: 256 subcarriers, all used, CP 10, one block pilot symbol."""
    return ResourceGrid(fft_len=256, cp_len=10, k=k, guard_left=0, guard_right=0, dc_null=False,
                        pilot_type=pilot_type, n_pilot_symbols=1, **kw)


GRID_PRESETS = {"default": default_grid, "diffcom": diffcom_grid}


def grid_preset(name: str, k: int, pilot_type: str = "block", **overrides) -> ResourceGrid:
    if name not in GRID_PRESETS:
        raise ValueError(f"unknown link preset {name!r}; choose from {sorted(GRID_PRESETS)}")
    return GRID_PRESETS[name](k, pilot_type, **overrides)
