"""legation: a relationship and correspondence ledger for diplomatic missions."""

__version__ = "0.1.0"
