"""The soak: a long run of mixed traffic against the whole platform (``python -m bench.soak``)."""
