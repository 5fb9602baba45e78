"""Runs the C++ unit tests of the plain DSP classes (lib/qa_ofdm_dsp.cc, GoogleTest)."""
import subprocess
from pathlib import Path

BIN = Path(__file__).resolve().parents[1] / "build" / "lib" / "qa_semdiff_dsp"


def test_cpp_dsp_unit_tests_pass():
    assert BIN.exists(), f"{BIN} not built (run ./run test, which builds it)"
    res = subprocess.run([str(BIN)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:]
    assert "[  PASSED  ]" in res.stdout
