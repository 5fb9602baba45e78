"""Which shipped symbol prior serves which interferer — pure Python (no torch), so GNU Radio Companion
can evaluate ``semdiff.interference_prior_name(...)`` in a block parameter under any interpreter."""
from __future__ import annotations

CONSTANT_MODULUS = ("qpsk", "tone", "chirp")


def interference_prior_name(interferer: str, fading: str = "none") -> str:
    """The shipped symbol prior for an interferer class as the injectors name it (``jscc`` is the
    second JSCC transmitter, trained as ``jscc-pair``). Under Rayleigh fading every constant-modulus
    class shares QPSK's faded prior: h·z with h ~ CN(0, 1) per symbol and |z| = 1 is exactly CN(0, 1)
    whatever z's phase."""
    cls = "jscc-pair" if interferer == "jscc" else interferer
    faded = fading == "rayleigh"
    if faded and cls in CONSTANT_MODULUS:
        cls = "qpsk"
    return f"symprior_{cls.replace('-', '_')}{'_rayleigh' if faded else ''}_k128"
