"""Trainers for every shipped model; each is a ``gr-semdiff train <what>`` sub-command."""
