"""``gr-semdiff bench …``: throughput measured in one run, printed as ratios (never asserted in tests)."""
