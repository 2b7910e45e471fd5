"""Facts in a letter: the sender's mission's own fact wins over a shared fact of the same key.

The choice must not depend on where the database sorts NULLs (first on SQLite, last on
PostgreSQL): this runs on both in CI.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from legation.core.access import SYSTEM
from legation.engagements.models import Fact
from legation.letters.compose.context import LetterBasis
from legation.letters.compose.letter_template import parse_template
from legation.letters.merge import production as merge
from tests import factories
from tests.letters.conftest import LETTER_DATE

TRADE = """---
name: trade
language: en
kind: greeting
---
Trade reached {{ facts['trade'].value }} {{ facts['trade'].unit }} ({{ facts['trade'].source }}).
"""


def _facts(embassy):
    other = factories.MissionFactory(ref="CG-NY")
    # Shared first and the mission's own last, then the other way round for a second key, so
    # neither insertion order nor NULL ordering can pick the winner by accident.
    Fact.objects.create(key="trade", label_en="Trade", value=Decimal(100), unit="billion",
                        citation="shared yearbook")  # fmt: skip
    Fact.objects.create(mission=embassy, key="trade", label_en="Trade", value=Decimal(250),
                        unit="billion", citation="embassy figures")  # fmt: skip
    Fact.objects.create(mission=other, key="trade", label_en="Trade", value=Decimal(999))
    Fact.objects.create(mission=embassy, key="students", label_en="Students", value=Decimal(7))
    Fact.objects.create(key="students", label_en="Students", value=Decimal(3))
    Fact.objects.create(key="relations", label_en="Relations", date=dt.date(1979, 1, 1))


def test_a_missions_own_fact_wins_over_a_shared_fact_of_the_same_key(embassy, posting):
    _facts(embassy)
    basis = LetterBasis.build(posting, actor=SYSTEM, letter_date=LETTER_DATE)
    facts = basis.shared("en")["facts"]
    assert sorted(facts) == ["relations", "students", "trade"]  # shared facts stay available
    assert (facts["trade"]["value"], facts["trade"]["citation"]) == (250, "embassy figures")
    assert facts["students"]["value"] == 7
    assert facts["relations"]["date_iso"] == "1979-01-01"


def test_the_letter_cites_the_missions_own_figure(tmp_path, embassy, posting, letters_officer):
    _facts(embassy)
    person = factories.PersonFactory(mission=embassy, family_name="Reader")
    out = tmp_path / "trade.txt"
    done, _ = merge.render_one(
        actor=letters_officer, template=parse_template(TRADE, default_name="trade"),
        person=person, posting=posting, letter_date=LETTER_DATE, fmt="txt", out=out, draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    text = out.read_text(encoding="utf-8")
    assert "Trade reached 250 billion (embassy figures)." in text


CITING = """---
name: citing
language: en
kind: greeting
---
Trade reached {{ facts['trade'].value }} {{ facts['trade'].unit }}
according to {{ facts['trade'].citation }} (source: {{ facts['trade'].source }}).
"""


def test_a_template_cites_a_facts_citation_and_still_its_source(
    tmp_path, embassy, posting, letters_officer
):
    """`facts[...].source`, the name templates used before `citation`, gives the same text."""
    from legation.engagements.services import fact_create

    fact_create(actor=SYSTEM, mission=embassy, key="trade", label_en="Trade",
                value=Decimal(250), unit="billion", citation="Ministry of Commerce, 2022")  # fmt: skip
    person = factories.PersonFactory(mission=embassy, family_name="Reader")
    out = tmp_path / "citing.txt"
    done, _ = merge.render_one(
        actor=letters_officer, template=parse_template(CITING, default_name="citing"),
        person=person, posting=posting, letter_date=LETTER_DATE, fmt="txt", out=out, draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "according to Ministry of Commerce, 2022 (source: Ministry of Commerce, 2022)." in text
