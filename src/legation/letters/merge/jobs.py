"""Merges run in the background: queued from the web page, produced by the database worker.

The queue is django-tasks with its database backend (``django_tasks_db``), so the embedded
set-up needs no extra server: ``legation serve`` and ``legation demo`` start ``legation worker``
beside them. A run goes ``queued`` → ``running`` → ``done`` or ``failed``; progress is written to
the ``MergeJob`` as letters are typeset, and the page polls it.

A run never leaves half a merge behind: the letters, the rows' engagements and the job's status
are recorded in one transaction at the end (``review.merge_job_produce``). A worker that dies in
the middle leaves the job ``running``; the next worker to start marks it ``failed: interrupted``,
discards its files, and the officer can run it again. A run still queued when the worker stopped
is picked up by the next worker (it resumes).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext, ngettext
from django_tasks import task

from legation.core import access, files
from legation.core.audit import audit
from legation.core.services import writing
from legation.core.spreadsheets import safe_cell
from legation.letters.merge.review import (
    first_rows_by_language,
    merge_job_produce,
    refuse_contradicted_rows,
    unconfirmed_suggestions,
)
from legation.letters.models import LetterRecord, MergeJob, MergeRow, RunStatus
from legation.letters.render import isolation
from legation.letters.render.pools import merge_renderers, render_limits
from legation.letters.services import SEND_PERMISSION

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted"
# The worker keeps its renderers this long after a job, so the next job starts without waiting
# for them (an interpreter, fonts and a first letter each); then they are stopped.
KEEP_RENDERERS_SECONDS = 300.0


def job_folder(job: MergeJob | int) -> str:
    """Where a job's zip is stored (the storage folder letters/jobs/<id>)."""
    pk = job if isinstance(job, int) else job.pk
    return f"letters/jobs/{pk}"


def run_folder(job: MergeJob | int) -> Path:
    """Where a job's run typesets its letters on this machine ($LEGATION_HOME/tmp/jobs/<id>/):
    a real folder for the renderers, emptied when the run ends; the letters recorded are saved in
    storage from there."""
    pk = job if isinstance(job, int) else job.pk
    return Path(settings.LEGATION_HOME) / "tmp" / "jobs" / str(pk)


def merge_job_start(*, actor: Any, job: MergeJob) -> MergeJob:
    """Queue the production of a job's approved rows (a failed run may be started again).

    The first approved letter in each language is checked against the ledger first, so a stale
    figure is refused on the page rather than failing the run in the background.
    """
    access.require(actor, SEND_PERMISSION)
    approved_rows = MergeRow.objects.visible_to(actor).filter(job=job, approved=True)
    if unconfirmed_suggestions(approved_rows).exists():  # approved before the rule: read it first
        raise ValidationError(
            {"job": "An approved row carries a suggested personal line no one has confirmed."}
        )
    first = first_rows_by_language(approved_rows)
    if first:
        refuse_contradicted_rows(actor=actor, job=first[0].job, rows=first)
    with writing(actor, SEND_PERMISSION, description=f"queue merge job {job.pk}"):
        job = MergeJob.objects.visible_to(actor).select_for_update().get(pk=job.pk)
        if job.status != MergeJob.Status.REVIEW:
            raise ValidationError(
                {"job": gettext("This merge has been produced or cancelled already.")}
            )
        if job.run_status in (RunStatus.QUEUED, RunStatus.RUNNING):
            raise ValidationError({"job": gettext("This merge is already being produced.")})
        approved = MergeRow.objects.visible_to(actor).filter(job=job, approved=True).count()
        if not approved:
            raise ValidationError({"job": gettext("No recipient is approved yet.")})
        job.run_status = RunStatus.QUEUED
        job.run_error = ""
        job.progress_done, job.progress_total = 0, approved
        job.run_started = job.run_finished = None
        job.result_file = ""
        job.save()
        user_id = actor.pk
        transaction.on_commit(lambda: produce_merge_job.enqueue(job_id=job.pk, user_id=user_id))
        return job


