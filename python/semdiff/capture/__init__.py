"""Captures: IQ recordings in SigMF (https://sigmf.org) with the link configuration needed to decode them,
written from a flowgraph (``sigmf_capture_sink``) or synthesised (``gr-semdiff capture synth``) and
decoded end to end (``sigmf_replay_source``, ``gr-semdiff replay``)."""
