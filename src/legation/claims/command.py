"""`legation letters check FILE`: the claims of a draft with their verdicts, as a table or JSON.

Exit codes: 0 when no claim is contradicted, 3 when any is (1 for errors, as every command).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from legation.claims.reading import DraftError, read_draft
from legation.claims.verify import CONTRADICTED, SUPPORTED, CheckError, CheckResult, check_text

EXIT_CONTRADICTED = 3
COLOURS = {SUPPORTED: "green", CONTRADICTED: "bold red", "unverifiable": "yellow"}


def add_check_arguments(parser: Any) -> None:
    parser.add_argument("file", help="the draft: .txt, .md, .docx or .pdf, English or Chinese")
    parser.add_argument("--date", help="the letter's date, YYYY-MM-DD (default: found in the text)")
    parser.add_argument("--from", dest="posting", help="the sender's posting (id, ref, email)")
    parser.add_argument("--json", action="store_true", help="print the claims as JSON")
    parser.add_argument("--as", dest="as_user", metavar="USER", help="act as this user")


def run_check(*, actor: Any, options: dict[str, Any], stdout: Any, posting: Any) -> int:
    """Check the file named in ``options`` and print the result; return the exit code."""
    from legation.core.management.base import parse_date

    letter_date = parse_date(options["date"], "--date") if options.get("date") else None
    try:
        text = read_draft(Path(options["file"]))
        result = check_text(text, user=actor, posting=posting, letter_date=letter_date)
    except (DraftError, CheckError) as exc:
        raise CommandError(str(exc)) from None
    if options.get("json"):
        stdout.write(json.dumps([c.to_json() for c in result.claims], ensure_ascii=False, indent=2))
    else:
        print_table(result, stdout)
    return EXIT_CONTRADICTED if result.contradicted else 0


def print_table(result: CheckResult, stdout: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=getattr(stdout, "_out", stdout), width=140)
    table = Table(
        title=f"Claims in the letter of {result.letter_date.isoformat()}"
        f" (sender: {result.posting or 'none'})",
        show_lines=False,
    )
    for column in ("span", "kind", "claim", "verdict", "expected", "how / why"):
        table.add_column(column, overflow="fold")
    for c in result.claims:
        colour = COLOURS.get(c.verdict, "")
        table.add_row(
            f"{c.claim.span[0]}-{c.claim.span[1]}",
            c.claim.kind,
            c.claim.text,
            f"[{colour}]{c.verdict}[/]",
            "" if c.expected is None else str(c.expected),
            c.explanation,
        )
    console.print(table)
    counts = {v: sum(1 for c in result.claims if c.verdict == v) for v in COLOURS}
    console.print(", ".join(f"{n} {v}" for v, n in counts.items()))