@task()
def produce_merge_job(job_id: int, user_id: int) -> str:
    """The queued task: run the job as the officer who started it."""
    return run_merge_job(job_id, user_id)


def _set(job_id: int, **fields: Any) -> None:
    """Run state and progress: plain updates, outside the audit trail (they are not records)."""
    MergeJob.objects.filter(pk=job_id).update(**fields)


class _KeptRenderers:
    """The worker process's renderers, kept between jobs and stopped when idle.

    The same renderers (the same limits, typesetting any format) serve one job after another;
    ``KEEP_RENDERERS_SECONDS`` after the last job ends they are stopped, and the next job starts
    new ones. What a renderer holds between letters is what ``isolation.py`` allows any letter.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: isolation.RenderPool | None = None
        self._timer: threading.Timer | None = None
        self._busy = 0

    @contextmanager
    def use(self, workers: int) -> Iterator[isolation.RenderPool | None]:
        """The kept renderers for a job with ``workers`` of them (None: the job starts its own,
        as when another job in this process holds renderers of another size)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            pool = self._pool
            if pool is None or pool.size != workers or pool.limits != render_limits():
                if self._busy:
                    pool = None
                else:
                    if self._pool is not None:
                        self._pool.close()
                    pool = self._pool = isolation.RenderPool(
                        size=workers, limits=render_limits(), typeset=True
                    )
            if pool is not None:
                self._busy += 1
        try:
            yield pool
        finally:
            if pool is not None:
                with self._lock:
                    self._busy -= 1
                    if not self._busy:
                        self._timer = threading.Timer(KEEP_RENDERERS_SECONDS, self.close_idle)
                        self._timer.daemon = True
                        self._timer.start()

    def close_idle(self) -> None:
        with self._lock:
            if self._busy or self._pool is None:
                return
            pool, self._pool = self._pool, None
        pool.close()


_kept = _KeptRenderers()
atexit.register(_kept.close_idle)


def run_merge_job(job_id: int, user_id: int, *, workers: int | None = None) -> str:
    """Produce a queued job: typeset, record in one transaction, zip. Returns the run status.

    The claim is one conditional UPDATE (queued -> running): of two workers handed the same job,
    exactly one changes the row and runs it. It is made holding the job's run lock, so no worker
    starting meanwhile takes the run for an interrupted one.
    """
    running = _RunLock(job_id)
    running.take(wait=True)
    try:
        return _run(job_id, user_id, workers)
    finally:
        running.release()


def _run(job_id: int, user_id: int, workers: int | None) -> str:
    claimed = MergeJob.objects.filter(pk=job_id, run_status=RunStatus.QUEUED).update(
        run_status=RunStatus.RUNNING, run_started=timezone.now(), progress_done=0
    )
    if not claimed:
        return "not queued"
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    job = MergeJob.objects.get(pk=job_id)
    out_dir = run_folder(job)
    shutil.rmtree(out_dir, ignore_errors=True)

    def progress(done: int, total: int) -> None:
        _set(job_id, progress_done=done, progress_total=total)

    try:
        if user is None:
            raise PermissionDenied("The officer who started this merge has no active login.")
        count = workers or os.cpu_count() or 1
        with (
            _kept.use(count) as kept,
            merge_renderers(fmt=job.format, count=job.progress_total, workers=count, pool=kept),
            audit(actor=user, source="web", description=f"letters merge job {job_id}"),
        ):
            result = merge_job_produce(
                actor=user, job=job, out_dir=out_dir, workers=count, progress=progress
            )
    except Exception as exc:  # a failed run is shown on the page, never left "running"
        log.exception("merge job %s failed", job_id)
        message = " ".join(getattr(exc, "messages", [])) or str(exc) or type(exc).__name__
        _set(job_id, run_status=RunStatus.FAILED, run_error=message[:500], run_finished=now())
        return RunStatus.FAILED
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    # Recorded: the run is done even if the zip cannot be written now (the download rebuilds it).
    try:
        name = write_zip(job, user)
    except OSError:
        log.exception("merge job %s: cannot write the zip", job_id)
        name = ""
    done = LetterRecord.objects.filter(job_id=job_id).count()
    _set(
        job_id,
        run_status=RunStatus.DONE,
        result_file=name,
        progress_done=done,
        run_finished=now(),
        run_error=_not_produced(result.failed),
    )
    return RunStatus.DONE


