"""The letter corpus (tests/claims/letters): whole letters, annotated claim by claim.

Shared by tests/claims/test_letters.py and ``python3 -m tests.claims.score_letters``. Each letter
is checked as a user would check it (``check_text`` on the text of the file, or of its PDF or Word
render read back with ``read_draft``), against the ledger of tests/claims/world.py
(``build_letter_world``), with the facts its annotation names (created, then rolled back).

A reported claim matches an annotated one when their spans overlap and their kinds agree. Figures:
- recall: annotated claims found / annotated claims;
- verdict accuracy: found claims with the annotated verdict (and ledger value, where annotated)
  / annotated claims found;
- false alarms: claims reported that are not annotated (whatever their verdict);
- planted errors caught: planted errors reported as contradicted / planted errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from legation.claims.reading import read_draft
from legation.claims.verify import CheckedClaim, check_text
from legation.core.access import SYSTEM
from legation.engagements.models import Posting
from tests.claims.corpus import load as load_sentences
from tests.claims.world import create_facts

FOLDER = Path(__file__).with_name("letters")
ANNOTATIONS = FOLDER / "annotations.yaml"


@dataclass
class AnnotatedLetter:
    file: str
    facts: list[str]
    claims: list[dict[str, Any]]
    sender: str = "P-LIN"

    @property
    def path(self) -> Path:
        return FOLDER / self.file

    @property
    def language(self) -> str:
        return self.file[:2]


@dataclass
class LetterOutcome:
    letter: AnnotatedLetter
    found: list[CheckedClaim]
    annotated: int = 0
    recalled: int = 0
    right: int = 0
    false_alarms: int = 0
    planted: int = 0
    caught: int = 0
    problems: list[str] = field(default_factory=list)


def load() -> tuple[dict[str, Any], list[AnnotatedLetter]]:
    data = yaml.safe_load(ANNOTATIONS.read_text(encoding="utf-8"))
    library, _ = load_sentences()
    library = {**library, **(data.get("facts") or {})}
    letters = [
        AnnotatedLetter(
            file=item["file"],
            facts=item.get("facts", []),
            claims=item.get("claims", []),
            sender=item.get("from", "P-LIN"),
        )
        for item in data["letters"]
    ]
    return library, letters


def annotated_spans(text: str, claims: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Where each annotated claim is in the text: longest first, each at its first occurrence
    that no longer claim holds ("in March" is not the one inside "in March 2022")."""
    spans: dict[int, tuple[int, int]] = {}
    order = sorted(range(len(claims)), key=lambda i: -len(str(claims[i]["text"])))
    for i in order:
        wanted = str(claims[i]["text"])
        for m in re.finditer(re.escape(wanted), text):
            if all(m.end() <= a or m.start() >= b for a, b in spans.values()):
                spans[i] = m.span()
                break
        else:
            raise ValueError(f"annotated claim {wanted!r} is not in the letter")
    return [spans[i] for i in range(len(claims))]


def _correct(found: CheckedClaim, wanted: dict[str, Any]) -> bool:
    if found.verdict != wanted["verdict"]:
        return False
    return "expected" not in wanted or str(found.expected) == str(wanted["expected"])


def check_letter(
    library: dict[str, Any],
    letter: AnnotatedLetter,
    text: str | None = None,
    user: Any = SYSTEM,
) -> LetterOutcome:
    """Check one letter (its file's text, or ``text``) with its facts in place, and score it."""
    text = read_draft(letter.path) if text is None else text
    with transaction.atomic():
        create_facts(library, letter.facts)
        posting = Posting.objects.get(ref=letter.sender)
        result = check_text(text, user=user, posting=posting)
        transaction.set_rollback(True)
    out = LetterOutcome(letter, result.claims, annotated=len(letter.claims))
    spans = annotated_spans(text, letter.claims)

    def overlaps(found: CheckedClaim, span: tuple[int, int], wanted: dict[str, Any]) -> bool:
        s, e = found.claim.span
        return s < span[1] and span[0] < e and found.claim.kind == wanted["kind"]

    for wanted, span in zip(letter.claims, spans, strict=True):
        hits = [f for f in result.claims if overlaps(f, span, wanted)]
        out.recalled += bool(hits)
        good = any(_correct(f, wanted) for f in hits)
        out.right += bool(hits) and good
        if wanted.get("planted"):
            out.planted += 1
            out.caught += any(f.verdict == "contradicted" for f in hits)
        if not hits:
            out.problems.append(f"missed {wanted['text']!r} ({wanted['kind']})")
        elif not good:
            got = [(f.claim.text, f.verdict, f.expected, f.explanation) for f in hits]
            out.problems.append(f"wrong {wanted['text']!r}: wanted {wanted}, got {got}")
    for found in result.claims:
        if not any(overlaps(found, s, w) for w, s in zip(letter.claims, spans, strict=True)):
            out.false_alarms += 1
            out.problems.append(
                f"false alarm {found.claim.text!r} ({found.claim.kind}, {found.verdict}: "
                f"{found.explanation})"
            )
    return out


