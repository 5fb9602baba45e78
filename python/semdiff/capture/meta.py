"""SigMF metadata of a gr-semdiff capture, with the ``sigmf`` package (no GNU Radio here).

Global: core:datatype cf32_le, core:sample_rate, core:hw, core:author, core:description, core:recorder;
the link in the ``semdiff`` extension namespace — ``semdiff:link`` (grid preset, k, pilots, interleaver
seed, codec, clip ratio, codec id) and ``semdiff:link_sha256`` (its hash, so a receiver configured
differently notices), ``semdiff:reference`` (where the sent images come from, for scoring).
Captures: one segment from sample 0 with core:frequency and core:datetime. Annotations: one per frame
sent or received (core:sample_start, core:sample_count, core:label, ``semdiff:frame_id``).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

NS = "semdiff"
EXTENSION = {"name": NS, "version": "1.0.0", "optional": True}
BYTES_PER_SAMPLE = 8   # cf32_le


@dataclass(frozen=True)
class LinkSetup:
    """What a receiver must know to decode a capture."""
    preset: str = "default"
    k: int = 128
    pilot_type: str = "block"
    interleaver_seed: int = 0
    jscc: str = "jscc_fmnist_ofdm_cbr1-8"
    clip_ratio: float = 1.4
    codec_id: int = 0

    def __post_init__(self):
        if self.preset not in ("default", "diffcom"):
            raise ValueError(f"link preset must be 'default' or 'diffcom', got {self.preset!r}")
        if self.pilot_type not in ("block", "comb"):
            raise ValueError(f"pilot_type must be 'block' or 'comb', got {self.pilot_type!r}")
        for name in ("k", "interleaver_seed", "codec_id"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"link {name} must be an integer >= 0, got {v!r}")

    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()

    @classmethod
    def from_dict(cls, d) -> "LinkSetup":
        if not isinstance(d, dict):
            raise ValueError(f"semdiff:link must be an object, got {type(d).__name__}")
        unknown = set(d) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"semdiff:link has unknown fields {sorted(unknown)}")
        return cls(**d)


@dataclass
class Capture:
    data_path: Path
    meta_path: Path
    sample_rate: float
    n_samples: int
    link: LinkSetup
    center_freq: float = 0.0
    reference: str = ""
    annotations: list = field(default_factory=list)   # frames sent: [(sample_start, sample_count, frame_id)]
    received: list = field(default_factory=list)      # frames a receiver found while recording (same form)


def paths(base: str | Path) -> tuple[Path, Path]:
    """FILE, FILE.sigmf-meta or FILE.sigmf-data → (data, meta)."""
    base = str(base)
    for ext in (".sigmf-meta", ".sigmf-data", ".sigmf"):
        if base.endswith(ext):
            base = base[: -len(ext)]
    return Path(base + ".sigmf-data"), Path(base + ".sigmf-meta")


def write_meta(base, *, sample_rate: float, center_freq: float, link: LinkSetup, hw: str, datetime: str,
               annotations=(), reference: str = "", description: str = "", recorder: str = "gr-semdiff"):
    """Write FILE.sigmf-meta for an existing FILE.sigmf-data (its SHA-512 included)."""
    from sigmf import SigMFFile

    data, meta = paths(base)
    f = SigMFFile(data_file=str(data), global_info={
        SigMFFile.DATATYPE_KEY: "cf32_le", SigMFFile.SAMPLE_RATE_KEY: float(sample_rate),
        SigMFFile.HW_KEY: hw, SigMFFile.AUTHOR_KEY: "gr-semdiff", SigMFFile.RECORDER_KEY: recorder,
        SigMFFile.DESCRIPTION_KEY: description or "gr-semdiff capture", SigMFFile.EXTENSIONS_KEY: [EXTENSION],
        f"{NS}:link": asdict(link), f"{NS}:link_sha256": link.sha256(), f"{NS}:reference": reference})
    f.add_capture(0, metadata={SigMFFile.FREQUENCY_KEY: float(center_freq), SigMFFile.DATETIME_KEY: datetime})
    for start, count, fid, *extra in annotations:
        md = {SigMFFile.LABEL_KEY: f"frame {fid}" + (" received" if extra else ""), f"{NS}:frame_id": int(fid)}
        f.add_annotation(int(start), int(count), metadata={**md, **(extra[0] if extra else {})})
    f.tofile(str(meta), overwrite=True)
    return meta


def open_capture(base, expect: LinkSetup | None = None) -> Capture:
    """Read and check a capture; every problem is a ValueError with one line naming it."""
    data, meta = paths(base)
    for p in (meta, data):
        if not p.exists():
            raise ValueError(f"{p} does not exist")
    try:
        raw = json.loads(meta.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{meta} is not JSON ({e.__class__.__name__} at {getattr(e, 'pos', '?')})") from None
    from sigmf import SigMFFile
    from sigmf.error import SigMFError

    size = data.stat().st_size
    if size % BYTES_PER_SAMPLE:
        raise ValueError(f"{data} is truncated: {size} bytes is not a whole number of cf32 samples")
    n = size // BYTES_PER_SAMPLE
    try:   # truncation first: it is the likelier story than a corrupt file when the hash differs too
        end = max((int(a["core:sample_start"]) + int(a.get("core:sample_count", 0)) for a in raw.get("annotations", [])),
                  default=0)
    except (TypeError, KeyError, ValueError, AttributeError):
        raise ValueError(f"{meta}: malformed annotations") from None
    if end > n:
        raise ValueError(f"{data} is truncated: {n} samples, but its annotations reach sample {end}")
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = SigMFFile(metadata=raw, data_file=str(data))  # validates the schema and the SHA-512
    except SigMFError as e:
        raise ValueError(f"{meta}: {str(e).splitlines()[0]}") from None
    g = f.get_global_info()
    if g.get(SigMFFile.DATATYPE_KEY) != "cf32_le":
        raise ValueError(f"{meta}: datatype {g.get(SigMFFile.DATATYPE_KEY)!r}; gr-semdiff replays cf32_le")
    if f"{NS}:link" not in g:
        raise ValueError(f"{meta} has no semdiff:link (not a gr-semdiff capture, or written without its link)")
    link = LinkSetup.from_dict(g[f"{NS}:link"])
    if g.get(f"{NS}:link_sha256") != link.sha256():
        raise ValueError(f"{meta}: semdiff:link does not match semdiff:link_sha256 (edited by hand?)")
    if expect is not None and expect != link:
        diff = {k: (getattr(link, k), getattr(expect, k)) for k in asdict(link) if getattr(link, k) != getattr(expect, k)}
        raise ValueError(f"{meta}: recorded with another link than this receiver's: "
                         + ", ".join(f"{k} {a!r} (capture) vs {b!r} (receiver)" for k, (a, b) in diff.items()))
    rows = [(a[SigMFFile.SAMPLE_START_KEY], a.get(SigMFFile.SAMPLE_COUNT_KEY, 0), a.get(f"{NS}:frame_id"),
             bool(a.get(f"{NS}:received"))) for a in f.get_annotations()]
    caps = f.get_captures()
    return Capture(data, meta, float(g[SigMFFile.SAMPLE_RATE_KEY]), n, link,
                   float(caps[0].get(SigMFFile.FREQUENCY_KEY, 0.0)) if caps else 0.0,
                   str(g.get(f"{NS}:reference", "")), [r[:3] for r in rows if not r[3]], [r[:3] for r in rows if r[3]])
