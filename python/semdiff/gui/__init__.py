"""Qt GUI blocks (category "[semdiff]/GUI"): the live view of decoded images."""
