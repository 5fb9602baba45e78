import os
from pathlib import Path

import pytest
import torch

torch.set_num_threads(2)

# The same environment .prefix/env.sh gives, for subprocesses (grcc, generated flowgraphs) when pytest
# is started without sourcing it.
_PREFIX = Path(__file__).resolve().parents[1] / ".prefix"
for var, path in (("PYTHONPATH", _PREFIX / "lib/python3/dist-packages"),
                  ("GRC_BLOCKS_PATH", _PREFIX / "share/gnuradio/grc/blocks")):
    parts = [p for p in os.environ.get(var, "").split(os.pathsep) if p]
    if str(path) not in parts:
        os.environ[var] = os.pathsep.join([str(path), *parts])


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(1234)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """A tiny random codec saved in a temporary zoo (for blocks that load by name) and a decode context
    with a tiny prior, for flowgraph tests that must not depend on the shipped models."""
    from gnuradio.semdiff.decoders import DecodeContext
    from gnuradio.semdiff.models.jscc import JSCCCodec, JSCCConfig
    from gnuradio.semdiff.models.prior import make_scheduler, make_unet
    from gnuradio.semdiff.models.store import register, save_state
    from gnuradio.semdiff.phy.link import LinkOperator, preset

    zoo = tmp_path_factory.mktemp("zoo")
    torch.manual_seed(0)
    codec = JSCCCodec(JSCCConfig(width=16))
    register(save_state(zoo / "jscc_tiny", codec, codec.cfg.to_dict(), "jscc"), "test", directory=zoo)
    ctx = DecodeContext(codec, make_unet(32, 1, widths=(8, 16, 16)), make_scheduler(),
                        LinkOperator(preset("default", 128, clip_ratio=1.4)))
    return zoo / "jscc_tiny", ctx
