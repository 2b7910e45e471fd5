"""A person or an organisation is deleted from its own page (no typed address), and the message
says where it can be restored."""

from __future__ import annotations

import pytest

from legation.people import services
from legation.people.models import Organisation, Person

LANGUAGES = [("en", "Delete", "recycle bin"), ("zh-hans", "删除", "回收站")]


@pytest.mark.parametrize(("language", "label", "bin_name"), LANGUAGES)
@pytest.mark.parametrize("kind", ["person", "organisation"])
def test_a_record_is_deleted_from_its_page_and_found_in_the_recycle_bin(
    client, mission, officer, kind, language, label, bin_name
):
    if kind == "person":
        record = services.person_create(
            actor=officer, mission=mission, family_name="Ashford", tags=["farewell"]
        )
        page_url, model = f"/people/{record.pk}/", Person
    else:
        record = services.organisation_create(
            actor=officer, mission=mission, name_en="Ashford University", name_zh="阿什福德大学"
        )
        page_url, model = f"/people/organisations/{record.pk}/", Organisation
    client.force_login(officer)
    client.post("/language/", {"language": language, "next": "/"})
    page = client.get(page_url).content.decode()
    delete_url = f"{page_url}delete/"
    assert f'href="{delete_url}">{label}</a>' in page
    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    done = client.post(delete_url, follow=True)
    assert bin_name in done.content.decode()
    assert not model.objects.filter(pk=record.pk).exists()
    # Listed in the bin, named in the reader's script.
    listed = client.get("/recycle-bin/").content.decode()
    assert (
        "阿什福德大学" if language == "zh-hans" and kind == "organisation" else "Ashford"
    ) in listed


def test_readers_see_no_delete_and_cannot_delete(client, mission, officer, reader):
    org = services.organisation_create(actor=officer, mission=mission, name_en="Farm Bureau")
    person = services.person_create(actor=officer, mission=mission, family_name="Brown")
    client.force_login(reader)
    assert "/delete/" not in client.get(f"/people/{person.pk}/").content.decode()
    assert "/delete/" not in client.get(f"/people/organisations/{org.pk}/").content.decode()
    assert client.post(f"/people/organisations/{org.pk}/delete/").status_code == 403
    assert client.post(f"/people/{person.pk}/delete/").status_code == 403
    assert Organisation.objects.filter(pk=org.pk).exists()
    assert Person.objects.filter(pk=person.pk).exists()


def test_another_missions_organisation_cannot_be_deleted(client, mission, officer, outsider):
    org = services.organisation_create(actor=officer, mission=mission, name_en="Farm Bureau")
    client.force_login(outsider)
    assert client.post(f"/people/organisations/{org.pk}/delete/").status_code == 404
    assert Organisation.objects.filter(pk=org.pk).exists()
