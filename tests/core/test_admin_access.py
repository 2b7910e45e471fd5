"""The admin shows and accepts only what each persona may see: lists, change pages, inlines,
selectors (choices, raw ids, autocomplete, filters), forged POSTs, delete pages, history, logins."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from legation.core.models import Profile, Sensitivity
from legation.engagements.models import (
    Commitment,
    EngagementParticipant,
    EngagementStaff,
    Posting,
)
from legation.people.models import Person, PersonNote, Tag
from tests import factories

PUB, INT, RES = Sensitivity.PUBLIC, Sensitivity.INTERNAL, Sensitivity.RESTRICTED

# persona fixture: the commitment levels they see on a public engagement of their mission
LEVELS = {
    "public_reader": {PUB},
    "reader": {PUB, INT},
    "assistant": {PUB, INT},
    "internal_officer": {PUB, INT},
    "officer": {PUB, INT, RES},
    "head": {PUB, INT, RES},
    "outsider": set(),
}


@pytest.fixture
def world(mission, other_mission, ambassador_posting):
    """A public engagement of our mission with a commitment at each level, a person with a note
    at each level, a tag on a restricted engagement, and the other mission's own records."""
    carter = factories.PersonFactory(mission=mission, family_name="Carter", given_name="Jimmy")
    for level in (PUB, INT, RES):
        PersonNote.objects.create(person=carter, text=f"note-{level}", sensitivity=level)
    talk = factories.EngagementFactory(
        mission=mission,
        subject="open-talk",
        sensitivity=PUB,
        people=[carter],
        staff=[ambassador_posting],
    )
    for level in (PUB, INT, RES):
        factories.CommitmentFactory(
            engagement=talk, description=f"promise-{level}", sensitivity=level
        )
    secret = factories.EngagementFactory(mission=mission, subject="secret-talk", sensitivity=RES)
    secret.tags.add(Tag.objects.create(name="secret-tag", mission=mission))
    carter.tags.add(Tag.objects.create(name="our-tag", mission=mission))
    far = factories.PersonFactory(mission=other_mission, family_name="Faraway")
    far_posting = factories.PostingFactory(mission=other_mission, person=far, ref="P-FAR")
    elsewhere = factories.EngagementFactory(
        mission=other_mission, subject="elsewhere", sensitivity=PUB, people=[far]
    )
    factories.OrganisationFactory(mission=other_mission, name_en="Other Org")
    factories.OrganisationFactory(mission=mission, name_en="Our Org")
    return {
        "carter": carter,
        "talk": talk,
        "secret": secret,
        "far": far,
        "far_posting": far_posting,
        "elsewhere": elsewhere,
    }


@pytest.fixture
def administrator(mission):
    return factories.user_with_role("admin1", "administrator", [mission], INT)


def _url(obj, view="change"):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/{view}/"


class _Form(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def form_data(page) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(page.content.decode())
    data = parser.data
    for name, values in data.items():
        if name.endswith("-TOTAL_FORMS") or name.endswith("-INITIAL_FORMS"):
            continue
        if len(values) == 1 and values[0].startswith("\n"):
            values[0] = values[0][1:]  # a textarea's first newline is not part of its value
    return data


def add_inline_form(data, prefix: str, fields: dict[str, str], *, existing: bool) -> None:
    """Append a form to an inline formset (`existing`: as one of its initial forms)."""
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    initial = int(data[f"{prefix}-INITIAL_FORMS"][0])
    if existing:
        # Shift the extra forms up by one so the forged form sits among the initial ones.
        for name in [n for n in data if n.startswith(f"{prefix}-")]:
            rest = name[len(prefix) + 1 :]
            index, _, field = rest.partition("-")
            if index.isdigit() and int(index) >= initial:
                data[f"{prefix}-{int(index) + 1}-{field}"] = data.pop(name)
        slot = initial
        data[f"{prefix}-INITIAL_FORMS"] = [str(initial + 1)]
    else:
        slot = total
    for name, value in fields.items():
        data[f"{prefix}-{slot}-{name}"] = [value]
    data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]


