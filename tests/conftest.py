import pytest
import torch

torch.set_num_threads(2)


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(1234)
