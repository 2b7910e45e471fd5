"""The renderer processes letters are typeset in: a page's, and a merge's.

Single letters and previews use the process's pool (kept between requests); a merge opens its
own (``merge_renderers``), sized for its letters and started before it reads the ledger, and
single letters rendered inside that block (the gate's first letter) use it too. Every render
runs under the same limits (settings ``LETTER_RENDER_*``; ``isolation`` enforces them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

from legation.letters.render import isolation

TYPESET_FORMATS = ("pdf", "eml")  # txt and docx need no fonts
BATCH = 40  # letters sent to a renderer at once, at most


def render_limits() -> isolation.Limits:
    """The limits every untrusted render runs under (settings ``LETTER_RENDER_*``)."""
    return isolation.Limits(
        cpu_seconds=float(settings.LETTER_RENDER_CPU_SECONDS),
        memory_mb=int(settings.LETTER_RENDER_MEMORY_MB),
        wall_seconds=float(settings.LETTER_RENDER_WALL_SECONDS),
    )


# The renderers of the merge being prepared in this context (``merge_renderers``), if any.
_merge_pool: ContextVar[isolation.RenderPool | None] = ContextVar("merge_pool", default=None)


def renderers() -> isolation.RenderPool:
    """The renderers for single letters and previews: inside ``merge_renderers``, the merge's
    own (so the gate's first letter needs no renderer of its own), else the process's pool
    (kept between requests)."""
    pool = _merge_pool.get()
    if pool is not None:
        return pool
    return isolation.shared_pool(render_limits(), int(settings.LETTER_RENDER_PROCESSES))


@contextmanager
def merge_renderers(
    *, fmt: str, count: int, workers: int, pool: isolation.RenderPool | None = None
) -> Iterator[isolation.RenderPool]:
    """The renderers of a merge of ``count`` letters, started at once in the background.

    Opened before the merge reads the ledger (and, on the command line and in a web job, before
    the gate checks the first letter), so starting them (an interpreter, fonts, a first letter
    each) overlaps that work instead of delaying the first batch. ``produce`` and the gate
    inside the block use them. Renderers of an enclosing block, or ``pool`` (the job worker keeps
    its renderers between jobs), are used as they are and left running; else the merge's own
    are started here and stopped when the block ends. The limits are those of every render.
    """
    kept = pool if pool is not None else _merge_pool.get()
    if (
        kept is not None
        and kept.limits == render_limits()
        and (kept.typeset or fmt not in TYPESET_FORMATS)
    ):
        kept.start()  # any renderer the pool has lost is started again now
        token = _merge_pool.set(kept)
        try:
            yield kept
        finally:
            _merge_pool.reset(token)
        return
    size = max(1, min(workers, -(-max(count, 1) // BATCH)))
    own = isolation.RenderPool(size=size, limits=render_limits(), typeset=fmt in TYPESET_FORMATS)
    own.start()
    token = _merge_pool.set(own)
    try:
        yield own
    finally:
        _merge_pool.reset(token)
        own.close()
