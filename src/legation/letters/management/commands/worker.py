"""`legation worker`: the background job worker (django-tasks' database worker).

Before taking jobs it settles merges left running by a worker that stopped mid-way (see
``legation.letters.jobs.recover_interrupted``) and deletes the files such a stop left that no
record names (``legation.core.files.remove_orphaned_files``). ``legation serve`` and ``legation demo`` start it
as a child process; run it yourself beside another WSGI server.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorker


class Command(DbWorker):
    help = "Run background jobs (letter merges started from the web) from the database queue."

    def handle(self, *args: Any, **options: Any) -> None:
        from legation.core.files import remove_orphaned_files
        from legation.letters.jobs import recover_interrupted

        count = recover_interrupted()
        if count and options.get("verbosity", 1):
            self.stdout.write(f"Settled {count} merge run(s) interrupted by a stop.")
        removed = remove_orphaned_files()
        if removed and options.get("verbosity", 1):
            self.stdout.write(f"Deleted {len(removed)} file(s) that no record names.")
        options["reload"] = False
        super().handle(*args, **options)
