"""Verdicts: each claim linked to what it is about, and compared with the ledger on the letter's date.

A claim is **supported** when the ledger's figure falls in the interval the claim allows,
**contradicted** when it does not (with the figure and how it was computed), and
**unverifiable** when nothing in the ledger answers it (no matching fact, an ambiguous link, a
statement about someone other than the sender). The reference date is always the letter's date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from legation.claims import linking
from legation.claims.dates import FUTURE, DateMention, resolve
from legation.claims.extraction import Claim, Draft, extract, sentences
from legation.claims.ledger import Ledger, completed, elapsed
from legation.core import dates
from legation.engagements.models import Posting

SUPPORTED, CONTRADICTED, UNVERIFIABLE = "supported", "contradicted", "unverifiable"
UNIT_WORDS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}


class CheckError(Exception):
    """A draft that cannot be checked (no date); the message says what to do."""


@dataclass
class CheckedClaim:
    claim: Claim
    verdict: str
    about: str = ""
    expected: Any = None
    explanation: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        return {
            "text": c.text,
            "span": list(c.span),
            "kind": c.kind,
            "verdict": self.verdict,
            "expected": self.expected,
            "claimed": c.interval.describe(c.kind in ("count", "anniversary"))
            if c.interval
            else (c.date.text if c.date else None),
            "about": self.about,
            "explanation": self.explanation,
            "evidence": self.evidence,
        }


@dataclass
class CheckResult:
    text: str
    language: str
    letter_date: dt.date
    posting: str | None
    claims: list[CheckedClaim]

    @property
    def contradicted(self) -> list[CheckedClaim]:
        return [c for c in self.claims if c.verdict == CONTRADICTED]


def check_text(
    text: str,
    *,
    user: Any,
    posting: Posting | None = None,
    letter_date: dt.date | None = None,
) -> CheckResult:
    """Extract every claim of a draft and judge it against the ledger as ``user`` sees it."""
    draft = extract(text, letter_date=letter_date)
    if draft.letter_date is None:
        raise CheckError(
            "The draft has no date on a line of its own: give the letter's date "
            "(--date on the command line, `date` in the API)."
        )
    if not dates.within(draft.letter_date):  # the figures of 9999 cannot be computed
        raise CheckError(dates.message(draft.letter_date, "the letter's date"))
    ledger = Ledger(user=user, posting=posting, as_of=draft.letter_date)
    judge = _Judge(draft, ledger)
    checked = [v for v in (judge.claim(c) for c in draft.claims) if v is not None]
    return CheckResult(
        text=text,
        language=draft.language,
        letter_date=draft.letter_date,
        posting=(posting.ref or str(posting.pk)) if posting else None,
        claims=checked,
    )


class _Judge:
    def __init__(self, draft: Draft, ledger: Ledger) -> None:
        self.draft, self.ledger = draft, ledger
        self.as_of = ledger.as_of

    def sentence(self, claim: Claim) -> str:
        return self.draft.text[claim.sentence[0] : claim.sentence[1]]

    def clause(self, claim: Claim) -> str:
        """The part of the claim's sentence between commas, semicolons or colons around it."""
        start, end = self.clause_span(claim)
        return self.draft.text[start:end]

    def clause_span(self, claim: Claim) -> tuple[int, int]:
        text = self.draft.text
        start, end = claim.sentence
        left = max((text.rfind(p, start, claim.span[0]) for p in ",;:，；：、"), default=-1)
        rights = [i for i in (text.find(p, claim.span[1], end) for p in ",;:，；：") if i >= 0]
        return max(left + 1, start), min(rights) if rights else end

    def named(
        self, claim: Claim, *, need: str, noun: str = "", facts: list[Any] | None = None
    ) -> linking.FactMatch:
        """The fact named nearest the claim: in its own clause first ("our embassy opened 45
        years ago, and next month we mark the 47th anniversary of diplomatic relations"), else
        in its sentence; facts named equally well, the one nearest the claim."""
        facts = self.ledger.facts if facts is None else facts
        start, end = self.clause_span(claim)
        text = self.draft.text
        own = linking.match_fact(
            text[start:end], facts, need=need, noun=noun, near=claim.span[0] - start
        )
        if own.fact is not None:
            return own
        return linking.match_fact(
            self.sentence(claim),
            facts,
            need=need,
            noun=noun,
            near=claim.span[0] - claim.sentence[0],
        )

    def previous_sentence(self, claim: Claim) -> str:
        """The sentence before the claim's (for "the 44th anniversary of that decision")."""
        spans = [s for s in sentences(self.draft.text) if s[1] <= claim.sentence[0]]
        return self.draft.text[spans[-1][0] : spans[-1][1]] if spans else ""

    def fact_named(self, claim: Claim, sentence: str) -> linking.FactMatch:
        """The dated fact the sentence names, else the one the sentence before names when this
        one points back at it ("that decision", "这次访问") and is not about the sender's own
        arrival."""
        found = self.named(claim, need="date")
        own_arrival = linking.ARRIVAL.search(sentence) and linking.speaks_alone(sentence)
        if (
            found.fact is None
            and not found.candidates
            and not own_arrival  # "I arrived … a year ago, and … since then": the arrival
            and linking.ANAPHOR.search(sentence)
        ):
            before = linking.match_fact(
                self.previous_sentence(claim), self.ledger.facts, need="date"
            )
            if before.fact is not None:
                return before
        return found

    def claim(self, claim: Claim) -> CheckedClaim | None:
        return getattr(self, f"_{claim.kind}")(claim, self.sentence(claim))

    def _no_sender(self, claim: Claim) -> CheckedClaim:
        return CheckedClaim(claim, UNVERIFIABLE, explanation="no sender posting: give --from")

    # -- durations and anniversaries ------------------------------------------------------
    def _since(self, claim: Claim, start: dt.date, about: str, query: str) -> CheckedClaim:
        end = self.ledger.tenure_end if about.startswith("tenure") else self.as_of
        unit = claim.unit
        whole = completed(unit, start, end)
        if unit == "day" and about.startswith("tenure"):
            whole = self.ledger.figures["days_in_post"]
        measure = elapsed(unit, start, end) if unit != "day" else float(whole)
        ok = claim.interval is not None and measure in claim.interval
        if claim.ago_when and claim.interval is not None and not ok:
            # "44 years ago next month": reached at some day of that period
            window = resolve(DateMention((0, 0), "", None, ("", *claim.ago_when)), self.as_of)
            lo, hi = elapsed(unit, start, window.start), elapsed(unit, start, window.end)
            reach = claim.interval.lo if claim.interval.lo is not None else lo
            ok = lo <= reach <= hi or measure in claim.interval
        how = (
            f"completed {UNIT_WORDS[unit]} from {start.isoformat()} to {end.isoformat()}"
            f"{' (the letter’s date)' if end == self.as_of else ' (the departure)'}: {whole}"
        )
        if unit != "day" and not ok:
            how += f" ({measure:.2f} {UNIT_WORDS[unit]})"
        return CheckedClaim(
            claim,
            SUPPORTED if ok else CONTRADICTED,
            about=about,
            expected=whole,
            explanation=how,
            evidence={"query": query, "records": [start.isoformat()]},
        )

    def _duration(self, claim: Claim, sentence: str) -> CheckedClaim | None:
        posting = self.ledger.posting
        if claim.after:
            return self._after(claim, sentence)
        # "抵达华盛顿一年多来": counted from an arrival word in its own clause, the tenure.
        tenure = linking.TENURE.search(sentence) or (
            claim.language == "zh"
            and claim.text.endswith("来")
            and linking.ARRIVAL.search(self.clause(claim))
        )
        if not tenure:
            found = self.named(claim, need="date")
            if found.fact is not None:
                return self._fact_since(claim, found.fact)
        if linking.KNOWING.search(sentence) or (
            not tenure and linking.RELATIONSHIP.search(sentence)
        ):
            return CheckedClaim(
                claim, UNVERIFIABLE, explanation="about a relationship, not the sender's tenure"
            )
        if tenure or linking.speaks_alone(sentence):
            if posting is None:
                return self._no_sender(claim)
            return self._since(
                claim,
                posting.arrival,
                f"tenure of {posting.ref or posting.pk} since arrival",
                f"Posting {posting.ref or posting.pk}: arrival {posting.arrival.isoformat()}",
            )
        return CheckedClaim(
            claim, UNVERIFIABLE, explanation="not linked: no fact named and not about the sender"
        )

    def _after(self, claim: Claim, sentence: str) -> CheckedClaim | None:
        """ "44 years after the establishment of diplomatic relations" (the words after it),
        "在美工作十五个月后" (the words before it, in its clause): the time since the fact or the
        tenure they name; anything else ("a year after that", "七年后") is not a claim."""
        clause = self.clause(claim)
        text = self.draft.text
        if claim.language == "zh":
            named = clause[: max(0, clause.find(claim.text))]
        else:
            named = text[claim.span[1] : claim.sentence[1]]
            named = re.split(r"[,;:]", named, maxsplit=1)[0]
        found = linking.match_fact(named, self.ledger.facts, need="date")
        if found.fact is not None:
            return self._fact_since(claim, found.fact)
        posting = self.ledger.posting
        if posting is not None and linking.TENURE.search(named) and linking.speaks_alone(sentence):
            return self._since(
                claim,
                posting.arrival,
                f"tenure of {posting.ref or posting.pk} since arrival",
                f"Posting {posting.ref or posting.pk}: arrival {posting.arrival.isoformat()}",
            )
        return None

    def _fact_since(self, claim: Claim, fact: Any) -> CheckedClaim:
        return self._since(
            claim, fact.date, f"fact {fact.key}", f"Fact {fact.key}: date {fact.date.isoformat()}"
        )

    def _anniversary(self, claim: Claim, sentence: str) -> CheckedClaim | None:
        found = self.fact_named(claim, sentence)
        if (
            found.fact is None
            and claim.ago
            and linking.ARRIVAL.search(sentence)
            and linking.speaks_alone(sentence)
        ):
            posting = self.ledger.posting
            if posting is None:
                return self._no_sender(claim)
            return self._since(
                claim,
                posting.arrival,
                f"arrival of {posting.ref or posting.pk}",
                f"Posting {posting.ref or posting.pk}: arrival {posting.arrival.isoformat()}",
            )
        if found.fact is None:
            who = linking.speaker(self.clause(claim), claim.language) or linking.speaker(
                sentence, claim.language
            )
            if not found.candidates and (
                who == "other" or (who is None and linking.LIFE_EVENT.search(sentence))
            ):
                return None  # "thirty years ago, he came to…": someone else's history
            return CheckedClaim(claim, UNVERIFIABLE, explanation=found.reason)
        if not claim.ordinal:
            return self._fact_since(claim, found.fact)
        fact = found.fact
        years = completed("year", fact.date, self.as_of)
        ok = claim.value in (years, years + 1)
        return CheckedClaim(
            claim,
            SUPPORTED if ok else CONTRADICTED,
            about=f"fact {fact.key}",
            expected=years,
            explanation=f"completed years from {fact.date.isoformat()} to "
            f"{self.as_of.isoformat()} (the letter’s date): {years}; the next anniversary is "
            f"the {years + 1}th",
            evidence={"query": f"Fact {fact.key}: date {fact.date.isoformat()}", "records": []},
        )

    # -- counts and quantities ------------------------------------------------------------
    def _count(self, claim: Claim, sentence: str) -> CheckedClaim | None:
        if claim.ordinal and linking.speaker(sentence, claim.language) != "sender":
            return None  # "the second city of Texas", "his third visit": not the sender's
        if linking.speaker(sentence, claim.language) != "sender":
            return CheckedClaim(
                claim, UNVERIFIABLE, explanation="not stated of the sender (no I, we, 我)"
            )
        if self.ledger.posting is None:
            return self._no_sender(claim)
        if claim.ordinal:
            return self._ordinal(claim, sentence)
        value, query, records = self.ledger.count(claim.noun)
        ok = claim.interval is not None and value in claim.interval
        return CheckedClaim(
            claim,
            SUPPORTED if ok else CONTRADICTED,
            about=f"{claim.noun} of {self.ledger.posting.ref or self.ledger.posting.pk}",
            expected=value,
            explanation=f"{query} = {value} as of {self.as_of.isoformat()}",
            evidence={"query": query, "records": records[:50]},
        )

    def _quantity(self, claim: Claim, sentence: str) -> CheckedClaim:
        money = _money(claim)
        facts = [
            f
            for f in self.ledger.facts
            if money is None or not f.unit or _money_unit(f.unit) == money
        ]
        found = self.named(claim, need="value", noun=claim.noun, facts=facts)
        if found.fact is None:
            return CheckedClaim(claim, UNVERIFIABLE, explanation=found.reason)
        fact = found.fact
        value = float(fact.value)
        ok = claim.interval is not None and value in claim.interval
        shown = int(value) if value.is_integer() else value
        return CheckedClaim(
            claim,
            SUPPORTED if ok else CONTRADICTED,
            about=f"fact {fact.key}",
            expected=shown,
            explanation=f"fact {fact.key} ({fact.label_en}): {shown:,} {fact.unit}".strip()
            + ("" if ok else f"; the text allows {claim.interval.describe(False)}"),  # type: ignore[union-attr]
            evidence={
                "query": f"Fact {fact.key}",
                "records": [fact.citation] if fact.citation else [],
            },
        )

    def _ordinal(self, claim: Claim, sentence: str) -> CheckedClaim:
        """ "the ninth state I have visited", "第十个城市": the named place's rank among the
        sender's first visits (or the number so far); "my third visit to Washington State",
        "第二次到访西雅图": the days the sender was there, this visit included (the next one in a
        sentence about the future)."""
        ledger, ref = self.ledger, self.ledger.posting.ref  # type: ignore[union-attr]
        n = int(claim.value or 0)
        if claim.noun in ("states", "cities"):
            order = ledger.first_visits(claim.noun)
            if claim.noun == "states":
                named = [c for c in self._regions(sentence) if c in order]
            else:
                named = linking.cities_named(sentence, order)
            expected = order.index(named[0]) + 1 if named else len(order)
            how = (
                f"{named[0]} is the {expected}th {claim.noun[:-1].replace('ie', 'y')} "
                "of the sender's first visits"
                if named
                else f"{len(order)} {claim.noun} visited so far"
            )
            return CheckedClaim(
                claim,
                SUPPORTED if n == expected else CONTRADICTED,
                about=f"{claim.noun} visited by {ref}",
                expected=expected,
                explanation=how + f" as of {self.as_of.isoformat()}",
                evidence={"query": f"first in-person engagement per {claim.noun[:-1]}",
                          "records": order[:50]},
            )  # fmt: skip
        place, days = (
            self._visits(sentence)
            or self._visits(self.previous_sentence(claim))
            or (
                "",
                [],
            )
        )
        if not place:
            return CheckedClaim(claim, UNVERIFIABLE, explanation="no place named for the visit")
        expected = len(days) + (1 if FUTURE.search(self.clause(claim)) else 0)
        return CheckedClaim(
            claim,
            SUPPORTED if n == expected else CONTRADICTED,
            about=f"visits of {ref} to {place}",
            expected=expected,
            explanation=f"{len(days)} day(s) of in-person engagements in {place} up to "
            f"{self.as_of.isoformat()}",
            evidence={"query": f"in-person engagements in {place}",
                      "records": [d.isoformat() for d in days]},
        )  # fmt: skip

    def _visits(self, sentence: str) -> tuple[str, list[dt.date]] | None:
        cities = linking.cities_named(sentence, self.ledger.cities())
        if cities and cities[0] != "Washington":
            return cities[0], self.ledger.visit_days(city=cities[0])
        for choice in self._regions(sentence):
            return choice, self.ledger.visit_days(regions=[choice])
        return None

    def _regions(self, sentence: str, period: Any = None) -> list[str]:
        """The regions the sentence names, a shared name ("Washington") read by the ledger: the
        reading with engagements in the period, else the first (the capital)."""
        from legation.core.models import Region

        named = linking.regions_named(
            sentence, list(Region.objects.values_list("code", "name_en", "name_zh"))
        )
        out = []
        for code in named:
            readings = code.split("|")
            if len(readings) > 1 and period is not None:
                with_records = [
                    r
                    for r in readings
                    if self.ledger.engagements_between(period.start, period.end, [r])
                ]
                readings = with_records or readings
            out.append(readings[0])
        return out

    # -- dated events ---------------------------------------------------------------------
    def _date(self, claim: Claim, sentence: str) -> CheckedClaim | None:
        """A date is checked against the fact the sentence names (full dates only: facts are
        dated with their year), else the sender's arrival or departure (the sender speaking),
        else the sender's engagements (the sender or the reader in the sentence). A date after
        the letter's, or one the sentence links to nothing, is not a claim."""
        assert claim.date is not None
        clause = self.clause(claim)
        future = bool(FUTURE.search(clause)) and not re.match(r"(?i)since\b", claim.text)
        period = resolve(claim.date, self.as_of, forward=future)
        if period.start > self.as_of:
            return None  # an invitation's date, a plan: nothing to check yet
        fixed = claim.date.period is not None
        posting = self.ledger.posting
        first = linking.speaker(sentence, claim.language) == "sender" or bool(
            linking.FIRST_PERSON_ZH.search(sentence)
            if claim.language == "zh"
            else linking.FIRST_PERSON_EN.search(sentence)
        )
        if fixed:
            found = self.named(claim, need="date")
            if found.fact is not None:
                return self._on(claim, period, found.fact.date, f"fact {found.fact.key}")
        bare_year = fixed and claim.date.period.label.isdigit()  # type: ignore[union-attr]
        reader = bool(linking.SECOND_PERSON.search(sentence))
        # The date's own clause first ("到任八个月来，…，10月在纽约与您的交流": an exchange, not
        # the arrival), then the sentence.
        for words in (clause, sentence):
            if posting is None:
                break
            if first and linking.ARRIVAL.search(words):
                return self._on(claim, period, posting.arrival, f"arrival of {posting.ref}")
            if first and linking.DEPARTURE.search(words) and posting.departure:
                return self._on(claim, period, posting.departure, f"departure of {posting.ref}")
            if bare_year:
                continue  # a bare year ("in 2022") that names no fact is not an engagement's
            if (first or reader) and linking.ENGAGEMENT.search(words):
                return self._engagement(claim, sentence, period)
        return None  # linked to nothing the ledger holds: not a claim

    def _on(self, claim: Claim, period: Any, day: dt.date, about: str) -> CheckedClaim:
        ok = day in period
        return CheckedClaim(
            claim,
            SUPPORTED if ok else CONTRADICTED,
            about=about,
            expected=day.isoformat(),
            explanation=f"{about}: {day.isoformat()}; the text names {period.label} "
            f"({period.start.isoformat()} to {period.end.isoformat()})",
            evidence={"query": about, "records": [day.isoformat()]},
        )

    def _engagement(self, claim: Claim, sentence: str, period: Any) -> CheckedClaim:
        # The places of the date's own clause ("Since our meeting in Houston in January, I have
        # visited Michigan"), else of the sentence.
        clause = self.clause(claim)
        regions = self._regions(clause, period)
        if not regions and not linking.cities_named(clause, self.ledger.cities()):
            regions = self._regions(sentence, period)
        found = self.ledger.engagements_between(period.start, period.end, regions)
        where = f" in {', '.join(regions)}" if regions else ""
        records = [f"{e.start:%Y-%m-%d} {e.get_kind_display()}: {e.subject}" for e in found]
        if found:
            return CheckedClaim(
                claim,
                SUPPORTED,
                about=f"engagements of {self.ledger.posting.ref}{where}",  # type: ignore[union-attr]
                expected=found[0].start.date().isoformat(),
                explanation=f"{len(found)} engagement(s){where} in {period.label}",
                evidence={"query": f"engagements {period.start}..{period.end}{where}",
                          "records": records},
            )  # fmt: skip
        latest = self.ledger.latest_engagement(regions)
        return CheckedClaim(
            claim,
            UNVERIFIABLE,
            about=f"engagements of {self.ledger.posting.ref}{where}",  # type: ignore[union-attr]
            expected=None,
            explanation=f"no engagement of the sender{where} recorded in {period.label}"
            + (f"; the latest: {latest.start:%Y-%m-%d}" if latest else ""),
            evidence={"query": f"engagements {period.start}..{period.end}{where}", "records": []},
        )


# A quantity's kind, money or a number of people or things, decides which facts it may be: "$17.4
# billion" is no number of students, "1.3万名留学生" no sum of money.
_CURRENCY = re.compile(r"\$|\b(?:dollars?|USD|euros?|yuan|RMB|CNY)\b|美元|元|欧元", re.IGNORECASE)
_MEASURE_ZH = re.compile(r"(?:名|位|人|个|所|家|对|座|项|吨|户|辆)")


def _money_unit(unit: str) -> bool:
    return bool(_CURRENCY.search(unit)) or bool(re.fullmatch(r"[A-Z]{3}", unit.strip()))


def _money(claim: Claim) -> bool | None:
    """True for a sum of money ("$17.4 billion", "174亿美元"), False for a count of people or
    things ("1.3万名留学生", "20,000 Demoland students"), None when the words do not say."""
    if _CURRENCY.search(claim.text) or _CURRENCY.search(claim.noun[:8]):
        return True
    if claim.language == "zh":
        return False if _MEASURE_ZH.match(claim.noun) else None
    first = re.findall(r"[A-Za-z]+", claim.noun)[:3]
    return (
        False if any(w.lower() == "people" or re.fullmatch(r"[a-z]+s", w) for w in first) else None
    )
