"""Claim checks on the annotated corpus: precision, recall, contradictions caught, checks per second.

No demo needed: the corpus ledger (tests/claims/world.py) is built in a temporary SQLite database,
and every sentence of tests/claims/corpus.yaml is checked as in the tests.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Figure, Report, setup_django


def run(size: str) -> Report:
    home = Path(tempfile.mkdtemp(prefix="legation-bench-checks-"))
    setup_django(home)
    import sys

    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command

    from legation.claims.verify import check_text
    from legation.core.access import SYSTEM
    from legation.core.vocab import seed_regions, seed_sectors
    from legation.engagements.models import Posting
    from tests.claims.corpus import check_sentence, load, score
    from tests.claims.world import build_world, create_facts

    call_command("migrate", verbosity=0)
    seed_sectors()
    seed_regions("US")
    build_world()
    library, sentences = load()
    start = time.perf_counter()
    outcomes = [check_sentence(library, s) for s in sentences]
    elapsed = time.perf_counter() - start
    scores = score(outcomes)
    report = Report(
        f"claim checks (corpus of {len(sentences)} sentences, {scores.expected} claims)"
    )
    report.add(Figure("precision (correct verdicts / claims reported)", scores.precision * 100,
                      "%", target="> 90 %", ok=scores.precision > 0.9))  # fmt: skip
    report.add(Figure("recall (annotated claims found with the right verdict)",
                      scores.recall * 100, "%"))  # fmt: skip
    report.add(Figure("contradictions caught", scores.contradiction_recall * 100, "%",
                      target="100 %", ok=scores.contradiction_recall == 1.0,
                      note=f"{scores.contradictions_caught} of {scores.contradictions}"))  # fmt: skip
    report.add(Figure("sentences checked per second (with facts set up)",
                      len(sentences) / elapsed, "/s"))  # fmt: skip
    letter = (ROOT / "tests" / "claims" / "data" / "farewell-letter-2022.txt").read_text()
    create_facts(library, ["diplomatic-relations", "population"])
    posting = Posting.objects.get(ref="P-QIN")
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        result = check_text(letter, user=SYSTEM, posting=posting)
    per_letter = (time.perf_counter() - start) / runs * 1000
    report.add(Figure("the example letter, checked end to end", per_letter, "ms",
                      note=f"{len(result.claims)} claims, {len(result.contradicted)} contradicted"))  # fmt: skip
    report.add(Figure("claims checked per second (example letter)",
                      len(result.claims) * 1000 / per_letter, "/s"))  # fmt: skip
    return report
