"""The audit trail: who changed what, from where, field by field; restore; append-only."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError

from legation.core.audit import RestoreError, audit, restore_deleted
from legation.core.models import Operation, SecurityEvent
from legation.core.signals import AuditLogIsAppendOnly
from legation.engagements import services as engagement_services
from legation.engagements.models import Engagement
from legation.people import services
from legation.people.models import Person


def test_create_edit_delete_are_recorded_with_user_and_field_changes(mission, officer):
    person = services.person_create(
        actor=officer, mission=mission, family_name="Brown", given_name="Sherrod", title="Senator"
    )
    services.person_update(actor=officer, person=person, title="Governor")
    services.person_delete(actor=officer, person=person)

    history = list(Person.history.filter(id=person.pk).order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.history_user for h in history} == {officer}
    delta = history[1].diff_against(history[0])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title", "Senator", "Governor")]
    operations = {h.operation for h in history}
    assert len(operations) == 3
    assert all(op.actor == officer and op.source == "command" for op in operations)


def test_a_write_joins_the_operation_of_its_caller(mission, officer):
    with audit(actor=officer, source="import", description="import people.csv") as ctx:
        for name in ["A", "B", "C"]:
            services.person_create(actor=officer, mission=mission, family_name=name)
    rows = Person.history.filter(operation=ctx.operation)
    assert rows.count() == 3
    assert ctx.operation.description == "import people.csv"
    assert ctx.operation.source == "import"
    assert set(rows.values_list("source", flat=True)) == {"import"}


def test_deleted_person_is_restored_with_contacts_and_engagements(
    mission, officer, ambassador_posting
):
    person = services.person_create(
        actor=officer,
        mission=mission,
        family_name="Carter",
        given_name="Jimmy",
        emails=["jimmy@example.org"],
        phones=["+1 404 555 0100"],
        notes=["Met at the centre"],
    )
    engagement = engagement_services.engagement_create(
        actor=officer,
        mission=mission,
        kind="meeting",
        start="2022-05-01 10:00",
        subject="Peace",
        people=[person],
        staff=[ambassador_posting],
    )
    pk = person.pk
    services.person_delete(actor=officer, person=person)
    assert not Person.objects.filter(pk=pk).exists()
    assert engagement.people.count() == 0

    restored = restore_deleted(Person, pk, actor=officer)
    assert restored.full_name == "Jimmy Carter"
    assert list(restored.emails.values_list("email", flat=True)) == ["jimmy@example.org"]
    assert restored.phones.count() == 1
    assert restored.notes.count() == 1
    assert list(Engagement.objects.get(pk=engagement.pk).people.all()) == [restored]
    last = Person.history.filter(id=pk).latest("history_date")
    assert last.history_type == "+" and last.history_user == officer


def test_restoring_a_record_that_exists_or_never_existed_is_refused(mission, officer):
    person = services.person_create(actor=officer, mission=mission, family_name="A")
    with pytest.raises(RestoreError):
        restore_deleted(Person, person.pk)
    with pytest.raises(RestoreError):
        restore_deleted(Person, 999_999)


def test_undelete_command_restores_a_person(mission, officer):
    person = services.person_create(actor=officer, mission=mission, family_name="Lost")
    services.person_delete(actor=officer, person=person)
    call_command("undelete", "people.person", str(person.pk))
    assert Person.objects.filter(pk=person.pk, family_name="Lost").exists()


def test_audit_log_cannot_be_edited_or_deleted(mission, officer):
    person = services.person_create(actor=officer, mission=mission, family_name="A")
    row = Person.history.get(id=person.pk)
    row.family_name = "Forged"
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        row.save()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        row.delete()
    # An operation is protected by its rows, and by the guard once it has none.
    with pytest.raises((AuditLogIsAppendOnly, ProtectedError)), transaction.atomic():
        Operation.objects.first().delete()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        Operation.objects.create(source="system").delete()
    assert Person.history.get(id=person.pk).family_name == "A"


def test_admin_offers_no_way_to_change_the_audit_log(admin_client):
    page = admin_client.get("/admin/core/operation/")
    assert page.status_code == 200
    assert b"/admin/core/operation/add/" not in page.content
    assert admin_client.get("/admin/core/operation/add/").status_code == 403
    op_count = Operation.objects.count()
    page = admin_client.post("/admin/core/operation/", {"action": "delete_selected"})
    assert Operation.objects.count() == op_count


def test_web_changes_are_attributed_to_the_user_and_the_web(client, mission, officer):
    officer.is_staff = True
    officer.save()
    person = services.person_create(actor=officer, mission=mission, family_name="Web")
    client.force_login(officer)
    page = client.post(
        f"/admin/people/person/{person.pk}/delete/", {"post": "yes"}, REMOTE_ADDR="10.1.2.3"
    )
    assert page.status_code == 302
    deleted = Person.history.get(id=person.pk, history_type="-")
    assert deleted.history_user == officer
    assert deleted.source == "web"
    assert deleted.operation.remote_addr == "10.1.2.3"


def test_deleted_records_page_restores_through_the_admin(client, mission, officer):
    officer.is_staff = True
    officer.save()
    person = services.person_create(actor=officer, mission=mission, family_name="Gone")
    services.person_delete(actor=officer, person=person)
    client.force_login(officer)
    page = client.get("/admin/people/person/deleted/")
    assert b"Gone" in page.content
    client.post(f"/admin/people/person/deleted/{person.pk}/restore/")
    assert Person.objects.filter(pk=person.pk).exists()
    assert SecurityEvent.objects.filter(kind="restore", user=officer).exists()


def test_deleted_records_of_another_mission_are_not_listed(client, mission, officer, outsider):
    outsider.is_staff = True
    outsider.save()
    person = services.person_create(actor=officer, mission=mission, family_name="Secret")
    services.person_delete(actor=officer, person=person)
    client.force_login(outsider)
    page = client.get("/admin/people/person/deleted/")
    assert b"Secret" not in page.content
    client.post(f"/admin/people/person/deleted/{person.pk}/restore/")
    assert not Person.objects.filter(pk=person.pk).exists()


def test_the_history_manager_class_is_made_once(officer, mission):
    """Reading `.history` (the library does on every save) reuses one manager class per model
    instead of making a new one by inspection; the managers still answer for their record."""
    from legation.people.models import Person
    from tests import factories

    assert type(Person.history) is type(Person.history)
    one, two = factories.PersonFactory(mission=mission), factories.PersonFactory(mission=mission)
    assert type(one.history) is type(two.history)
    assert {h.id for h in one.history.all()} == {one.pk}
    assert {h.id for h in Person.history.filter(id__in=[one.pk, two.pk])} == {one.pk, two.pk}
