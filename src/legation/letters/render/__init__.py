"""Typesetting letters in renderer processes: PDF (``pdf``, Typst), Word (``word``), the tasks a
renderer process runs (``renderer_tasks``), the processes and their limits (``isolation``), the
renderers a page or a merge uses (``pools``), and the pages' previews (``preview``).

Nothing here imports ``merge``: a merge uses the renderers, not the other way round.
"""
