"""The database package: what a bulk load sets aside comes back as it was, statistics run."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from legation.core import audit
from legation.core.db import bulk, setaside, stats, text
from legation.engagements.models import Engagement
from legation.people.models import Tag
from tests import factories

pytestmark = pytest.mark.django_db


def _definitions() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type IN ('trigger', 'index')")
        else:
            cursor.execute(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
                "UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            )
        return {row[0] for row in cursor.fetchall() if row[0]}


def test_activity_triggers_and_cover_index_come_back_as_they_were():
    before = _definitions()
    with transaction.atomic():
        saved = setaside.SetAside().triggers(setaside.ACTIVITY_TRIGGERS)
        saved.index(setaside.ACTIVITY_COVER_INDEX)
        during = _definitions()
        assert len(saved.statements) == 16  # 15 triggers and the index
        assert not any("insight_pa_" in d or "posting_activity_cover" in d for d in during)
        assert during < before
        saved.restore()
    assert _definitions() == before


def test_text_index_set_aside_indexes_the_rows_written_meanwhile(mission):
    before = _definitions()
    with transaction.atomic():
        first = (Engagement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        suspended = text.TextIndexSetAside()
        assert suspended  # the insert trigger (SQLite) or the GIN index (PostgreSQL)
        assert _definitions() < before
        added = factories.EngagementFactory(mission=mission, subject="Quokkas at the zoo")
        suspended.restore(first)
    assert _definitions() == before
    found = Engagement.objects.filter(text.indexed_match("Quokka"))
    assert list(found) == [added]


def test_analyze_runs_inside_and_outside_a_transaction():
    stats.analyze([Engagement])
    stats.analyze(vacuum=True)
    with transaction.atomic():
        stats.analyze(vacuum=True)
    assert stats.materialized() == ("MATERIALIZED " if connection.vendor == "sqlite" else "")


def test_bulk_insert_writes_rows_and_their_history(mission, officer):
    with audit.audit(actor=officer, description="test"), transaction.atomic():
        stamp = bulk.Stamp.from_context()
        ids = bulk.take_ids(Tag, 2)
        bulk.insert(
            Tag, ["mission_id", "name"], [(ids[0], mission.pk, "a"), (ids[1], mission.pk, "b")],
            stamp=stamp,
        )  # fmt: skip
    assert sorted(Tag.objects.filter(pk__in=ids).values_list("name", flat=True)) == ["a", "b"]
    versions = Tag.history.filter(id__in=ids)
    assert sorted(v.history_type + v.name for v in versions) == ["+a", "+b"]
    assert {v.history_user_id for v in versions} == {officer.pk}


def test_the_drivers_errors_reach_callers_as_djangos(mission):
    writer = bulk.Writer()
    with pytest.raises(IntegrityError), transaction.atomic():
        writer.insert(Tag, ("id", "mission_id", "name"), [(10**6, mission.pk, "a")] * 2)