# 1. Inlines follow clearance ------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(LEVELS))
def test_engagement_page_lists_only_the_commitments_of_the_viewers_clearance(
    request, client, world, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(_url(world["talk"]))
    if not LEVELS[persona]:
        assert page.status_code in (302, 404)
        page = client.get(_url(world["talk"]), follow=True)
    else:
        assert page.status_code == 200
    for level in (PUB, INT, RES):
        assert (f"promise-{level}".encode() in page.content) == (level in LEVELS[persona]), level


@pytest.mark.parametrize("persona", sorted(LEVELS))
def test_person_page_lists_only_the_notes_of_the_viewers_clearance(request, client, world, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(_url(world["carter"]), follow=True)
    for level in (PUB, INT, RES):
        assert (f"note-{level}".encode() in page.content) == (level in LEVELS[persona]), level


@pytest.mark.parametrize("delete", [False, True])
def test_internal_officer_cannot_edit_or_delete_a_restricted_commitment_by_forged_post(
    client, world, internal_officer, delete
):
    talk = world["talk"]
    hidden = Commitment.objects.get(description="promise-2")
    client.force_login(internal_officer)
    data = form_data(client.get(_url(talk)))
    ids = {k: v[0] for k, v in data.items() if k.startswith("commitments-") and k.endswith("-id")}
    slot = next((k[: -len("-id")] for k, v in ids.items() if v == str(hidden.pk)), None)
    if slot is None:  # not on the page: forge the form a browser was never given
        add_inline_form(
            data,
            "commitments",
            {
                "id": str(hidden.pk),
                "engagement": str(talk.pk),
                "description": "promise-2",
                "direction": "ours",
                "status": "open",
                "sensitivity": str(RES),
            },
            existing=True,
        )
        slot = next(
            k[: -len("-id")]
            for k, v in data.items()
            if k.startswith("commitments-") and k.endswith("-id") and v == [str(hidden.pk)]
        )
    data[f"{slot}-description"] = ["forged"]
    data[f"{slot}-sensitivity"] = [str(PUB)]
    if delete:
        data[f"{slot}-DELETE"] = ["on"]
    versions = talk.history.count()
    page = client.post(_url(talk), data)
    hidden.refresh_from_db()
    assert hidden.description == "promise-2"
    assert hidden.sensitivity == RES
    # Refused with the page again, not answered "saved" with an empty change in the history.
    assert page.status_code == 200
    assert b"<title>Error:" in page.content and b"errornote" in page.content
    assert talk.history.count() == versions


def test_a_new_inline_row_above_the_editors_clearance_is_refused(client, world, internal_officer):
    talk = world["talk"]
    client.force_login(internal_officer)
    data = form_data(client.get(_url(talk)))
    add_inline_form(
        data,
        "commitments",
        {
            "engagement": str(talk.pk),
            "description": "too-high",
            "direction": "ours",
            "status": "open",
            "sensitivity": str(RES),
        },
        existing=False,
    )
    page = client.post(_url(talk), data)
    assert page.status_code == 200  # the page again, with the error
    assert not Commitment.objects.filter(description="too-high").exists()


def test_a_visible_inline_row_is_still_edited(client, world, internal_officer):
    """The filter hides rows; it does not stop the viewer editing what they may see."""
    talk = world["talk"]
    client.force_login(internal_officer)
    data = form_data(client.get(_url(talk)))
    visible = Commitment.objects.get(description="promise-1")
    slot = next(
        k[: -len("-id")]
        for k, v in data.items()
        if k.startswith("commitments-") and k.endswith("-id") and v == [str(visible.pk)]
    )
    data[f"{slot}-description"] = ["promise-1 updated"]
    page = client.post(_url(talk), data)
    assert page.status_code == 302, page.content.decode()[:3000]
    visible.refresh_from_db()
    assert visible.description == "promise-1 updated"
    assert Commitment.objects.filter(description="promise-2").exists()  # hidden row untouched


# 2. Selectors follow the mission ---------------------------------------------------------------


def test_other_missions_officer_sees_no_posting_or_person_of_ours_in_selectors(
    client, world, outsider
):
    client.force_login(outsider)
    elsewhere = world["elsewhere"]
    page = client.get(_url(elsewhere))
    assert page.status_code == 200
    assert b"Qin" not in page.content and b"P-HOM" not in page.content
    assert b"Carter" not in page.content
    assert b"P-FAR" in page.content or b"Faraway" in page.content
    page = client.get("/admin/engagements/commitment/add/")
    assert b"Qin" not in page.content
    page = client.get("/admin/engagements/posting/")
    assert b"Qin" not in page.content and b"Faraway" in page.content


def test_other_missions_officer_cannot_link_our_person_by_raw_id(client, world, outsider):
    elsewhere, carter = world["elsewhere"], world["carter"]
    client.force_login(outsider)
    data = form_data(client.get(_url(elsewhere)))
    add_inline_form(
        data,
        "engagementparticipant_set",
        {"engagement": str(elsewhere.pk), "person": str(carter.pk), "role": ""},
        existing=False,
    )
    page = client.post(_url(elsewhere), data)
    assert page.status_code == 200
    assert b"Select a valid choice" in page.content
    assert b"Carter" not in page.content
    assert not EngagementParticipant.objects.filter(engagement=elsewhere, person=carter).exists()


def test_other_missions_officer_cannot_link_our_posting_as_staff(client, world, outsider):
    elsewhere = world["elsewhere"]
    ours = Posting.objects.get(ref="P-HOM")
    client.force_login(outsider)
    data = form_data(client.get(_url(elsewhere)))
    add_inline_form(
        data,
        "engagementstaff_set",
        {"engagement": str(elsewhere.pk), "posting": str(ours.pk)},
        existing=False,
    )
    page = client.post(_url(elsewhere), data)
    assert page.status_code == 200
    assert not EngagementStaff.objects.filter(engagement=elsewhere, posting=ours).exists()


def test_other_missions_officer_cannot_name_our_person_on_a_commitment(client, world, outsider):
    carter = world["carter"]
    client.force_login(outsider)
    page = client.post(
        "/admin/engagements/commitment/add/",
        {
            "engagement": str(world["elsewhere"].pk),
            "description": "ask",
            "direction": "theirs",
            "requested_by": str(carter.pk),
            "status": "open",
            "sensitivity": str(PUB),
        },
    )
    assert page.status_code == 200
    assert b"Select a valid choice" in page.content
    assert b"Carter" not in page.content
    assert not Commitment.objects.filter(description="ask").exists()


def test_links_across_ones_own_missions_are_refused(client, world, mission, other_mission):
    """A user of two missions may not link one mission's person to the other's engagement."""
    both = factories.user_with_role("both", "officer", [mission, other_mission], RES)
    elsewhere, carter = world["elsewhere"], world["carter"]
    client.force_login(both)
    data = form_data(client.get(_url(elsewhere)))
    add_inline_form(
        data,
        "engagementparticipant_set",
        {"engagement": str(elsewhere.pk), "person": str(carter.pk), "role": ""},
        existing=False,
    )
    page = client.post(_url(elsewhere), data)
    assert page.status_code == 200
    assert not EngagementParticipant.objects.filter(engagement=elsewhere, person=carter).exists()


def _autocomplete(client, app, model, field, term=""):
    page = client.get(
        "/admin/autocomplete/",
        {"app_label": app, "model_name": model, "field_name": field, "term": term},
    )
    assert page.status_code == 200, page.status_code
    return [r["text"] for r in json.loads(page.content)["results"]]


@pytest.mark.parametrize("persona", ["outsider", "public_reader", "officer"])
def test_autocomplete_offers_only_visible_rows(request, client, world, persona):
    client.force_login(request.getfixturevalue(persona))
    orgs = _autocomplete(client, "people", "affiliation", "organisation", "Org")
    people = _autocomplete(client, "engagements", "commitment", "requested_by", "")
    tags = _autocomplete(client, "people", "person", "tags")
    if persona == "outsider":
        assert orgs == ["Other Org"]
        assert not any("Carter" in p for p in people)
        assert "our-tag" not in tags and "secret-tag" not in tags
    else:
        assert orgs == ["Our Org"]
        assert any("Carter" in p for p in people) and not any("Faraway" in p for p in people)
        assert "our-tag" in tags
        assert ("secret-tag" in tags) == (persona == "officer")


def test_list_filters_offer_only_visible_missions(client, world, outsider, mission, other_mission):
    factories.MissionFactory(ref="CG-NY", name_en="Consulate General in New York")
    client.force_login(outsider)
    for url in ("/admin/people/person/", "/admin/engagements/posting/"):
        page = client.get(url)
        assert page.status_code == 200
        assert b"Embassy in the United States" not in page.content, url
        assert b"Consulate General in New York" not in page.content, url
    both = factories.user_with_role("both", "officer", [mission, other_mission], RES)
    client.force_login(both)
    page = client.get("/admin/people/person/")
    assert b"Embassy in the United States" in page.content
    assert b"Consulate General in San Francisco" in page.content
    assert b"Consulate General in New York" not in page.content


def test_tags_of_hidden_records_are_not_listed(client, world, outsider, internal_officer, officer):
    client.force_login(outsider)
    page = client.get("/admin/people/tag/")
    assert b"our-tag" not in page.content and b"secret-tag" not in page.content
    client.force_login(internal_officer)
    page = client.get("/admin/people/tag/")
    assert b"our-tag" in page.content and b"secret-tag" not in page.content
    client.force_login(officer)
    assert b"secret-tag" in client.get("/admin/people/tag/").content


def test_delete_page_refuses_without_naming_hidden_dependants(client, world, internal_officer):
    """A delete that would take a hidden record along is refused; the page names none of them."""
    client.force_login(internal_officer)
    page = client.get(_url(world["talk"], "delete"))
    assert page.status_code == 200
    assert b"promise-2" not in page.content
    assert b"not cleared to see" in page.content
    page = client.get(_url(world["carter"], "delete"))
    assert b"note-2" not in page.content and b"not cleared to see" in page.content


def test_history_of_a_hidden_profile_or_tag_is_not_found(
    client, world, officer, outsider, other_mission
):
    client.force_login(outsider)
    tag = Tag.objects.get(name="our-tag")
    assert client.get(_url(tag, "history")).status_code == 404
    their_admin = factories.user_with_role("admin2", "administrator", [other_mission], INT)
    client.force_login(their_admin)
    profile = Profile.objects.get(user=officer)
    assert client.get(_url(profile, "history")).status_code == 404
    assert client.get(_url(Profile.objects.get(user=outsider), "history")).status_code == 200


# Logins, profiles, groups, missions and postings: scoped to the administrator's missions -------


def test_administrator_manages_only_the_logins_of_their_missions(
    client, world, administrator, officer, outsider
):
    client.force_login(administrator)
    page = client.get("/admin/auth/user/")
    assert page.status_code == 200
    assert b"officer" in page.content and b"outsider" not in page.content
    assert client.get(_url(outsider)).status_code in (302, 404)
    page = client.get("/admin/core/profile/")
    assert b"outsider" not in page.content
    page = client.get(_url(world["carter"].mission))
    assert page.status_code == 200
    assert b"outsider" not in page.content  # the members selector
    page = client.get("/admin/engagements/posting/add/")
    assert b"outsider" not in page.content and b"Faraway" not in page.content


def test_administrator_cannot_raise_themselves(client, world, administrator):
    client.force_login(administrator)
    page = client.get(_url(administrator))
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content
    assert b'name="user_permissions"' not in page.content
    assert b'name="groups"' not in page.content  # one's own roles are set by someone else
    head = Group.objects.get(name="head_of_mission")
    data = form_data(page)
    data["is_superuser"] = ["on"]
    data["groups"] = [str(head.pk)]
    client.post(_url(administrator), data)
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert not administrator.groups.filter(name="head_of_mission").exists()
    # Role definitions are shared by every mission: read-only to mission administrators.
    page = client.post(_url(head), {"name": "head_of_mission", "permissions": []})
    assert page.status_code == 403
    assert head.permissions.exists()


def test_administrator_cannot_change_a_login_shared_with_another_mission(
    client, world, administrator, mission, other_mission
):
    shared = factories.user_with_role("shared", "officer", [mission, other_mission], INT)
    client.force_login(administrator)
    page = client.post(_url(shared, "password"), {"password1": "a", "password2": "a"})
    assert page.status_code == 403
    page = client.post(_url(shared, "delete"), {"post": "yes"})
    assert page.status_code == 403
    assert get_user_model().objects.filter(pk=shared.pk).exists()


@pytest.mark.parametrize(
    ("role", "level", "manageable"),
    [
        ("reader", INT, True),
        ("officer", INT, True),
        ("officer", RES, False),  # sees restricted records the administrator does not
        ("head_of_mission", PUB, False),  # full clearance whatever the profile says
        ("administrator", INT, False),  # a peer
    ],
)
def test_administrator_cannot_take_over_a_login_that_sees_as_much_or_more(
    client, world, administrator, mission, role, level, manageable
):
    """Resetting a password is taking the login over: an administrator (internal) may do it only
    for logins that see less than they do, never a peer's or a restricted officer's."""
    target = factories.user_with_role("target", role, [mission], level)
    client.force_login(administrator)
    page = client.post(
        _url(target, "password"),
        {"password1": "another-Long-pass-77", "password2": "another-Long-pass-77"},
    )
    target.refresh_from_db()
    assert target.check_password("another-Long-pass-77") == manageable
    assert page.status_code == (302 if manageable else 403)
    page = client.post(_url(target, "delete"), {"post": "yes"})
    assert get_user_model().objects.filter(pk=target.pk).exists() != manageable


def test_a_login_created_by_an_administrator_joins_their_missions(
    client, world, administrator, mission
):
    client.force_login(administrator)
    page = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "password1": "a-Long-pass-word-77",
            "password2": "a-Long-pass-word-77",
            "usable_password": "true",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    user = get_user_model().objects.get(username="newcomer")
    assert list(user.legation_missions.all()) == [mission]


# Every admin of the project applies the rule -----------------------------------------------------


def test_every_admin_and_inline_applies_the_access_rule():
    from legation.core.admin import ReadOnlyAdmin
    from legation.core.admin_access import AccessInline, AccessModelAdmin

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"core", "people", "engagements", "auth"}:
            continue
        assert isinstance(model_admin, (AccessModelAdmin, ReadOnlyAdmin)), model
        for inline in model_admin.inlines:
            assert issubclass(inline, AccessInline), inline


def test_admins_of_other_apps_are_open_to_no_role():
    """Background tasks are not scoped by mission: no role may see them,
    only superusers."""
    from legation.core.access import ROLES
    from legation.core.admin_access import AccessModelAdmin

    granted = {perm for role in ROLES.values() for perm in role.permissions}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, AccessModelAdmin):
            opts = model._meta
            for action in ("view", "add", "change", "delete"):
                assert f"{opts.app_label}.{action}_{opts.model_name}" not in granted, model


