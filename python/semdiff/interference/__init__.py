"""Interference: injection at a set SINR (ICDM eq. (1)) and the equalized real model of Lemma 1 with the
joint conditional gradients ICDM guides its two priors with (eqs. (35)–(38))."""
