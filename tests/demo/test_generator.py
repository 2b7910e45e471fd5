"""The demo generator: the same data from the same seed, every part of the ledger filled, and a
head of mission whose figures read like the example letter ("500-plus days, 22 states")."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from legation.core.access import SYSTEM
from legation.core.audit import version_links
from legation.core.models import Mission, Operation, Region, Sector
from legation.demo import generator
from legation.demo.generator import DEMO_MISSION_REF, demo_sizes, generate
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementParticipant,
    EngagementStaff,
    Fact,
    Kind,
    Posting,
)
from legation.insight.figures import posting_figures
from legation.people.models import EmailAddress, Organisation, Person, PhoneNumber
from legation.people.names import search_grams
from tests import factories

TODAY = dt.date(2024, 6, 15)
SEED = 7


@pytest.fixture
def demo(seeded):
    return generate(size="tiny", seed=SEED, today=TODAY)


def _digest() -> str:
    """A fingerprint of the generated rows that does not depend on their ids."""
    h = hashlib.sha256()
    rows = [
        Person.objects.filter(mission__ref=DEMO_MISSION_REF)
        .order_by("id")
        .values_list("family_name", "given_name", "name_zh", "title", "office", "search_keys"),
        Organisation.objects.order_by("id").values_list("name_en", "name_zh", "region__code"),
        Engagement.objects.order_by("id").values_list(
            "kind", "start", "subject", "region__code", "sensitivity"
        ),
        Engagement.objects.order_by("id").annotate(n=Count("people")).values_list("n"),
        Commitment.objects.order_by("id").values_list("status", "due", "closed_on"),
        Posting.objects.order_by("id").values_list("ref", "arrival", "departure"),
    ]
    for queryset in rows:
        for row in queryset:
            h.update(repr(row).encode())
    return h.hexdigest()


def _us_states_and_dc() -> set[str]:
    return set(
        Region.objects.filter(country="US")
        .filter(Q(is_state=True) | Q(code="US-DC"))
        .values_list("code", flat=True)
    )


def test_same_seed_and_day_give_identical_data(seeded):
    before = transaction.savepoint()
    generate(size="tiny", seed=SEED, today=TODAY)
    first = _digest()
    transaction.savepoint_rollback(before)
    assert not Mission.objects.filter(ref=DEMO_MISSION_REF).exists()

    generate(size="tiny", seed=SEED, today=TODAY)
    assert _digest() == first


def test_another_seed_gives_other_data(seeded):
    before = transaction.savepoint()
    generate(size="tiny", seed=SEED, today=TODAY)
    first = _digest()
    transaction.savepoint_rollback(before)

    generate(size="tiny", seed=SEED + 1, today=TODAY)
    assert _digest() != first


def test_counts_match_the_declared_size(demo):
    expected = demo_sizes()["tiny"]
    assert demo == expected
    mission = Mission.objects.get(ref=DEMO_MISSION_REF)
    assert Person.objects.filter(mission=mission).count() == expected["people"]
    assert Organisation.objects.filter(mission=mission).count() == expected["organisations"]
    assert Engagement.objects.filter(mission=mission).count() == expected["engagements"]
    assert Commitment.objects.filter(engagement__mission=mission).count() == expected["commitments"]
    assert Posting.objects.filter(mission=mission).count() == expected["postings"]
    assert Fact.objects.filter(mission=mission).count() == expected["facts"]


def test_sizes_grow_from_tiny_to_large():
    sizes = demo_sizes()
    assert sizes["small"]["people"] == 2_000
    assert sizes["small"]["engagements"] == 15_000
    assert sizes["large"]["people"] == 100_000
    assert sizes["large"]["engagements"] == 1_000_000
    assert sizes["tiny"]["engagements"] < sizes["small"]["engagements"]


def test_every_state_dc_and_sector_appears(demo):
    wanted = _us_states_and_dc()
    assert len(wanted) == 51
    assert wanted <= set(Person.objects.values_list("region__code", flat=True))
    assert wanted <= set(Engagement.objects.values_list("region__code", flat=True))
    sectors = set(Sector.objects.values_list("code", flat=True))
    assert set(Person.objects.values_list("sector__code", flat=True)) - {None} == sectors
    assert set(Organisation.objects.values_list("sector__code", flat=True)) == sectors


def test_engagements_use_every_kind_and_sensitivity_with_site_types_for_visits(demo):
    assert set(Engagement.objects.values_list("kind", flat=True)) == set(Kind.values)
    visits = Engagement.objects.filter(kind=Kind.SITE_VISIT)
    assert not visits.filter(site_type="").exists()
    assert not Engagement.objects.exclude(kind=Kind.SITE_VISIT).exclude(site_type="").exists()
    total = Engagement.objects.count()
    share = {
        level: Engagement.objects.filter(sensitivity=level).count() / total for level in (0, 1, 2)
    }
    assert 0.12 < share[0] < 0.28
    assert share[1] > 0.6
    assert 0.05 < share[2] < 0.15


def test_engagements_fall_in_working_hours_of_the_three_years_before_today(demo):
    first, last = TODAY - dt.timedelta(days=3 * 365), TODAY - dt.timedelta(days=1)
    starts = list(Engagement.objects.values_list("start", flat=True))
    assert len(starts) == 1_500  # the tiny size
    for start in starts:
        local = timezone.localtime(start)
        assert first <= local.date() <= last
        assert 8 <= local.hour <= 19


def test_each_engagement_has_people_staff_and_at_most_two_organisations(demo):
    counted = Engagement.objects.annotate(
        p=Count("people", distinct=True),
        s=Count("staff", distinct=True),
        o=Count("organisations", distinct=True),
    )
    assert not counted.filter(Q(p__lt=1) | Q(p__gt=3)).exists()
    assert not counted.filter(Q(s__lt=1) | Q(s__gt=2)).exists()
    assert not counted.filter(o__gt=2).exists()
    assert counted.filter(o=0).exists()


def test_staff_postings_are_in_force_on_their_engagement_dates(demo):
    rows = EngagementStaff.objects.values_list(
        "engagement__start", "posting__arrival", "posting__departure"
    )
    assert rows
    for start, arrival, departure in rows:
        day = timezone.localtime(start).date()
        assert arrival <= day
        assert departure is None or day <= departure


def test_commitments_reach_every_status_and_closed_ones_carry_a_date(demo):
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert statuses == {"open", "in_progress", "done", "dropped"}
    closed = Commitment.objects.filter(status__in=["done", "dropped"])
    assert not closed.filter(closed_on__isnull=True).exists()
    assert not closed.filter(closed_on__gt=TODAY).exists()
    assert not Commitment.objects.filter(
        status__in=["open", "in_progress"], closed_on__isnull=False
    )
    assert Commitment.objects.filter(status__in=["open", "in_progress"], due__lt=TODAY).exists()


def test_head_of_mission_has_500_plus_days_and_about_two_dozen_states(demo):
    head = Posting.objects.select_related("person", "mission").get(ref="DEMO-HOM")
    assert (head.role, head.title, head.title_zh, head.departure) == (
        "head_of_mission", "Ambassador", "大使", None,
    )  # fmt: skip
    figures = posting_figures(head, user=SYSTEM, as_of=TODAY)
    assert 500 <= figures["days_in_post"] <= 599
    assert 20 <= figures["states_visited"] <= 28
    assert "US-DC" in figures["regions_visited"]
    assert figures["engagements"] > 0

    previous = Posting.objects.get(ref="DEMO-HOM-PREV")
    assert previous.departure == head.arrival - dt.timedelta(days=1)


def test_staff_are_mission_people_with_chinese_names_and_refs(demo):
    refs = set(Posting.objects.values_list("ref", flat=True))
    assert {"DEMO-HOM", "DEMO-HOM-PREV", "DEMO-P01"} <= refs
    for posting in Posting.objects.select_related("person"):
        person = posting.person
        assert person.name_zh and person.name_order == "eastern"
        assert person.emails.exists()


def test_names_come_in_both_scripts_with_matching_gender(demo):
    people = Person.objects.all()
    total = people.count()
    chinese = people.filter(name_order="eastern").exclude(name_zh="")
    assert 0.08 < chinese.count() / total < 0.25
    transliterated = people.filter(name_zh__contains="·", name_order="western")
    assert transliterated.count() > total * 0.2
    assert not people.exclude(name_zh="").filter(pinyin="").exists()
    assert not people.filter(search_keys="").exists()
    for keys, grams in people.values_list("search_keys", "search_grams"):
        assert grams == search_grams(keys)
    someone_short = people.exclude(name_zh="").first()
    assert someone_short in Person.objects.search(someone_short.name_zh[:2])
    assert not people.filter(title="Mr.").exclude(gender="m").exists()
    assert not people.filter(title="Ms.").exclude(gender="f").exists()
    someone = chinese.first()
    assert someone in Person.objects.search(someone.pinyin)
    assert someone in Person.objects.search(someone.name_zh)


def test_titles_and_offices_follow_the_sector(demo):
    senators = Person.objects.filter(title="Senator", office__startswith="United States Senator")
    assert senators.exists()
    assert all(re.fullmatch(r"(Former )?United States Senator from .+", p.office) for p in senators)
    assert Person.objects.filter(sector__code="business", office__contains=", ").exists()
    academic_titles = set(
        Person.objects.filter(sector__code="academia").values_list("title", flat=True)
    )
    assert {"Dr.", "Professor"} & academic_titles


def test_contacts_are_well_formed(demo):
    emails = list(EmailAddress.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails))
    assert all(e.endswith(".example") and "@" in e for e in emails)
    with_email = Person.objects.filter(emails__isnull=False).distinct().count()
    assert with_email > Person.objects.count() * 0.75
    phones = PhoneNumber.objects.values_list("number", flat=True)
    assert phones and all(re.fullmatch(r"\+1\d{3}555\d{4}", n) for n in phones)


def test_facts_are_there_for_letters_to_cite(demo):
    relations = Fact.objects.get(mission__ref=DEMO_MISSION_REF, key="diplomatic-relations")
    assert relations.label_en == "establishment of diplomatic relations"
    assert relations.date == dt.date(1980, 1, 1)
    assert relations.aliases == ["diplomatic relations", "建交"]
    assert Fact.objects.get(key="population-home").value > 0


def test_text_search_covers_generated_engagements_and_keeps_indexing_new_ones(demo):
    from legation.engagements.search import matching_text

    word = "Demoland"
    expected = Engagement.objects.filter(
        Q(subject__icontains=word) | Q(summary__icontains=word) | Q(notes__icontains=word)
    ).count()
    assert expected > 0
    assert matching_text(Engagement.objects.all(), word).count() == expected

    mission = Mission.objects.get(ref=DEMO_MISSION_REF)
    added = factories.EngagementFactory(mission=mission, subject="Quokka conservation talks")
    assert list(matching_text(Engagement.objects.all(), "Quokka")) == [added]


def _engagement_table_schema() -> list[tuple]:
    """Indexes and triggers of the engagements table, as the database reports them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'engagements_engagement' ORDER BY indexname"
            )
        else:
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master "
                "WHERE tbl_name = 'engagements_engagement' ORDER BY type, name"
            )
        return cursor.fetchall()


