"""An edit made on a page is one audited operation: the record, its links (tags, participants,
contact rows) and anything raised with it are written by one service call, under the page's
source and user, never by a second write from the view."""

from __future__ import annotations

import pytest

from legation.core.models import Operation
from tests.web.test_forms_unchanged import edit_form, records  # noqa: F401  (fixture)

CHANGES = {
    "person": {"title": ["Governor"], "tags": ["farewell, peanuts"]},
    "organisation": {"notes": ["Upper house"], "tags": ["congress"]},
    "engagement": {"subject": ["Talk one, again"], "tags": ["farewell"]},
    "commitment": {"description": ["Send the signed book"]},
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_an_edit_through_each_form_is_exactly_one_operation_from_the_web(
    client,
    officer,
    records,  # noqa: F811  (the fixture imported above)
    kind,
):
    record, url = records[kind]
    client.force_login(officer)
    data = edit_form(client.get(url).content.decode(), url)
    data.update(CHANGES[kind])
    model = type(record)
    version = model.objects.get(pk=record.pk).version
    before = set(Operation.objects.values_list("pk", flat=True))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    new = Operation.objects.exclude(pk__in=before)
    assert new.count() == 1
    operation = new.get()
    assert operation.source == Operation.Source.WEB and operation.actor == officer
    saved = model.objects.get(pk=record.pk)
    assert saved.version == version + 1
    latest = model.history.filter(id=record.pk).order_by("-history_id").first()
    assert latest.operation_id == operation.pk
    if "tags" in CHANGES[kind]:
        wanted = {t.strip() for t in CHANGES[kind]["tags"][0].split(",")}
        assert {t.name for t in saved.tags.all()} == wanted
        assert {t.mission_id for t in saved.tags.all()} == {saved.mission_id}
