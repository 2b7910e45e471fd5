"""Letters to many: who a merge goes to (``segments``), the review queue (``review``,
``review_display``), producing and recording the letters (``production``), and merges run in the
background by ``legation worker`` (``jobs``).
"""
