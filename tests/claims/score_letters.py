"""Score the claim check on the letter corpus: ``python3 -m tests.claims.score_letters``.

Builds the corpus ledger in a temporary SQLite database (or DATABASE_URL's, as bench/ does),
checks every letter of tests/claims/letters, and prints recall, verdict accuracy, false alarms and
planted errors caught, per language. ``--pdf`` / ``--docx`` check each letter's render through
legation's own PDF or Word renderer instead of its text; ``-v`` lists every problem.
Exit status 1 when a goal is missed (recall or verdicts under 95 %, a false alarm, a planted error
let through).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action="store_true", help="check the PDF renders")
    parser.add_argument("--docx", action="store_true", help="check the Word renders")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every problem")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.common import setup_django

    setup_django(Path(tempfile.mkdtemp(prefix="legation-letters-")))
    from django.core.management import call_command

    from legation.claims.reading import read_draft
    from legation.core.vocab import seed_regions, seed_sectors
    from tests.claims.letters_corpus import by_language, check_letter, load, render
    from tests.claims.world import build_letter_world

    call_command("migrate", verbosity=0)
    seed_sectors()
    seed_regions("US")
    build_letter_world()
    library, letters = load()
    fmt = "pdf" if args.pdf else "docx" if args.docx else "txt"
    folder = Path(tempfile.mkdtemp(prefix="legation-letters-renders-"))
    outcomes = []
    for letter in letters:
        text = None if fmt == "txt" else read_draft(render(letter.path, fmt, folder))
        outcomes.append(check_letter(library, letter, text))
    print(f"Claim check on the letter corpus ({fmt}): {ROOT / 'tests/claims/letters'}")
    scores = by_language(outcomes)
    for label in ("en", "zh", "all"):
        print(scores[label].line(label))
    for o in outcomes:
        if o.problems and args.verbose:
            print(f"\n{o.letter.file}:")
            for p in o.problems:
                print(f"  - {p}")
    total = scores["all"]
    ok = (
        total.recall >= 0.95
        and total.verdicts >= 0.95
        and total.false_alarms == 0
        and total.caught == total.planted
    )
    print("goals met" if ok else "goals missed (recall, verdicts ≥ 95 %, no false alarm, "
          "every planted error caught)")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
