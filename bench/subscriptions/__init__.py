"""The subscription benchmark (``python -m bench.subscriptions``; see ``__main__``)."""