def test_text_index_set_aside_for_the_load_comes_back_unchanged(seeded):
    before = _engagement_table_schema()
    generate(size="tiny", seed=SEED, today=TODAY)
    assert _engagement_table_schema() == before


def test_the_batch_is_one_audited_operation_with_a_history_for_every_record(demo):
    operations = Operation.objects.filter(description="demo data generated (size=tiny, seed=7)")
    assert operations.count() == 1
    operation = operations.get()
    for model in (Person, Organisation, Engagement, Commitment, EngagementParticipant):
        created = model.history.filter(history_type="+", operation=operation)
        assert created.count() == model.objects.count() > 0
        assert set(created.values_list("id", flat=True)) == set(
            model.objects.values_list("pk", flat=True)
        )
    assert Person.history.exclude(history_type="+").count() == 0
    # Each "+" version keeps the tags the record was loaded with.
    tagged = Person.objects.filter(tags__isnull=False).distinct().first()
    row = Person.history.get(id=tagged.pk)
    assert set(version_links(row)["tags"]) == set(tagged.tags.values_list("pk", flat=True))


def test_the_first_edit_of_a_demo_record_shows_its_field_changes(demo, seeded):
    from legation.people.services import person_update
    from legation.web.history import entries

    person = Person.objects.order_by("pk").first()
    person_update(actor=SYSTEM, person=person, title="Changed title")
    newest = entries(Person, person.pk, SYSTEM)[0]
    assert [(str(f), new) for f, _old, new in newest["changes"]] == [
        ("honorific or title", "Changed title")
    ]


