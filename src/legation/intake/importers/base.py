"""The pipeline every import kind shares: the ``Importer`` a kind subclasses, rows planned and
written all or nothing (``run``), and the report (``Report``, ``Outcome``, ``Issue``).

The kinds (``people``, ``ledger``, ``engagements``) build on this module; the package
(``legation.intake.importers``) names them and opens files (``preview``, ``commit``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from legation.core import access
from legation.core.audit import AuditContext, audit, new_operation
from legation.core.dbcopy import private_copy
from legation.core.files import removed_if_rolled_back
from legation.core.models import Operation
from legation.intake.mapping import Mapping, MappingError
from legation.intake.readers import EXTRA, ReadError
from legation.intake.values import CellError

Progress = Callable[[int, int | None, str], None]


@dataclass
class Issue:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Outcome:
    line: int
    action: str  # created, updated, matched, rejected
    label: str = ""
    detail: str = ""
    issues: list[Issue] = field(default_factory=list)
    payload: Any = None
    origin: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    kind: str
    source: str
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: what was left out of the file and why (a repeating event cut at the limit…), shown first
    warnings: list[str] = field(default_factory=list)
    #: the encoding the text was read in (CSV, vCard, calendar), or "xlsx"
    encoding: str = ""
    written: bool = False
    operation_id: str | None = None
    seconds: float = 0.0

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("created", "updated", "matched", "rejected")}

    @property
    def issues(self) -> list[Issue]:
        return [i for o in self.outcomes for i in o.issues]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "dry_run": self.dry_run,
            "written": self.written,
            "operation": self.operation_id,
            "counts": self.counts,
            "new_organisations": self.new_organisations,
            "rows": [
                {"line": o.line, "action": o.action, "label": o.label, "detail": o.detail}
                for o in self.outcomes
            ],
            "rejected": [
                {"line": i.line, "column": i.column, "reason": i.reason} for i in self.issues
            ],
            "notes": self.notes,
            "warnings": self.warnings,
            "encoding": self.encoding,
        }


class RowRejected(Exception):
    def __init__(self, *issues: Issue) -> None:
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = list(issues)


class ImportError_(Exception):
    """The import cannot start (unreadable file, wrong mapping, missing columns)."""


def issues_from(exc: ValidationError, line: int, origin: dict[str, str]) -> list[Issue]:
    """A service's ValidationError as issues naming the file's own column."""
    if hasattr(exc, "error_dict"):
        return [
            Issue(line, origin.get(name, name) if name != "__all__" else "", " ".join(e.messages))
            for name, errors in exc.error_dict.items()
            for e in errors
        ]
    return [Issue(line, "", " ".join(exc.messages))]


class Importer:
    """One kind of record. Subclasses plan rows (no writes) and then write the planned ones."""

    kind = ""
    columns: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    needs_mission = True
    #: outcomes written at once by `write_all` (the bulk path) rather than row by row
    bulk = False
    #: the audited operation's source: "import", or "api" for the API's bulk creation
    audit_source = "import"

    def __init__(self, *, actor: Any, mission: Any = None, **options: Any) -> None:
        self.actor = actor
        self.mission = mission
        self.options = options
        self.report: Report | None = None
        self._issues: list[Issue] = []

    def prepare(self) -> None:
        """Load what planning needs (indexes of existing records), once per file."""

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        raise NotImplementedError

    def finish_plan(self) -> None:
        """Called once every row is planned (to list the organisations to create…)."""

    def write(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def write_all(self, outcomes: list[Outcome], progress: Progress) -> None:
        raise NotImplementedError

    # helpers for subclasses: each problem of a row is collected, so that the report lists them
    # all; `checkpoint` rejects the row with every problem found so far before the plan goes on
    # to use the values.
    def problem(self, origin: dict[str, str], name: str, reason: str) -> None:
        self._issues.append(Issue(self._line, origin.get(name, name) if name else "", reason))

    def checkpoint(self) -> None:
        if self._issues:
            raise RowRejected(*self._issues)

    def cell(self, row: dict[str, str], origin: dict[str, str], name: str, fn: Any) -> Any:
        """Parse one cell with `fn`; its error becomes a problem naming the column (and None)."""
        text = row.get(name, "")
        if not text:
            return None
        try:
            return fn(text)
        except (CellError, ValidationError) as exc:
            reason = str(exc) if isinstance(exc, CellError) else " ".join(exc.messages)
            self.problem(origin, name, reason)
            return None

    def need(self, row: dict[str, str], origin: dict[str, str], *names: str) -> None:
        for name in names:
            if not row.get(name, "").strip():
                self.problem(origin, name, gettext("A value is needed."))

    def too_long(self, row: dict[str, str], origin: dict[str, str], limits: dict[str, int]) -> None:
        for name, size in limits.items():
            if len(row.get(name, "")) > size:
                self.problem(
                    origin, name, gettext("Longer than %(size)s characters.") % {"size": size}
                )

    _line = 0


@contextmanager
def import_operation(
    actor: Any, description: str, source: str = Operation.Source.IMPORT
) -> Iterator[AuditContext]:
    """One Operation for the whole batch, with source "import" (or the API's bulk creation's
    "api"), even inside a command's or a request's context."""
    with audit(
        actor=None if actor is access.SYSTEM else actor,
        source=source,
        description=description,
    ) as ctx:
        saved = (ctx.description, ctx.source)
        with new_operation(ctx):
            ctx.description, ctx.source = description[:300], source
            try:
                yield ctx
            finally:
                ctx.description, ctx.source = saved


class _Rehearsal(Exception):
    pass


def _pause_for_tests(done: int) -> None:
    """Test hook: stop after N rows, inside the transaction, so a test can kill the process."""
    at = os.environ.get("LEGATION_TEST_IMPORT_PAUSE_AT")
    if at and done == int(at):
        Path(os.environ["LEGATION_TEST_IMPORT_PAUSE_FILE"]).write_text("paused")
        time.sleep(60)


def _plan_all(
    importer: Importer,
    rows: Iterable[tuple[int, dict[str, str]]],
    mapping: Mapping | None,
    report: Report,
    tick: Progress,
) -> None:
    for line, raw in rows:
        importer._line = line
        if EXTRA in raw:
            report.outcomes.append(
                Outcome(line, "rejected", issues=[Issue(line, "", raw.pop(EXTRA))])
            )
            continue
        row, origin = mapping.apply(raw) if mapping is not None else (raw, {k: k for k in raw})
        importer._issues = []
        try:
            outcome = importer.plan(line, row, origin)
        except RowRejected as exc:
            extra = [i for i in exc.issues if i not in importer._issues]
            outcome = Outcome(line, "rejected", issues=[*importer._issues, *extra])
        else:
            if importer._issues:
                outcome = Outcome(line, "rejected", issues=list(importer._issues))
        outcome.origin = origin
        report.outcomes.append(outcome)
        if len(report.outcomes) % 500 == 0:
            tick(len(report.outcomes), None, "checking")


def run(
    importer: Importer,
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    dry_run: bool = False,
    **settings: Any,
) -> Report:
    """Plan every row, then write them in one transaction (or rehearse and roll back).

    `settings` are those of `_run` (source, header, mapping, skip_rejected, progress, verify).
    `verify` is called with the report inside the write transaction, after the writes: raising
    there rolls everything back (the upload page checks the import still does what its preview
    showed). A dry run on SQLite works on a private copy of the database.
    """
    if not dry_run:
        return _run(importer, rows, **settings)
    with private_copy("preview"):
        return _run(importer, rows, dry_run=True, **settings)


def _run(
    importer: Importer,
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    source: str,
    header: list[str] | None = None,
    mapping: Mapping | None = None,
    dry_run: bool = False,
    skip_rejected: bool = False,
    progress: Progress | None = None,
    verify: Callable[[Report], None] | None = None,
) -> Report:
    started = time.perf_counter()
    tick = progress or (lambda done, total, what: None)
    report = Report(kind=importer.kind, source=source, dry_run=dry_run)
    importer.report = report
    if header is not None:
        targets = importer.columns
        if mapping is not None:
            try:
                mapping.check(importer.kind, targets, header)
            except MappingError as exc:
                raise ImportError_(str(exc)) from None
        available = set(header if mapping is None or mapping.passthrough else ())
        available |= set(mapping.fields) if mapping is not None else set()
        missing = [c for c in importer.required if c not in available]
        if missing:
            raise ImportError_(
                f"The file has no {', '.join(missing)} column (its columns: {', '.join(header)}); "
                f"name them so, or give a --mapping."
            )
    importer.prepare()
    try:
        _plan_all(importer, rows, mapping, report, tick)
        importer.finish_plan()
    except ReadError as exc:
        raise ImportError_(str(exc)) from None
    if report.count("rejected") and not skip_rejected and not dry_run:
        report.seconds = time.perf_counter() - started
        return report
    todo = [o for o in report.outcomes if o.action in ("created", "updated")]
    try:
        with (
            # A rehearsal (dry run, preview) or a failure rolls back: files kept for the rows
            # (mail messages) go with them.
            removed_if_rolled_back(),
            import_operation(
                importer.actor, f"import {importer.kind} {source}", importer.audit_source
            ) as ctx,
            transaction.atomic(),
        ):
            if importer.bulk:
                try:
                    importer.write_all(todo, tick)
                except ValidationError as exc:
                    reasons = "; ".join(str(i) for i in issues_from(exc, 0, {}))
                    raise ImportError_(f"Nothing was written: {reasons}") from None
            else:
                for done, outcome in enumerate(todo, start=1):
                    try:
                        with transaction.atomic():
                            importer.write(outcome)
                    except RowRejected as exc:
                        outcome.action, outcome.issues = "rejected", exc.issues
                    except ValidationError as exc:
                        outcome.action = "rejected"
                        outcome.issues = issues_from(exc, outcome.line, outcome.origin)
                    _pause_for_tests(done)
                    if done % 50 == 0 or done == len(todo):
                        tick(done, len(todo), "writing")
            rejected = report.count("rejected")
            if dry_run or (rejected and not skip_rejected):
                raise _Rehearsal
            report.written = True
            if verify is not None:
                verify(report)
            if ctx.operation is not None and not ctx.operation._state.adding:
                report.operation_id = str(ctx.operation.pk)
    except _Rehearsal:
        pass
    report.seconds = time.perf_counter() - started
    return report
