"""Letters to many: who a merge goes to (``segments``), the review queue (``review``,
``review_display``), the check of a merge's first letter against the ledger (``gate``),
producing and recording the letters (``production``), and merges run in the background by
``legation worker`` (``jobs``).
"""