MATRIX = ["public_reader", "reader", "assistant", "internal_officer", "officer", "head"]
OURS = ["Carter", "open-talk", "Our Org", "Qin", "promise-0", "note-0", "our-tag"]
THEIRS = ["Faraway", "elsewhere", "Other Org", "P-FAR"]
RESTRICTED = ["secret-talk", "promise-2", "note-2", "secret-tag"]


def _changelists():
    return [
        f"/admin/{m._meta.app_label}/{m._meta.model_name}/"
        for m in admin.site._registry
        if m._meta.app_label in {"core", "people", "engagements", "auth"}
    ]


@pytest.mark.parametrize("persona", [*MATRIX, "outsider", "administrator"])
def test_persona_matrix_over_every_changelist(request, client, world, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    cleared = persona in ("officer", "head")
    for url in _changelists():
        page = client.get(url)
        assert page.status_code in (200, 403), url
        text = page.content.decode()
        hidden = THEIRS if persona != "outsider" else OURS
        if not cleared:
            hidden = hidden + RESTRICTED
        for word in hidden:
            assert word not in text, (url, word)
        if persona == "outsider" and page.status_code == 200 and "/people/person/" in url:
            assert "Faraway" in text
        if cleared and "/engagements/engagement/" in url:
            assert "secret-talk" in text


@pytest.mark.parametrize("persona", [*MATRIX, "outsider"])
def test_persona_matrix_over_autocomplete_endpoints(request, client, world, persona):
    client.force_login(request.getfixturevalue(persona))
    fields = [
        ("people", "affiliation", "organisation"),
        ("engagements", "commitment", "requested_by"),
        ("engagements", "commitment", "engagement"),
        ("engagements", "engagementstaff", "posting"),
        ("people", "person", "tags"),
        ("people", "person", "mission"),
    ]
    cleared = persona in ("officer", "head")
    answered = 0
    for app, model, field in fields:
        page = client.get(
            "/admin/autocomplete/",
            {"app_label": app, "model_name": model, "field_name": field, "term": ""},
        )
        if page.status_code in (403, 404):  # no view permission, or no search on the target
            continue
        answered += 1
        texts = " ".join(r["text"] for r in json.loads(page.content)["results"])
        hidden = THEIRS if persona != "outsider" else OURS
        if not cleared:
            hidden = hidden + RESTRICTED
        for word in hidden:
            assert word not in texts, (model, field, word)
    assert answered >= 3


def test_a_person_save_through_the_admin_refreshes_search_keys(client, world, officer):
    carter = world["carter"]
    client.force_login(officer)
    data = form_data(client.get(_url(carter)))
    data["family_name"] = ["Carterson"]
    page = client.post(_url(carter), data)
    assert page.status_code == 302, page.content.decode()[:3000]
    assert Person.objects.get(pk=carter.pk).search_keys.count("carterson") >= 1


def test_a_commitment_closed_through_the_admin_gets_its_closing_date(client, world, officer):
    talk = world["talk"]
    client.force_login(officer)
    data = form_data(client.get(_url(talk)))
    done = Commitment.objects.get(description="promise-0")
    slot = next(
        k[: -len("-id")]
        for k, v in data.items()
        if k.startswith("commitments-") and k.endswith("-id") and v == [str(done.pk)]
    )
    data[f"{slot}-status"] = ["done"]
    assert client.post(_url(talk), data).status_code == 302
    done.refresh_from_db()
    assert done.status == "done" and done.closed_on is not None


@pytest.mark.parametrize("persona", [*MATRIX, "outsider", "administrator"])
def test_persona_matrix_over_change_and_add_pages(request, client, world, persona):
    """Every selector of every page a persona can open offers none of what they may not see."""
    user = request.getfixturevalue(persona)
    client.force_login(user)
    if persona == "outsider":
        records = [world["elsewhere"], world["far"], world["far_posting"], world["far"].mission]
        hidden = OURS
    else:
        records = [world["talk"], world["carter"], Posting.objects.get(ref="P-HOM")]
        records.append(world["carter"].mission)
        hidden = THEIRS + ([] if persona in ("officer", "head") else RESTRICTED)
    urls = [_url(r) for r in records] + [url + "add/" for url in _changelists()]
    opened = 0
    for url in urls:
        page = client.get(url)
        assert page.status_code in (200, 403), url
        opened += page.status_code == 200
        text = page.content.decode()
        for word in hidden:
            assert word not in text, (url, word)
    assert opened >= 3


def test_administrator_grants_no_more_than_they_have(client, world, administrator, mission):
    """An administrator (internal) cannot give a login the head of mission's full clearance, nor a
    profile a restricted clearance."""
    target = factories.user_with_role("target", "reader", [mission], PUB)
    client.force_login(administrator)
    head = Group.objects.get(name="head_of_mission")
    officer = Group.objects.get(name="officer")
    page = client.get(_url(target))
    assert f'value="{officer.pk}"'.encode() in page.content
    assert f'value="{head.pk}"'.encode() not in page.content
    data = form_data(page)
    data["groups"] = [str(head.pk)]
    page = client.post(_url(target), data)
    assert page.status_code == 200 and b"Select a valid choice" in page.content
    assert not target.groups.filter(name="head_of_mission").exists()
    profile = Profile.objects.get(user=target)
    data = form_data(client.get(_url(profile)))
    data["clearance"] = [str(RES)]
    page = client.post(_url(profile), data)
    assert page.status_code == 200
    profile.refresh_from_db()
    assert profile.clearance == PUB
    data["clearance"] = [str(INT)]
    assert client.post(_url(profile), data).status_code == 302
    profile.refresh_from_db()
    assert profile.clearance == INT


def test_a_badly_formed_admin_history_address_is_not_found(client, seeded):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root2", "r@example.org", "x-pass-1234")
    client.force_login(admin)
    assert client.get("/admin/people/tag/3/change/history/").status_code == 404
