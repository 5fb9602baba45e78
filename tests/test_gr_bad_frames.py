"""Bad frames are logged, counted, dropped; the block keeps running and later frames come through.

  vector_source (good | wrong length | NaN | untagged junk | bad tag value | good …) ─► block ─► sink
"""
import numpy as np
import pmt
import pytest
from gnuradio import gr

from gnuradio import semdiff
from gnuradio.semdiff.phy.link import preset

from grhelpers import frames_by_id, run_chain


def tag(off, key, value):
    return gr.tag_utils.python_to_tag((off, pmt.intern(key), value))


def bad_stream(n: int, rng):
    """Frames 0..5 of length n, with frames 1 (length n-3), 2 (NaN), 4 (no tag, after junk) bad."""
    chunks, tags, off = [], [], 0

    def add(samples, fid=None, length=None):
        nonlocal off
        if length is not None:
            tags.append(tag(off, "packet_len", length))
        if fid is not None:
            tags.append(tag(off, "frame_id", pmt.from_long(fid)))
        chunks.append(samples)
        off += len(samples)

    good = lambda: (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(np.complex64)
    add(good(), 0, pmt.from_long(n))
    add(good()[:-3], 1, pmt.from_long(n - 3))            # wrong length
    nan = good(); nan[5] = np.nan
    add(nan, 2, pmt.from_long(n))                         # NaN sample
    add(good()[:7])                                       # untagged junk
    add(good(), 4, pmt.intern("not-a-number"))            # length tag with a non-integer value
    add(good(), 3, pmt.from_long(n))
    add(good(), 5, pmt.from_long(n))
    return np.concatenate(chunks), tags


def make_blocks():
    cfg = preset("default", 128)
    b = semdiff.link_blocks(cfg, snr_db=20.0)
    g = cfg.grid
    return [(b["framer"], g.k, g.frame_len), (b["clipper"], g.frame_len, g.frame_len),
            (b["channel"], g.frame_len, g.frame_len), (b["deframer"], g.frame_len, g.k),
            (b["interleaver"], g.k, g.k)]


@pytest.mark.parametrize("index", range(5))
def test_block_drops_bad_frames_and_keeps_running(index):
    blk, n_in, n_out = make_blocks()[index]
    samples, tags = bad_stream(n_in, np.random.default_rng(index))
    data, out_tags = run_chain(samples, tags, [blk])
    ids = [f[0] for f in frames_by_id(data, out_tags, n_out)]
    assert ids == [0, 3, 5]
    st = blk.stats()
    assert st["frames_out"] == 3
    assert st["dropped_bad_length"] == 1 and st["dropped_nonfinite"] == 1
    assert st["dropped_missing_tag"] >= 1
    # every tagged input frame is accounted for: delivered or dropped with a reason
    assert st["frames_in"] == st["frames_out"] + st["dropped_bad_length"] + st["dropped_nonfinite"]


def test_bad_block_parameters_raise():
    with pytest.raises(ValueError, match="ratio"):
        semdiff.papr_clipper(100, 0.0)
    with pytest.raises(ValueError, match="estimator"):
        semdiff.ofdm_deframer(semdiff.grid_from("default", 128), "magic")
    with pytest.raises(ValueError, match="permutation"):
        semdiff.frame_interleaver([0, 0, 1])
    with pytest.raises(ValueError, match="kind"):
        semdiff.multipath_channel(100, "rician")
    g = semdiff.grid_from("default", 128)
    g.cp_len = 64
    with pytest.raises(ValueError, match="cp_len"):
        semdiff.ofdm_framer(g)
