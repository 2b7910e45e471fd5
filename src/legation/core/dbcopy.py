"""Long reads and rehearsals on a private copy of the embedded SQLite database.

SQLite has one write lock for the whole database. An import preview rehearses its writes and rolls
them back, and with `transaction_mode="IMMEDIATE"` any transaction takes that lock at its start:
a preview of a large file, or a backup read in one transaction, would hold it for a minute, and
every login (which writes the session and the last login) would wait and then fail.

`private_copy()` takes a copy of the live database with SQLite's online backup API, from a
connection of its own (a reader: in WAL mode it never blocks writers, and the copy is one
consistent snapshot), then points this thread's `default` connection at the copy until the block
ends. Whatever runs inside (the ORM, `transaction.atomic`, raw cursors) reads and writes the copy;
the copy is deleted afterwards. Other threads keep the live database.

It does nothing (yields False) on PostgreSQL, whose readers and writers do not block each other,
and when this connection is already inside a transaction (the caller holds the lock anyway, and
the copy would not see its uncommitted rows).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def copy_database(target: Path) -> None:
    """Copy the live SQLite database into `target` (a new file), as one snapshot."""
    live = connections[DEFAULT_DB_ALIAS]
    params = live.get_connection_params()
    source = sqlite3.connect(
        params["database"], uri=True, timeout=params.get("timeout", 20), check_same_thread=False
    )
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # every page in one step: one read transaction, one snapshot
        finally:
            copy.close()
    finally:
        source.close()


@contextmanager
def private_copy(purpose: str = "copy") -> Iterator[bool]:
    """Run the block on a private copy of the SQLite database; yields whether it does."""
    live = connections[DEFAULT_DB_ALIAS]
    if live.vendor != "sqlite" or live.in_atomic_block:
        yield False
        return
    folder = Path(tempfile.mkdtemp(prefix=f".{purpose}-", dir=settings.LEGATION_HOME))
    try:
        target = folder / "legation.sqlite3"
        copy_database(target)
        wrapper = live.__class__({**live.settings_dict, "NAME": str(target)}, DEFAULT_DB_ALIAS)
        setattr(connections._connections, DEFAULT_DB_ALIAS, wrapper)
        try:
            yield True
        finally:
            setattr(connections._connections, DEFAULT_DB_ALIAS, live)
            wrapper.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
