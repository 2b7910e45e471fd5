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
import datetime as dt
import time
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


# Where rows name their files (upload_to of letters.LetterRecord.file and intake.Attachment.file).
KEPT_FOLDERS = ("letters", "attachments")
# Left to their own keeper: a merge job's run and zip (`letters.jobs`: the zip is named by a text
# field, and an interrupted run is discarded by `recover_interrupted`).
OWN_KEEPER = ("letters/jobs",)


def orphaned_files(min_age: dt.timedelta = dt.timedelta(hours=1)) -> list[Path]:
    """Files under the folders rows name files in that no row names, nor any historical row.

    A process killed inside a transaction (a worker stopped mid-merge) leaves the files it had
    placed, and no rollback handler runs to delete them. Historical rows count as naming a
    file, so a deleted letter can still be restored with its file; only files older than
    `min_age` count, so a write still in progress keeps what it has just placed.
    """
    from django.apps import apps
    from django.conf import settings
    from django.db.models import FileField

    named: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, FileField):
                continue
            # The row's own table, and its history (which keeps the name as text).
            history = getattr(model, "history", None)
            tables = [model] + ([history.model] if history is not None else [])
            for table in tables:
                named.update(
                    table._base_manager.exclude(**{field.attname: ""})
                    .values_list(field.attname, flat=True)
                    .distinct()
                )
    root = Path(settings.MEDIA_ROOT)
    cutoff = time.time() - min_age.total_seconds()
    kept_elsewhere = tuple(f"{folder}/" for folder in OWN_KEEPER)
    out = []
    for folder in KEPT_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            name = path.relative_to(root).as_posix()
            if name not in named and not name.startswith(kept_elsewhere):
                out.append(path)
    return out


def remove_orphaned_files(min_age: dt.timedelta = dt.timedelta(hours=1)) -> list[Path]:
    """Delete `orphaned_files` (and their folders once empty); returns what was deleted."""
    removed = []
    for path in orphaned_files(min_age):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
        with contextlib.suppress(OSError):
            path.parent.rmdir()
    return removed