@dataclass
class LetterScores:
    letters: int
    annotated: int
    recalled: int
    right: int
    false_alarms: int
    planted: int
    caught: int

    @property
    def recall(self) -> float:
        return self.recalled / self.annotated if self.annotated else 1.0

    @property
    def verdicts(self) -> float:
        return self.right / self.recalled if self.recalled else 1.0

    def line(self, label: str) -> str:
        return (
            f"{label:<8} {self.letters:>3} letters  {self.annotated:>4} claims  "
            f"recall {self.recall:6.1%} ({self.recalled}/{self.annotated})  "
            f"verdicts {self.verdicts:6.1%} ({self.right}/{self.recalled})  "
            f"false alarms {self.false_alarms}  planted caught {self.caught}/{self.planted}"
        )


def score(outcomes: list[LetterOutcome]) -> LetterScores:
    return LetterScores(
        letters=len(outcomes),
        annotated=sum(o.annotated for o in outcomes),
        recalled=sum(o.recalled for o in outcomes),
        right=sum(o.right for o in outcomes),
        false_alarms=sum(o.false_alarms for o in outcomes),
        planted=sum(o.planted for o in outcomes),
        caught=sum(o.caught for o in outcomes),
    )


def by_language(outcomes: list[LetterOutcome]) -> dict[str, LetterScores]:
    out = {"all": score(outcomes)}
    for lang in ("en", "zh"):
        out[lang] = score([o for o in outcomes if o.letter.language == lang])
    return out


# -- Renders: the letter through legation's own PDF (Typst) and Word renderers ------------------
def as_letter(path: Path) -> Any:
    """The .txt letter as a ``Letter`` to render: English letters open with the date and sign
    on the left; Chinese letters end with 此致/敬礼, the signature and the date."""
    from legation.letters.compose import markup
    from legation.letters.compose.letter import Layout, Letter

    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    zh = path.name.startswith("zh")
    layout = Layout(
        letterhead_zh="中华人民共和国驻美利坚合众国大使馆",
        letterhead_en="Embassy of the People's Republic of China in the United States of America",
    )
    if zh:
        salutation, *body, closing, signature = blocks
        *signature_lines, date = signature.split("\n")
    else:
        date, salutation, *body, closing, signature = blocks
        signature_lines = signature.split("\n")
    return Letter(
        language="zh" if zh else "en", template="corpus", kind="letter", layout=layout,
        date=date, salutation=salutation, blocks=markup.parse("\n\n".join(body)),
        closing=closing.split("\n"), signature=signature_lines, filename=path.stem,
    )  # fmt: skip


def render(path: Path, fmt: str, folder: Path) -> Path:
    """Render the letter at ``path`` as ``fmt`` ("pdf" or "docx") into ``folder``."""
    letter = as_letter(path)
    if fmt == "pdf":
        from legation.letters.render.pdf import render_pdf

        data = render_pdf(letter)
    else:
        from legation.letters.render.word import word_template

        data = word_template().render(letter)
    out = folder / f"{path.stem}.{fmt}"
    out.write_bytes(data)
    return out


def signature(outcome_claims: list[CheckedClaim]) -> list[tuple[Any, ...]]:
    """What must be the same whatever the file's format: each claim's words, kind and verdict."""
    return [
        (re.sub(r"\s+", " ", c.claim.text), c.claim.kind, c.verdict, c.expected)
        for c in outcome_claims
    ]