def _not_produced(failed: list[Any]) -> str:
    """What the page says of letters that could not be produced (a template stopped at its
    limits, say): how many, and why, without naming anyone."""
    if not failed:
        return ""
    reasons = sorted({o.status.removeprefix("error: ") for o in failed})
    return (
        ngettext(
            "%(n)d letter was not produced: %(reasons)s",
            "%(n)d letters were not produced: %(reasons)s",
            len(failed),
        )
        % {"n": len(failed), "reasons": "; ".join(reasons)}
    )[:500]


def whole_job_visible(job: MergeJob, user: Any) -> bool:
    """Whether the user may see every row and every letter of the job.

    The job's own sensitivity already hides it from users not cleared for all of it; this is
    checked again before a zip is handed out, so a zip built for one user never reaches another
    who may see less.
    """
    rows = MergeRow.objects.filter(job_id=job.pk)
    letters = LetterRecord.objects.filter(job_id=job.pk)
    return (
        rows.count() == rows.visible_to(user).count()
        and letters.count() == letters.visible_to(user).count()
    )


def write_zip(job: MergeJob, user: Any) -> str:
    """The letters recorded for the job (as the user may see them) and a manifest, in one zip.

    Built from the recorded files, so the zip always holds exactly what was recorded.
    """
    import csv
    import io

    target = f"{job_folder(job)}/letters-{job.pk}.zip"
    records = {r.person_id: r for r in LetterRecord.objects.visible_to(user).filter(job_id=job.pk)}
    manifest = io.StringIO()
    out = csv.writer(manifest)
    out.writerow(["person_id", "name", "language", "status", "file", "sha256", "engagement_id"])
    # Built in a temporary file on this machine, then saved in storage in one piece.
    with tempfile.TemporaryFile(dir=_tmp()) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
            rows = MergeRow.objects.visible_to(user).filter(job_id=job.pk).select_related("person")
            for row in rows:
                record = records.get(row.person_id)
                if record is not None:
                    arcname = Path(record.file.name).name
                    with (
                        files.open_file(record.file.name) as src,
                        archive.open(arcname, "w", force_zip64=True) as dst,
                    ):
                        shutil.copyfileobj(src, dst)
                    status, sha = "sent", record.checksum
                else:
                    arcname, sha = "", ""
                    status = "not approved" if not row.approved else "not produced"
                    if row.channel_missing:
                        status = "skipped: no address for the channel"
                out.writerow(
                    safe_cell(v)
                    for v in (
                        row.person_id,
                        row.person.full_name,
                        row.language,
                        status,
                        arcname,
                        sha,
                        row.engagement_id or "",
                    )
                )
            archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
        tmp.seek(0)
        return files.replace_file(target, tmp)


