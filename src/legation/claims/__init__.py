"""Checked letters: every figure and date in a draft verified against the ledger (docs/claims.md)."""
