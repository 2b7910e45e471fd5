"""From a template and the ledger to a finished letter, before any typesetting.

Template files and where they come from (``letter_template``, ``library``), the sandbox their
placeholders run in (``sandbox``, ``jinja_filters``), what a template reads (``context``, with
``titles``, ``closing`` and ``personal``), light Markdown (``markup``) and the finished letter
(``letter``).
"""