def test_generating_twice_is_refused(demo):
    with pytest.raises(ValueError, match="exists already"):
        generate(size="tiny", seed=SEED, today=TODAY)
    assert Mission.objects.filter(ref=DEMO_MISSION_REF).count() == 1


def test_rows_written_in_the_background_chunk_by_chunk_all_arrive(seeded, monkeypatch):
    monkeypatch.setattr(generator, "_CHUNK", 256)
    summary = generate(size="tiny", seed=SEED, today=TODAY)
    assert summary == demo_sizes()["tiny"]
    assert Engagement.objects.count() == summary["engagements"]
    assert Commitment.objects.count() == summary["commitments"]
    assert not Engagement.objects.filter(engagementstaff__isnull=True).exists()
    assert not Engagement.objects.filter(engagementparticipant__isnull=True).exists()


def test_a_failed_write_leaves_nothing_behind(seeded, monkeypatch):
    monkeypatch.setattr(generator, "_CHUNK", 256)
    real_write = generator._Writer._write

    def failing(self, sql, rows, extra):
        if "commitment" in sql:
            raise RuntimeError("disk full")
        real_write(self, sql, rows, extra)

    monkeypatch.setattr(generator._Writer, "_write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(size="tiny", seed=SEED, today=TODAY)
    assert not Mission.objects.filter(ref=DEMO_MISSION_REF).exists()
    assert not Person.objects.exists()
    assert not Engagement.objects.exists()


def test_an_unknown_size_is_refused(seeded):
    with pytest.raises(ValueError, match="Unknown demo size"):
        generate(size="huge", today=TODAY)


def test_progress_runs_from_zero_to_one(seeded):
    calls: list[tuple[float, str]] = []
    generate(size="tiny", today=TODAY, progress=lambda f, what: calls.append((f, what)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(what for _, what in calls)


@pytest.mark.parametrize(
    "language, names, never",
    [
        ("en", ["Demolandian Ambassador to the United States"], ["Chinese", "China"]),
        ("zh", ["德莫兰驻美国大使"], ["中国", "中华人民共和国"]),
    ],
)
def test_the_demo_ambassadors_farewell_names_demoland_not_china(
    demo, tmp_path, language, names, never
):
    from legation.letters.compose.letter_template import find_template
    from legation.letters.merge import production as merge

    head = Posting.objects.select_related("person", "mission").get(ref="DEMO-HOM")
    person = Person.objects.filter(mission=head.mission).exclude(pk=head.person_id).first()
    out = tmp_path / f"farewell.{language}.txt"
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template(f"farewell.{language}"), person=person,
        posting=head, letter_date=TODAY, fmt="txt", out=out, personal="", draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    text = out.read_text(encoding="utf-8")
    for name in names:
        assert name in text
    # The letterhead is the mission's own name; the body never calls the envoy Chinese.
    body = "\n".join(text.splitlines()[2:])
    for word in never:
        assert word not in body, word


def test_the_demo_login_holds_the_head_of_missions_posting(demo, client):
    from legation.core.models import Mission
    from legation.engagements.models import Posting
    from legation.ops.management.commands.demo import DEMO_USER, ensure_demo_login

    mission = Mission.objects.get(ref=DEMO_MISSION_REF)
    assert ensure_demo_login(mission)
    head = Posting.objects.get(mission=mission, ref=generator.HEAD_POSTING_REF)
    assert head.user.username == DEMO_USER and head.departure is None
    assert ensure_demo_login(mission) is None  # a rerun changes nothing
    # Logging a meeting, the head of mission is among our participants from the start.
    client.force_login(head.user)
    form = client.get("/engagements/log/").content.decode()
    assert re.search(rf'<input[^>]*name="staff"[^>]*value="{head.pk}"[^>]*checked', form) or (
        re.search(rf'<input[^>]*value="{head.pk}"[^>]*name="staff"[^>]*checked', form)
    )
