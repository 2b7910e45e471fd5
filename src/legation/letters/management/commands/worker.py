"""`legation worker`: the background job worker (django-tasks' database worker).

Before taking jobs it settles merges left running by a worker that stopped mid-way (see
``legation.letters.merge.jobs.recover_interrupted``) and deletes the files such a stop left that no
record names (``legation.core.files.remove_orphaned_files``). ``legation serve`` and ``legation demo`` start it
as a child process, and start it again if it stops; run it yourself beside another WSGI server.

A database that is busy ("database is locked" once SQLite's wait runs out, a PostgreSQL server
restarting) does not stop the worker: it waits, longer each time up to a minute, and goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.management.base import CommandError
from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Command as DbWorker

log = logging.getLogger("legation.worker")
T = TypeVar("T")
RETRY_FIRST = 1.0  # seconds before the first retry on a busy database; doubled up to RETRY_MAX
RETRY_MAX = 60.0


def _patiently(fn: Callable[[], T]) -> T:
    """Run `fn`, waiting and retrying while the database is busy."""
    delay = RETRY_FIRST
    while True:
        try:
            return fn()
        except OperationalError as exc:
            log.warning("The database is busy (%s): trying again in %.0f s.", exc, delay)
            for conn in connections.all(initialized_only=True):
                conn.close()
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)


def needs_own_session() -> str | None:
    """Why the job worker cannot run on this database connection, or None: through pgbouncer in
    transaction mode (LEGATION_DB_PGBOUNCER, on by itself for port 6432) it would hold its
    session-level advisory lock on a pooled server connection, which outlives a killed worker,
    and its merge would stay "running" for ever."""
    db = connections["default"]
    if db.vendor == "postgresql" and db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        return (
            "The job worker needs a database session of its own: give it a direct "
            "DATABASE_URL (PostgreSQL's own port) or a pgbouncer pool in session mode, "
            "with LEGATION_DB_PGBOUNCER=0 (docs/deployment.md, pgbouncer)."
        )
    return None


class Command(DbWorker):
    help = "Run background jobs (letter merges started from the web) from the database queue."

    def handle(self, *args: Any, **options: Any) -> None:
        from legation.core.files import remove_orphaned_files

        if refusal := needs_own_session():
            raise CommandError(refusal)
        from legation.core.schema import pending_migrations

        if pending := _patiently(pending_migrations):
            log.warning(
                "%d migration(s) of this version are not applied to the database: run "
                "`legation init`; jobs may fail until it has.",
                pending,
            )
        from legation.letters.merge.jobs import recover_interrupted

        count = _patiently(recover_interrupted)
        if count and options.get("verbosity", 1):
            self.stdout.write(f"Settled {count} merge run(s) interrupted by a stop.")
        removed = _patiently(remove_orphaned_files)
        if removed and options.get("verbosity", 1):
            self.stdout.write(f"Deleted {len(removed)} file(s) that no record names.")
        options["reload"] = False
        from django.conf import settings

        from legation.insight import warm

        if not options.get("batch"):  # a batch runs the queue once and exits: no rounds
            warm.start_thread(settings.WARM_SECONDS)  # figures computed ahead (insight/warm.py)
        delay = RETRY_FIRST
        while True:
            started = time.monotonic()
            try:
                super().handle(*args, **options)
                return
            except OperationalError as exc:
                if time.monotonic() - started > RETRY_MAX:  # it had been working: start over
                    delay = RETRY_FIRST
                log.warning("The database is busy (%s): trying again in %.0f s.", exc, delay)
                close_old_connections()
                for conn in connections.all(initialized_only=True):
                    conn.close()
                time.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