def _tmp() -> Path:
    path = Path(settings.LEGATION_HOME) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _RunLock:
    """Held by the worker producing a job, for as long as it runs: on PostgreSQL a session
    advisory lock on the job, which the server lets go of when the worker's connection ends (a
    worker killed mid-run). Another worker starting meanwhile (`recover_interrupted`) sees the
    lock taken and leaves the run alone; it settles only runs no live worker holds.

    On SQLite (one machine, one worker beside `legation serve`) there is nothing to hold:
    a run left running when a worker starts is one whose worker has died.
    """

    KEY = 0x6C6567  # "leg": the first half of the two-key lock, the job id the second

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.held = False

    def _call(self, fn: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {fn}(%s, %s)", [self.KEY, self.job_id])
            return bool(cursor.fetchone()[0])

    def take(self, *, wait: bool = False) -> bool:
        """Take the lock (True), or find it held by another session (False); with `wait`,
        wait for it."""
        if connection.vendor != "postgresql":
            return True
        if wait:
            self._call("pg_advisory_lock")
            self.held = True
        else:
            self.held = self._call("pg_try_advisory_lock")
        return self.held

    def release(self) -> None:
        if self.held:
            with contextlib.suppress(Exception):
                self._call("pg_advisory_unlock")
            self.held = False


def recover_interrupted() -> int:
    """At worker start: runs left ``running`` by a worker that died are failed (or finished).

    A run whose letters were recorded before the stop only lacks its zip, which is rebuilt; any
    other is marked ``failed: interrupted`` and its files are discarded. Returns how many.
    """
    count = 0
    for job in MergeJob.objects.filter(run_status=RunStatus.RUNNING):
        lock = _RunLock(job.pk)
        if not lock.take():  # a live worker (of this server or another) is producing it
            continue
        try:
            count += _settle(job)
        finally:
            lock.release()
    return count


def _settle(job: MergeJob) -> int:
    job = MergeJob.objects.filter(pk=job.pk, run_status=RunStatus.RUNNING).first()
    if job is not None:
        shutil.rmtree(run_folder(job), ignore_errors=True)
        if job.status == MergeJob.Status.PRODUCED and job.created_by is not None:
            name = write_zip(job, job.created_by)
            _set(job.pk, run_status=RunStatus.DONE, result_file=name, run_finished=timezone.now())
        else:
            _set(
                job.pk,
                run_status=RunStatus.FAILED,
                run_error=INTERRUPTED,
                run_finished=timezone.now(),
            )
        return 1
    return 0  # finished meanwhile


def start_worker() -> subprocess.Popen:
    """``legation worker`` as a child process that stops with its parent (serve, demo)."""
    preexec = None
    if sys.platform.startswith("linux"):

        def preexec() -> None:  # the kernel sends SIGTERM to the worker when its parent dies
            import ctypes
            import signal

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return subprocess.Popen(
        [sys.executable, "-m", "legation", "worker", "--verbosity", "0"],
        preexec_fn=preexec,
    )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class WorkerSupervisor:
    """Keeps one ``legation worker`` child running: started again whenever it stops.

    `serve` and `demo` run the worker beside the web server; a worker that exits (a crash, a
    kill, a database error it could not outlast) is restarted after a pause that doubles with each
    quick stop, up to a minute, and is logged.
    """

    POLL = 1.0
    MAX_PAUSE = 60.0
    STOP_GRACE = 2.0  # seconds a stopped worker waits for the server's own stop before a restart

    def __init__(self) -> None:
        import threading
        import time

        self.process = start_worker()
        self.restarts = 0
        self._started = time.monotonic()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import time

        pause = 1.0
        while not self._stopping.wait(self.POLL):
            code = self.process.poll()
            if code is None:
                continue
            if time.monotonic() - self._started > self.MAX_PAUSE:  # it had been running well
                pause = 1.0
            # Ctrl-C in a terminal reaches the whole process group: the worker may stop a
            # moment before the server says it is stopping too. Not a failure to report.
            if self._stopping.wait(self.STOP_GRACE):
                return
            log.warning("The job worker stopped (exit code %s): starting it again.", code)
            if self._stopping.wait(pause):
                return
            self.process = start_worker()
            self._started = time.monotonic()
            self.restarts += 1
            pause = min(pause * 2, self.MAX_PAUSE)

    def begin_stop(self) -> None:
        """Start it no more and ask it to stop (SIGTERM), without waiting: while the server stops
        its own workers, the job worker stops too."""
        self._stopping.set()
        self._thread.join()
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        self.begin_stop()
        stop_worker(self.process)
