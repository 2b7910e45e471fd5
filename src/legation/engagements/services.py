"""Writes to missions, postings, engagements, commitments and facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from legation.core import access, dates
from legation.core.audit import link_new
from legation.core.deletion import refuse_hidden_dependants
from legation.core.models import Mission, Sensitivity
from legation.core.refs import check_ref
from legation.core.services import (
    apply_fields,
    check_version,
    count_unsaved_edit,
    locked_visible,
    require_visible,
    writing,
)
from legation.core.vocab import resolve_region
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Fact,
    Posting,
)
from legation.people.models import Organisation, Person, Tag
from legation.people.services import tags_from

MISSION_FIELDS = (
    "ref",
    "name_en",
    "name_zh",
    "host_country",
    "kind",
    "sending_country",
    "sending_name_en",
    "sending_adjective_en",
    "sending_name_zh",
    "sending_state_en",
    "sending_state_zh",
    "seat_en",
    "seat_zh",
    "address",
    "letterhead_emblem",
    "letterhead_font",
    "page_size",
)
POSTING_FIELDS = ("ref", "role", "title", "title_zh", "arrival", "departure", "user")
ENGAGEMENT_FIELDS = (
    "ref",
    "kind",
    "start",
    "duration",
    "region",
    "city",
    "site_type",
    "subject",
    "summary",
    "notes",
    "sensitivity",
)
COMMITMENT_FIELDS = (
    "description",
    "direction",
    "requested_by",
    "owner",
    "due",
    "status",
    "resolution",
    "closed_on",
    "sensitivity",
)
FACT_FIELDS = ("key", "label_en", "label_zh", "date", "value", "unit", "aliases", "citation")


def mission_create(*, actor: Any, **fields: Any) -> Mission:
    from legation.core.vocab import seed_regions

    with writing(actor, "core.add_mission", description="create mission"):
        mission = Mission()
        apply_fields(mission, fields, MISSION_FIELDS)
        mission.host_country = (mission.host_country or "US").upper()
        mission.sending_country = (mission.sending_country or "CN").upper()
        mission.full_clean()
        mission.save()
        seed_regions(mission.host_country)
        if getattr(actor, "is_authenticated", False):
            mission.members.add(actor)
            access.forget(actor)
        return mission


def _check_posting_dates(posting: Posting) -> None:
    if posting.departure and posting.arrival and posting.departure < posting.arrival:
        raise ValidationError({"departure": gettext("The departure is before the arrival.")})


def posting_create(*, actor: Any, mission: Mission, person: Person, **fields: Any) -> Posting:
    with writing(actor, "engagements.add_posting", description="create posting"):
        require_visible(Mission.objects, actor, [mission], "mission")
        require_visible(Person.objects, actor, [person], "person")
        posting = Posting(mission=mission, person=person)
        apply_fields(posting, fields, POSTING_FIELDS)
        posting.ref = posting.ref or None
        posting.full_clean(exclude=["mission", "person"], validate_constraints=False)
        check_ref(posting)
        _check_posting_dates(posting)
        posting.save()
        return posting


def posting_update(*, actor: Any, posting: Posting, **fields: Any) -> Posting:
    with writing(actor, "engagements.change_posting", description=f"update posting {posting.pk}"):
        posting = Posting.objects.visible_to(actor).get(pk=posting.pk)
        apply_fields(posting, fields, POSTING_FIELDS)
        posting.ref = posting.ref or None
        posting.full_clean(validate_constraints=False)
        check_ref(posting)
        _check_posting_dates(posting)
        posting.save()
        return posting


def _check_engagement(engagement: Engagement, actor: Any) -> None:
    if isinstance(engagement.start, str):
        try:
            engagement.start = Engagement._meta.get_field("start").to_python(engagement.start)
        except ValidationError as exc:
            raise ValidationError({"start": exc.messages}) from None
        if engagement.start is None:
            raise ValidationError({"start": gettext("A start date is required.")})
    if isinstance(engagement.start, dt.date) and not isinstance(engagement.start, dt.datetime):
        engagement.start = dt.datetime.combine(engagement.start, dt.time(12, 0))
    if isinstance(engagement.start, dt.datetime) and timezone.is_naive(engagement.start):
        engagement.start = timezone.make_aware(engagement.start)
    if isinstance(engagement.start, dt.datetime) and not dates.within(engagement.start):
        raise ValidationError({"start": dates.message(engagement.start)})
    engagement.full_clean(exclude=["mission"])
    check_ref(engagement)
    if engagement.sensitivity > access.clearance(actor):
        raise ValidationError(
            {"sensitivity": gettext("You cannot record an engagement above your own clearance.")}
        )


def _require_participants(people: Sequence[Any], organisations: Sequence[Any]) -> None:
    """An engagement is with someone: at least one person met or one organisation."""
    if not people and not organisations:
        raise ValidationError(
            {
                "people": gettext(
                    "Name at least one person you met or one organisation that took part."
                )
            }
        )


def _all_errors(*checks: Any) -> None:
    """Run every check and refuse with all their errors at once (a form shows them together)."""
    errors: dict[str, Any] = {}
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check_participants(
    actor: Any,
    mission_id: int,
    people: Sequence[Person] | None,
    staff: Sequence[Posting] | None,
    organisations: Sequence[Organisation] | None,
) -> None:
    for group, model, label in (
        (people, Person, "people"),
        (staff, Posting, "staff"),
        (organisations, Organisation, "organisations"),
    ):
        if group is None:
            continue
        require_visible(model.objects, actor, group, label)
        if any(o.mission_id != mission_id for o in group):
            raise ValidationError(
                {label: gettext("Every participant must belong to this mission.")}
            )


def _set_links(engagement: Engagement, model: Any, field: str, wanted: Sequence[Any]) -> bool:
    """Make the engagement's links of one kind exactly `wanted` (rows kept when unchanged);
    whether anything changed."""
    wanted_ids = {o.pk for o in wanted}
    rows = model.objects.filter(engagement=engagement)
    have = set(rows.values_list(f"{field}_id", flat=True))
    for row in rows.exclude(**{f"{field}_id__in": wanted_ids}):
        row.delete()
    for pk in dict.fromkeys(o.pk for o in wanted):
        if pk not in have:
            model.objects.create(engagement=engagement, **{f"{field}_id": pk})
    return have != wanted_ids


def engagement_create(
    *,
    actor: Any,
    mission: Mission,
    people: Sequence[Person] = (),
    staff: Sequence[Posting] = (),
    organisations: Sequence[Organisation] = (),
    tags: Sequence[str] = (),
    commitments: Sequence[dict[str, Any]] = (),
    **fields: Any,
) -> Engagement:
    """Record an engagement with its participants and the commitments raised in it: all of it
    or nothing (one transaction). It names at least one person met or one organisation."""
    with writing(actor, "engagements.add_engagement", description="record engagement"):
        require_visible(Mission.objects, actor, [mission], "mission")
        _check_participants(actor, mission.pk, people, staff, organisations)
        if "region" in fields and not hasattr(fields["region"], "pk"):
            fields["region"] = resolve_region(fields["region"], mission.host_country)
        engagement = Engagement(mission=mission)
        apply_fields(engagement, fields, ENGAGEMENT_FIELDS)
        engagement.ref = engagement.ref or None
        _all_errors(
            lambda: _check_engagement(engagement, actor),
            lambda: _require_participants(people, organisations),
        )
        engagement.save()
        _set_links(engagement, EngagementParticipant, "person", people)
        _set_links(engagement, EngagementStaff, "posting", staff)
        _set_links(engagement, EngagementOrganisation, "organisation", organisations)
        if tags:
            link_new(engagement, "tags", tags_from(tags, mission))
        _create_commitments(actor, engagement, commitments)
        return engagement


def _create_commitments(
    actor: Any, engagement: Engagement, commitments: Sequence[dict[str, Any]]
) -> None:
    """The commitments raised, each refused naming its row (``commitments``, ``1: …``)."""
    for n, data in enumerate(commitments, start=1):
        try:
            commitment_create(actor=actor, engagement=engagement, **data)
        except ValidationError as exc:
            raise ValidationError(
                {
                    "commitments": [
                        gettext("Commitment %(n)s: %(error)s")
                        % {"n": n, "error": " ".join(exc.messages)}
                    ]
                }
            ) from exc


def engagement_update(
    *,
    actor: Any,
    engagement: Engagement,
    people: Sequence[Person] | None = None,
    staff: Sequence[Posting] | None = None,
    organisations: Sequence[Organisation] | None = None,
    tags: Sequence[str] | None = None,
    commitments: Sequence[dict[str, Any]] = (),
    expected_version: int | None = None,
    **fields: Any,
) -> Engagement:
    """Change an engagement, its participants and tags (each list given replaces the one
    saved; None keeps it) and add new commitments, in one transaction: any part refused saves
    nothing. With `expected_version`, an edit made on an older version is refused
    (ConflictError). When the people or organisations are given, at least one must remain."""
    with writing(
        actor, "engagements.change_engagement", description=f"update engagement {engagement.pk}"
    ):
        engagement = locked_visible(Engagement.objects, actor, engagement.pk)
        check_version(engagement, expected_version)
        _check_participants(actor, engagement.mission_id, people, staff, organisations)
        if "region" in fields and not hasattr(fields["region"], "pk"):
            fields["region"] = resolve_region(fields["region"], engagement.mission.host_country)
        changed = apply_fields(engagement, fields, ENGAGEMENT_FIELDS)

        def participants_remain() -> None:
            if people is not None or organisations is not None:
                _require_participants(
                    people if people is not None else list(engagement.people.all()),
                    organisations
                    if organisations is not None
                    else list(engagement.organisations.all()),
                )

        _all_errors(lambda: _check_engagement(engagement, actor), participants_remain)
        if changed:
            engagement.save()
        links_changed = False
        if people is not None:
            links_changed |= _set_links(engagement, EngagementParticipant, "person", people)
        if staff is not None:
            links_changed |= _set_links(engagement, EngagementStaff, "posting", staff)
        if organisations is not None:
            links_changed |= _set_links(
                engagement, EngagementOrganisation, "organisation", organisations
            )
        if tags is not None:
            wanted = tags_from(tags, engagement.mission)
            links_changed |= {t.pk for t in wanted} != set(
                engagement.tags.values_list("pk", flat=True)
            )
            engagement.tags.set(wanted)
        _create_commitments(actor, engagement, commitments)
        if not changed:
            count_unsaved_edit(engagement, links_changed=links_changed or bool(commitments))
        return engagement


def engagement_link(
    *,
    actor: Any,
    engagement: Engagement,
    organisations: Sequence[Organisation] = (),
    tags: Sequence[str | Tag] = (),
) -> Engagement:
    """Add organisations and tags to an engagement, removing none (an import's update). The
    rules of `engagement_update`: each organisation visible to the actor and of the engagement's
    mission, tags of that mission; links added count as a new version of the engagement."""
    with writing(
        actor, "engagements.change_engagement", description=f"link engagement {engagement.pk}"
    ):
        engagement = locked_visible(Engagement.objects, actor, engagement.pk)
        check_version(engagement, None)
        _check_participants(actor, engagement.mission_id, None, None, organisations)
        have = list(engagement.organisations.all())
        links_changed = _set_links(
            engagement, EngagementOrganisation, "organisation", [*have, *organisations]
        )
        if tags:
            wanted = tags_from(tags, engagement.mission_id)
            had = set(engagement.tags.values_list("pk", flat=True))
            links_changed |= not {t.pk for t in wanted} <= had
            engagement.tags.add(*wanted)
        count_unsaved_edit(engagement, links_changed=links_changed)
        return engagement


def engagement_delete(*, actor: Any, engagement: Engagement) -> None:
    with writing(
        actor, "engagements.delete_engagement", description=f"delete engagement {engagement.pk}"
    ):
        engagement = Engagement.objects.visible_to(actor).get(pk=engagement.pk)
        refuse_hidden_dependants(engagement, actor)
        engagement.delete()


def _close_if_finished(commitment: Commitment) -> None:
    finished = commitment.status in (Commitment.Status.DONE, Commitment.Status.DROPPED)
    if finished and commitment.closed_on is None:
        commitment.closed_on = timezone.localdate()
    if not finished:
        commitment.closed_on = None


def _check_commitment(commitment: Commitment, actor: Any) -> None:
    """What a commitment names is the actor's to see and of its engagement's mission, and it is
    recorded no higher than the actor's own clearance."""
    mission_id = commitment.engagement.mission_id
    if commitment.requested_by_id is not None:
        require_visible(Person.objects, actor, [commitment.requested_by], "requested_by")
        if commitment.requested_by.mission_id != mission_id:
            raise ValidationError(
                {"requested_by": gettext("Unknown record: you can only link records you can see.")}
            )
    if commitment.owner_id is not None:
        require_visible(Posting.objects, actor, [commitment.owner], "owner")
        if commitment.owner.mission_id != mission_id:
            raise ValidationError(
                {"owner": gettext("Unknown record: you can only link records you can see.")}
            )
    if commitment.sensitivity > access.clearance(actor):
        raise ValidationError({"sensitivity": gettext("Above your own clearance.")})


def commitment_create(*, actor: Any, engagement: Engagement, **fields: Any) -> Commitment:
    with writing(actor, "engagements.add_commitment", description="record commitment"):
        require_visible(Engagement.objects, actor, [engagement], "engagement")
        commitment = Commitment(engagement=engagement)
        fields.setdefault("sensitivity", engagement.sensitivity)
        apply_fields(commitment, fields, COMMITMENT_FIELDS)
        _close_if_finished(commitment)
        commitment.full_clean(exclude=["engagement"])
        _check_commitment(commitment, actor)
        commitment.save()
        return commitment


def commitment_update(
    *, actor: Any, commitment: Commitment, expected_version: int | None = None, **fields: Any
) -> Commitment:
    with writing(
        actor, "engagements.change_commitment", description=f"update commitment {commitment.pk}"
    ):
        commitment = locked_visible(Commitment.objects, actor, commitment.pk)
        check_version(commitment, expected_version)
        changed = apply_fields(commitment, fields, COMMITMENT_FIELDS)
        closed_on = commitment.closed_on
        _close_if_finished(commitment)
        commitment.full_clean()
        _check_commitment(commitment, actor)
        if changed or commitment.closed_on != closed_on:
            commitment.save()
        else:
            count_unsaved_edit(commitment, links_changed=False)
        return commitment


def mission_update(*, actor: Any, mission: Mission, **fields: Any) -> Mission:
    with writing(actor, "core.change_mission", description=f"update mission {mission.pk}"):
        from legation.core.vocab import seed_regions

        mission = Mission.objects.visible_to(actor).get(pk=mission.pk)
        before = mission.host_country
        apply_fields(mission, fields, MISSION_FIELDS)
        mission.full_clean()
        mission.save()
        if mission.host_country != before:  # the new host country's regions, as at creation
            seed_regions(mission.host_country)
        return mission


def _require_shared_fact_editor(mission: Mission | None, actor: Any) -> None:
    """A shared fact (no mission) is read by every mission's letter checks: only the operator or a
    superuser records or changes one, never one mission's staff."""
    if mission is None and not access.sees_all_missions(actor):
        raise PermissionDenied(
            gettext(
                "Shared facts are read by every mission: only the operator can record or "
                "change them."
            )
        )


def _split_aliases(fact: Fact) -> None:
    """Aliases given as one text ("1.7 billion; 17亿") are kept as a list, on create and update."""
    if isinstance(fact.aliases, str):
        fact.aliases = [a.strip() for a in fact.aliases.split(";") if a.strip()]


def fact_update(*, actor: Any, fact: Fact, **fields: Any) -> Fact:
    with writing(actor, "engagements.change_fact", description=f"update fact {fact.pk}"):
        fact = Fact.objects.visible_to(actor).get(pk=fact.pk)
        _require_shared_fact_editor(fact.mission, actor)
        apply_fields(fact, fields, FACT_FIELDS)
        _split_aliases(fact)
        fact.full_clean()
        fact.save()
        return fact


def fact_create(*, actor: Any, mission: Mission | None = None, **fields: Any) -> Fact:
    with writing(actor, "engagements.add_fact", description="record fact"):
        if mission is not None:
            require_visible(Mission.objects, actor, [mission], "mission")
        _require_shared_fact_editor(mission, actor)
        fact = Fact(mission=mission)
        apply_fields(fact, fields, FACT_FIELDS)
        _split_aliases(fact)
        fact.full_clean()
        fact.save()
        return fact


__all__ = [
    "Sensitivity",
    "commitment_create",
    "commitment_update",
    "engagement_create",
    "engagement_delete",
    "engagement_link",
    "engagement_update",
    "fact_create",
    "mission_create",
    "posting_create",
    "posting_update",
]
