"""What the intake commands share on the terminal: the mission, a progress bar, the report."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from legation.core import access
from legation.core.models import Mission
from legation.core.refs import NotFound
from legation.core.selectors import find_mission
from legation.intake.importers import Progress, Report


def mission_for(actor: Any, ref: str | None, *, needed: bool = True) -> Mission | None:
    """The mission named, or the only one the actor sees."""
    if ref:
        try:
            return find_mission(ref, actor)
        except NotFound as exc:
            raise CommandError(f"--mission: {exc}") from None
    if not needed:
        return None
    try:
        return access.mission_for(actor)
    except PermissionDenied:
        raise CommandError(
            "No mission to import into: create one first (legation import missions)."
        ) from None
    except access.MissionRequired:
        raise CommandError("You see several missions: name one with --mission REF.") from None


@contextmanager
def progress(command: Any, enabled: bool = True) -> Iterator[Progress]:
    """A rich progress bar on the terminal's stderr (nothing when it is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    console = Console(stderr=True)
    if not (enabled and console.is_terminal and getattr(command, "verbosity", 1) > 0):
        yield lambda done, total, what: None
        return
    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def tick(done: int, total: int | None, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        yield tick


def print_report(command: Any, report: Report, verbosity: int = 1) -> None:
    """Counts, then each row in a dry run (or with -v 2), then every rejected row with its reason."""
    out = command.stdout
    counts = report.counts
    head = (
        "Dry run (nothing written)"
        if report.dry_run
        else ("Imported" if report.written else "Nothing written")
    )
    out.write(f"{head}: {report.kind} from {report.source}")
    out.write("  " + ", ".join(f"{n} {a}" for a, n in counts.items()))
    if report.encoding:
        out.write(f"  encoding: {report.encoding}")
    for warning in report.warnings:
        out.write(f"  warning: {warning}")
    if report.new_organisations:
        out.write(
            f"  new organisations ({len(report.new_organisations)}): "
            + "; ".join(report.new_organisations[:20])
            + (" …" if len(report.new_organisations) > 20 else "")
        )
    show = report.outcomes if (report.dry_run or verbosity > 1) else []
    limit = 200 if verbosity < 3 else len(show)
    for o in [o for o in show if o.action != "rejected"][:limit]:
        out.write(
            f"  line {o.line:>6}  {o.action:<8} {o.label}" + (f"  ({o.detail})" if o.detail else "")
        )
    for issue in report.issues:
        out.write(f"  rejected: {issue}")
    for note in report.notes[:200]:
        out.write(f"  note: {note}")
    if report.operation_id:
        out.write(f"  audit operation {report.operation_id}")
    sys.stdout.flush()
