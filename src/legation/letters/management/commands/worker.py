"""`legation worker`: the background job worker (django-tasks' database worker).

Before taking jobs it settles merges left running by a worker that stopped mid-way (see
``legation.letters.jobs.recover_interrupted``). ``legation serve`` and ``legation demo`` start it
as a child process; run it yourself beside another WSGI server.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorker


class Command(DbWorker):
    help = "Run background jobs (letter merges started from the web) from the database queue."

    def handle(self, *args: Any, **options: Any) -> None:
        from legation.letters.jobs import recover_interrupted

        count = recover_interrupted()
        if count and options.get("verbosity", 1):
            self.stdout.write(f"Settled {count} merge run(s) interrupted by a stop.")
        options["reload"] = False
        super().handle(*args, **options)
