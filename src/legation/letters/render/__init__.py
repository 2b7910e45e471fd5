"""Typesetting letters in renderer processes: PDF (``pdf``, Typst), Word (``word``), the tasks a
renderer process runs (``renderer_tasks``), the processes and their limits (``isolation``), and
the pages' previews (``preview``).
"""
