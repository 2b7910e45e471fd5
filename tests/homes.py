"""Databases with every migration applied, made once per run, for the tests that start
`legation` in processes of their own.

Applying the migrations to an empty database takes some 20 s (Django renders the models' states
operation by operation); a dozen tests each did it in their own home before testing something
else. They now start from a copy of one migrated database: `legation init` on it still does all
it does but migrate. Migrating an empty database is itself tested by every run's own test
database, by the restores into empty databases (tests/intake/test_backup.py) and by `init` on an
empty PostgreSQL database through a pool (tests/ops/test_pooling.py)."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.ops.helpers import drop_database, fresh_database

_made: dict[str, str] = {}


def _migrate(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "legation", "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def migrated_sqlite(home: Path) -> Path:
    """Put a migrated SQLite database in `home` (a LEGATION_HOME); returns its path."""
    if "sqlite" not in _made:
        folder = Path(tempfile.mkdtemp(prefix="legation-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        env = {**os.environ, "LEGATION_HOME": str(folder)}
        env.pop("DATABASE_URL", None)
        _migrate(env)  # the process's last connection folds the write-ahead log in
        _made["sqlite"] = str(folder / "legation.sqlite3")
    home.mkdir(parents=True, exist_ok=True)
    target = home / "legation.sqlite3"
    shutil.copyfile(_made["sqlite"], target)
    log = Path(_made["sqlite"] + "-wal")  # folded in at exit; copied if it was not
    if log.exists():
        shutil.copyfile(log, str(target) + "-wal")
    return target


def migrated_postgres(url: str, name: str) -> str:
    """Database `name` on the server of `url`, made anew from a migrated template; its URL."""
    if "postgres" not in _made:
        template = f"legation_migrated_{os.getpid()}"
        template_url = fresh_database(url, template)
        folder = Path(tempfile.mkdtemp(prefix="legation-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _migrate({**os.environ, "LEGATION_HOME": str(folder), "DATABASE_URL": template_url})
        atexit.register(_drop, url, template)
        _made["postgres"] = template
    return fresh_database(url, name, template=_made["postgres"])


def _drop(url: str, name: str) -> None:
    with contextlib.suppress(Exception):  # at exit: the server may be gone already
        drop_database(url, name)
