"""Files placed under MEDIA_ROOT by a write that is rolled back are deleted with it.

A letter or an imported message is kept as a file under MEDIA_ROOT and named by a row written in
the same transaction. When the transaction is rolled back (an error, a dry run, a preview) the
row is gone and nothing names the file any more: `removed_if_rolled_back` deletes the files
`placed` reported inside the block when an exception leaves it. A nested block hands its files
to the enclosing one, so a failure after it (the caller's own writes in the same transaction)
removes them too.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_placed: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar(
    "legation_placed_files", default=None
)


def placed(path: Path) -> None:
    """Report a file just created under MEDIA_ROOT by the write in progress."""
    files = _placed.get()
    if files is not None:
        files.append(path)


@contextmanager
def removed_if_rolled_back() -> Iterator[None]:
    enclosing = _placed.get()
    files: list[Path] = []
    token = _placed.set(files)
    try:
        yield
    except BaseException:
        for path in files:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # its folder, once empty
        raise
    finally:
        _placed.reset(token)
    if enclosing is not None:
        enclosing.extend(files)
