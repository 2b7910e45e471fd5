"""A fact's citation and the audit source of its history are two columns, kept apart.

The citation was once a field named ``source``, which took the place of the history's audit source
(web, api, command, import, system): the history held "web" instead of the citation, and a
restored fact came back citing "command".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legation.core.access import SYSTEM
from legation.core.audit import audit, restore_deleted
from legation.engagements import services
from legation.engagements.models import Fact
from legation.engagements.services import fact_update

COMMERCE = "Ministry of Commerce, 2022"


def record_trade(actor, mission, **extra):
    return services.fact_create(
        actor=actor, mission=mission, key="trade", label_en="Trade", value=Decimal(250),
        unit="billion", citation=COMMERCE, **extra,
    )  # fmt: skip


def test_the_history_keeps_the_audit_source_and_the_citation_apart(mission, officer):
    with audit(actor=officer, source="web"):
        fact = record_trade(officer, mission)
    with audit(actor=officer, source="import"):
        fact_update(actor=officer, fact=fact, citation="Customs, 2023", value=Decimal(260))
    fact.refresh_from_db()
    assert fact.citation == "Customs, 2023"
    rows = list(fact.history.order_by("history_id"))
    assert [(r.history_type, r.source, r.citation) for r in rows] == [
        ("+", "web", COMMERCE),
        ("~", "import", "Customs, 2023"),
    ]
    assert [r.operation.source for r in rows] == ["web", "import"]
    assert rows[1].history_user == officer


def test_a_service_call_outside_any_context_is_audited_as_a_command(mission, officer):
    fact = record_trade(officer, mission)
    row = fact.history.get()
    assert (row.source, row.citation) == ("command", COMMERCE)


def test_a_deleted_fact_comes_back_with_its_citation(mission, officer):
    fact = record_trade(officer, mission)
    with audit(actor=officer, source="web"):
        Fact.objects.get(pk=fact.pk).delete()
    gone = Fact.history.get(history_type="-")
    assert (gone.source, gone.citation) == ("web", COMMERCE)
    restored = restore_deleted(Fact, fact.pk, actor=SYSTEM)
    assert (restored.citation, restored.value, restored.mission) == (COMMERCE, 250, mission)
    assert fact.history.order_by("history_id").last().source == "command"


def test_legation_undelete_brings_back_a_facts_citation(mission, officer):
    fact = record_trade(officer, mission)
    Fact.objects.get(pk=fact.pk).delete()
    call_command("undelete", "engagements.fact", str(fact.pk))
    assert Fact.objects.get(pk=fact.pk).citation == COMMERCE


def test_source_is_not_a_field_a_fact_accepts(mission, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.fact_create(actor=officer, mission=mission, key="k", label_en="K", source="x")
    assert "source" in err.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_citations_and_gives_the_history_its_audit_source():
    """A database with facts from before the rename: the citations stay, the audit sources too."""
    before = [("engagements", "0003_engagement_text_search")]
    after = [("engagements", "0004_fact_citation")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        OldFact = old.get_model("engagements", "Fact")
        OldHistory = old.get_model("engagements", "HistoricalFact")
        now = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
        kept = OldFact.objects.create(key="trade", label_en="Trade", source=COMMERCE)
        for kind in ("+", "~"):  # what the audit receiver stamped over the citation
            OldHistory.objects.create(
                id=kept.pk, key="trade", label_en="Trade", source="web", history_type=kind,
                history_date=now,
            )  # fmt: skip
        OldHistory.objects.create(  # deleted before the migration: its citation was never kept
            id=kept.pk + 1, key="gone", label_en="Gone", source="command", history_type="-",
            history_date=now,
        )  # fmt: skip
        OldHistory.objects.create(  # written without the receiver: the column held a citation
            id=kept.pk + 2, key="bulk", label_en="Bulk", source="Customs yearbook, 2021",
            history_type="+", history_date=now,
        )  # fmt: skip
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        assert new.get_model("engagements", "Fact").objects.get().citation == COMMERCE
        rows = new.get_model("engagements", "HistoricalFact").objects.order_by("history_id")
        assert [(r.id - kept.pk, r.source, r.citation) for r in rows] == [
            (0, "web", COMMERCE),
            (0, "web", COMMERCE),
            (1, "command", ""),
            (2, "", "Customs yearbook, 2021"),
        ]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
