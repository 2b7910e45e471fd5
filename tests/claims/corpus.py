"""The annotated corpus (corpus.yaml): load it, check each sentence, score the results.

Shared by the tests and by bench/bench_checks.py. A found claim matches an annotated one when
their spans overlap and their kinds agree; it is correct when the verdict (and the ledger's value,
where annotated) agree too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from legation.claims.verify import CheckedClaim, check_text
from legation.core.access import SYSTEM
from legation.engagements.models import Posting
from tests.claims.world import create_facts

CORPUS = Path(__file__).with_name("corpus.yaml")
DEFAULT_DATE = dt.date(2022, 12, 30)


@dataclass
class Sentence:
    text: str
    date: dt.date
    sender: str
    facts: list[str]
    claims: list[dict[str, Any]]
    index: int

    @property
    def id(self) -> str:
        return f"{self.index:03d}-{self.text[:30]}"


@dataclass
class Outcome:
    sentence: Sentence
    found: list[CheckedClaim]
    problems: list[str] = field(default_factory=list)
    correct_found: int = 0
    correct_expected: int = 0
    contradictions: int = 0
    contradictions_caught: int = 0


def load() -> tuple[dict[str, Any], list[Sentence]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    sentences = [
        Sentence(
            text=s["text"],
            date=dt.date.fromisoformat(str(s.get("date", DEFAULT_DATE))),
            sender=s.get("from", "P-QIN"),
            facts=s.get("facts", []),
            claims=s.get("claims", []),
            index=i,
        )
        for i, s in enumerate(data["sentences"])
    ]
    return data["facts"], sentences


def _matches(text: str, found: CheckedClaim, wanted: dict[str, Any]) -> bool:
    start = text.find(str(wanted["text"]))
    end = start + len(str(wanted["text"]))
    s, e = found.claim.span
    return start >= 0 and s < end and start < e and found.claim.kind == wanted["kind"]


def _correct(found: CheckedClaim, wanted: dict[str, Any]) -> bool:
    if found.verdict != wanted["verdict"]:
        return False
    return "expected" not in wanted or str(found.expected) == str(wanted["expected"])


def check_sentence(library: dict[str, Any], sentence: Sentence, user: Any = SYSTEM) -> Outcome:
    """Check one sentence with its facts in place (rolled back afterwards)."""
    with transaction.atomic():
        create_facts(library, sentence.facts)
        posting = Posting.objects.get(ref=sentence.sender)
        result = check_text(sentence.text, user=user, posting=posting, letter_date=sentence.date)
        transaction.set_rollback(True)
    out = Outcome(sentence, result.claims)
    for wanted in sentence.claims:
        hits = [f for f in result.claims if _matches(sentence.text, f, wanted)]
        good = [f for f in hits if _correct(f, wanted)]
        out.correct_expected += bool(good)
        if wanted["verdict"] == "contradicted":
            out.contradictions += 1
            out.contradictions_caught += any(f.verdict == "contradicted" for f in hits)
        if not good:
            got = [(f.claim.text, f.claim.kind, f.verdict, f.expected, f.explanation)
                   for f in hits]  # fmt: skip
            out.problems.append(f"missed {wanted}: got {got}")
    for found in result.claims:
        ok = any(_matches(sentence.text, found, w) and _correct(found, w) for w in sentence.claims)
        out.correct_found += ok
        if not any(_matches(sentence.text, found, w) for w in sentence.claims):
            out.problems.append(
                f"unexpected {found.claim.text!r} ({found.claim.kind}, {found.verdict})"
            )
    return out


@dataclass
class Scores:
    found: int
    correct_found: int
    expected: int
    correct_expected: int
    contradictions: int
    contradictions_caught: int

    @property
    def precision(self) -> float:
        return self.correct_found / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct_expected / self.expected if self.expected else 1.0

    @property
    def contradiction_recall(self) -> float:
        return self.contradictions_caught / self.contradictions if self.contradictions else 1.0


def score(outcomes: list[Outcome]) -> Scores:
    return Scores(
        found=sum(len(o.found) for o in outcomes),
        correct_found=sum(o.correct_found for o in outcomes),
        expected=sum(len(o.sentence.claims) for o in outcomes),
        correct_expected=sum(o.correct_expected for o in outcomes),
        contradictions=sum(o.contradictions for o in outcomes),
        contradictions_caught=sum(o.contradictions_caught for o in outcomes),
    )
