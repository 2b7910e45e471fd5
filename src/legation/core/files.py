"""Stored files: every file legation keeps goes through Django's storage API.

Letters, imported messages and attachments, merge zips, emblems and the missions' Word templates
are kept in ``default_storage`` (``settings.STORAGES["default"]``): a folder
(``LEGATION_MEDIA_ROOT``, shared by every server) by default, or any django-storages backend
(S3-compatible object storage) by configuration (docs/storage.md). Nothing here builds a path
under MEDIA_ROOT: files are saved, opened, listed and deleted by their storage names. Where a
tool needs a real file (Typst reads the emblem, the renderer the Word template), `local_copy`
gives one: the storage's own path when it has one, else a copy in a local cache folder.

Files placed by a write that is rolled back are deleted with it. A letter or an imported message
is kept as a file and named by a row written in the same transaction. When the transaction is
rolled back (an error, a dry run, a preview) the row is gone and nothing names the file any more:
`removed_if_rolled_back` deletes (``storage.delete``) the files `placed` reported inside the block
when an exception leaves it. A nested block hands its files to the enclosing one, so a failure
after it (the caller's own writes in the same transaction) removes them too.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

_placed: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "legation_placed_files", default=None
)


def placed(name: str) -> None:
    """Report a file just saved in storage (by its name) by the write in progress."""
    files = _placed.get()
    if files is not None:
        files.append(name)


@contextmanager
def removed_if_rolled_back() -> Iterator[None]:
    enclosing = _placed.get()
    files: list[str] = []
    token = _placed.set(files)
    try:
        yield
    except BaseException:
        for name in files:
            with contextlib.suppress(Exception):
                default_storage.delete(name)
            _remove_empty_folder(name)
        raise
    finally:
        _placed.reset(token)
    if enclosing is not None:
        enclosing.extend(files)


def _local(storage: Any = None) -> FileSystemStorage | None:
    """The storage itself when it is a folder on this machine (it has paths), else None."""
    storage = storage or default_storage
    # isinstance sees through default_storage (a lazy object) to the configured class.
    return storage if isinstance(storage, FileSystemStorage) else None


def _remove_empty_folder(name: str) -> None:
    """A folder storage's folder of `name`, once empty (object stores have no folders)."""
    local = _local()
    if local is not None and "/" in name:
        with contextlib.suppress(OSError, ValueError):
            os.rmdir(os.path.dirname(local.path(name)))


def save_file(name: str, source: str | Path | bytes | IO[bytes], *, link: bool = False) -> str:
    """Save `source` (a local file, bytes or an open binary file) under `name`; returns the name
    the storage chose (another if `name` was taken) and reports it as `placed`.

    With `link`, a local file going into a folder storage is hard-linked when the two share a file
    system (a merge of thousands of letters then writes each letter once), else copied.
    """
    storage = default_storage
    local = _local(storage)
    if link and local is not None and isinstance(source, (str, Path)):
        name = storage.get_available_name(name)
        target = local.path(name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
        except FileExistsError:  # taken meanwhile (another server): save under another name
            return save_file(name, source)
        except OSError:
            shutil.copyfile(source, target)
        placed(name)
        return name
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            saved = storage.save(name, File(fh))
    elif isinstance(source, bytes):
        from django.core.files.base import ContentFile

        saved = storage.save(name, ContentFile(source))
    else:
        saved = storage.save(name, File(source, name=os.path.basename(name)))
    placed(saved)
    return saved


def replace_file(name: str, source: str | Path | bytes | IO[bytes]) -> str:
    """Save under exactly `name`, replacing what was there (a rebuilt zip, a new template)."""
    with contextlib.suppress(FileNotFoundError):
        default_storage.delete(name)
    saved = save_file(name, source)
    if saved != name:  # another process saved the same name between the two: keep ours
        with contextlib.suppress(FileNotFoundError):
            default_storage.delete(name)
        with default_storage.open(saved, "rb") as fh:
            default_storage.save(name, fh)
        default_storage.delete(saved)
    return name


def exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def open_file(name: str) -> IO[bytes]:
    """The stored file, open for reading (FileResponse streams it)."""
    return default_storage.open(name, "rb")


def local_copy(name: str) -> Path | None:
    """A real file with the stored file's content, for a tool that reads paths; None if absent.

    A folder storage's own file; from an object store, a copy kept in
    ``$LEGATION_HOME/cache/storage/`` (per machine), fetched again when the stored file changes.
    """
    if not exists(name):
        return None
    local = _local()
    if local is not None:
        return Path(local.path(name))
    from django.conf import settings

    try:
        stamp = str(default_storage.get_modified_time(name).timestamp())
    except (NotImplementedError, AttributeError):
        stamp = ""
    digest = hashlib.sha256(f"{name}\0{stamp}\0{default_storage.size(name)}".encode()).hexdigest()
    suffix = Path(name).suffix
    folder = Path(settings.LEGATION_HOME) / "cache" / "storage"
    target = folder / f"{digest[:32]}{suffix}"
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as out, default_storage.open(name, "rb") as src:
            shutil.copyfileobj(src, out)
        os.replace(tmp, target)
    return target


def walk(folder: str) -> Iterator[str]:
    """Every stored file's name under `folder` (a storage name, "letters"), at any depth."""
    storage = default_storage
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file in sorted(files):
        yield f"{folder}/{file}"
    for sub in sorted(dirs):
        yield from walk(f"{folder}/{sub}")


def delete_tree(folder: str) -> None:
    """Delete every stored file under `folder` (and, in a folder storage, the folders)."""
    for name in list(walk(folder)):
        with contextlib.suppress(FileNotFoundError):
            default_storage.delete(name)
    local = _local()
    if local is not None:
        shutil.rmtree(local.path(folder), ignore_errors=True)


# Where rows name their files (upload_to of letters.LetterRecord.file and intake.Attachment.file).
KEPT_FOLDERS = ("letters", "attachments")
# Left to their own keeper: a merge job's run and zip (`letters.jobs`: the zip is named by a text
# field, and an interrupted run is discarded by `recover_interrupted`).
OWN_KEEPER = ("letters/jobs",)


def orphaned_files(min_age: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Stored files (names) under the folders rows name files in that no row names, nor any
    historical row.

    A process killed inside a transaction (a worker stopped mid-merge) leaves the files it had
    placed, and no rollback handler runs to delete them. Historical rows count as naming a
    file, so a deleted letter can still be restored with its file; only files older than
    `min_age` count, so a write still in progress keeps what it has just placed.
    """
    from django.apps import apps
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
    from django.utils import timezone

    cutoff = timezone.now() - min_age
    kept_elsewhere = tuple(f"{folder}/" for folder in OWN_KEEPER)
    out = []
    for folder in KEPT_FOLDERS:
        for name in walk(folder):
            if name in named or name.startswith(kept_elsewhere):
                continue
            try:
                modified = default_storage.get_modified_time(name)
            except (OSError, NotImplementedError):
                continue
            if modified <= cutoff:
                out.append(name)
    return out


def remove_orphaned_files(min_age: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Delete `orphaned_files` (and their folders once empty); returns what was deleted."""
    removed = []
    for name in orphaned_files(min_age):
        with contextlib.suppress(OSError):
            default_storage.delete(name)
            removed.append(name)
        _remove_empty_folder(name)
    return removed
