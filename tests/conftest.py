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
