"""Imports of files, every kind: read, map, plan (validate), then write all or nothing.

    preview(kind, file, actor=…)  -> Report   plan every row and rehearse the writes, then roll back
    commit(kind, file, actor=…)   -> Report   the same, kept: one transaction, one audited operation

Rows are planned (checked) before any transaction opens; only the writes run in the transaction.
On SQLite a preview runs on a private copy of the database (`legation.core.dbcopy`), so its
rehearsal never holds the live database's write lock: logins and other writers go on meanwhile.

The command line calls these; so will the upload page (upload, `preview`, show the report,
confirm, `commit`). Each row ends as created, updated, matched (already there, nothing to
change) or rejected with its line, column and reason. A real run writes nothing when any row is
rejected, unless `skip_rejected` is set, in which case the other rows are written.

The kinds live in their own modules (``people``, ``ledger``, ``engagements``), each built on the
shared ``base``; this package names them (``IMPORTERS``), and no kind imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from legation.intake.importers.base import (
    Importer,
    ImportError_,
    Issue,
    Outcome,
    Progress,
    Report,
    RowRejected,
    run,
)
from legation.intake.importers.engagements import EngagementImporter
from legation.intake.importers.ledger import (
    CommitmentImporter,
    FactImporter,
    MissionImporter,
    OrganisationImporter,
    PostingImporter,
)
from legation.intake.importers.people import PeopleImporter
from legation.intake.mapping import Mapping
from legation.intake.readers import ReadError, Table, read_table

__all__ = [
    "IMPORTERS",
    "TABULAR_KINDS",
    "ImportError_",
    "Importer",
    "Issue",
    "Outcome",
    "Progress",
    "Report",
    "RowRejected",
    "commit",
    "importer_for",
    "preview",
    "run",
]


def _open(source: str | Path | IO[bytes], filename: str, encoding: str = "") -> Table:
    try:
        return read_table(source, filename, encoding)
    except ReadError as exc:
        raise ImportError_(str(exc)) from None


# Every kind a file may hold, in the order of the pages' choices (ledger before what hangs on it).
IMPORTERS: dict[str, type[Importer]] = {
    "missions": MissionImporter,
    "people": PeopleImporter,
    "organisations": OrganisationImporter,
    "postings": PostingImporter,
    "engagements": EngagementImporter,
    "commitments": CommitmentImporter,
    "facts": FactImporter,
}
TABULAR_KINDS = tuple(IMPORTERS)


def importer_for(kind: str, **kwargs: Any) -> Importer:
    if kind not in IMPORTERS:
        raise ImportError_(f"Unknown import kind {kind!r}: use one of {', '.join(IMPORTERS)}.")
    return IMPORTERS[kind](**kwargs)


def preview(
    kind: str,
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    mission: Any = None,
    mapping: Mapping | None = None,
    filename: str = "",
    progress: Progress | None = None,
    encoding: str = "",
    **options: Any,
) -> Report:
    """What importing the file would do, with nothing kept (the dry run, and the upload preview).

    `encoding` names a CSV's encoding; by default it is detected, and refused when uncertain."""
    return _tabular(
        kind, source, actor, mission, mapping, filename, True, False, progress, encoding, options
    )


def commit(
    kind: str,
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    mission: Any = None,
    mapping: Mapping | None = None,
    filename: str = "",
    skip_rejected: bool = False,
    progress: Progress | None = None,
    verify: Callable[[Report], None] | None = None,
    encoding: str = "",
    **options: Any,
) -> Report:
    """Import the file: all rows or none (unless `skip_rejected`), one audited operation."""
    return _tabular(
        kind,
        source,
        actor,
        mission,
        mapping,
        filename,
        False,
        skip_rejected,
        progress,
        encoding,
        options,
        verify,
    )


def _tabular(
    kind: str,
    source: Any,
    actor: Any,
    mission: Any,
    mapping: Mapping | None,
    filename: str,
    dry_run: bool,
    skip_rejected: bool,
    progress: Progress | None,
    encoding: str,
    options: dict[str, Any],
    verify: Callable[[Report], None] | None = None,
) -> Report:
    importer = importer_for(kind, actor=actor, mission=mission, **options)
    table = _open(source, filename, encoding)
    name = filename or (Path(source).name if isinstance(source, str | Path) else "upload")
    report = run(
        importer,
        table.rows,
        source=name,
        header=table.columns,
        mapping=mapping,
        dry_run=dry_run,
        skip_rejected=skip_rejected,
        progress=progress,
        verify=verify,
    )
    report.encoding = table.encoding
    return report
