"""The Chinese pages read right in context: the right sense of a word, full-width colons, names in
the reader's script, one date style per language, no English left over."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from legation.engagements.models import Commitment, Engagement
from tests.people.formdata import add_row, empty_person

CJK_THEN_ASCII_COLON = re.compile(r"[\u4e00-\u9fff\uff09]\s*:")


def speak(client, user, language):
    client.force_login(user)
    client.post("/language/", {"language": language, "next": "/"})


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_engagement_filter_reads_from_and_until_as_a_date_range(client, officer, ledger):
    speak(client, officer, "zh-hans")
    page = client.get("/engagements/").content.decode()
    labels = re.findall(
        r'<label for="id_(date_from|date_to|start_after|start_before|[a-z_]+)">([^<]*)<', page
    )
    texts = [t.strip() for _, t in labels]
    assert "自" in texts and "至" in texts
    assert "发件人" not in page and "发信人" not in page and "截止日期" not in page


def test_form_labels_end_with_a_full_width_colon_in_chinese(client, officer, ledger):
    carter = ledger["carter"]
    speak(client, officer, "zh-hans")
    for url in (f"/people/{carter.pk}/edit/", "/engagements/log/", "/people/new/"):
        page = client.get(url).content.decode()
        labels = re.findall(r"<label[^>]*>([^<]*)</label>", page)
        assert labels and all(not label.endswith(":") for label in labels), (url, labels)
        if "/people/" in url:
            assert any(label.endswith("：") for label in labels)
        assert not CJK_THEN_ASCII_COLON.search(visible_text(page)), url
    speak(client, officer, "en")
    page = client.get(f"/people/{carter.pk}/edit/").content.decode()
    assert re.search(r"<label[^>]*>Family name:</label>", page)


def test_insight_headings_use_a_full_width_colon_in_chinese(client, head, ledger):
    speak(client, head, "zh-hans")
    page = client.get("/insight/").content.decode()
    assert not CJK_THEN_ASCII_COLON.search(visible_text(page))
    assert "分析：任期" in page


def test_a_staff_member_is_named_in_the_readers_script(client, officer, ledger):
    engagement = Engagement.objects.filter(subject="Talk 1").get()
    speak(client, officer, "zh-hans")
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    staff = page.split("我方参加人员")[1]
    assert "秦刚" in staff.split("</ul>")[0] and "Qin Gang" not in staff.split("</ul>")[0]
    speak(client, officer, "en")
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    staff = page.split("Our participants")[1].split("</ul>")[0]
    assert "Qin Gang" in staff and "秦刚" not in staff


def test_the_person_page_still_shows_both_scripts(client, officer, ledger):
    carter = ledger["carter"]
    for language in ("en", "zh-hans"):
        speak(client, officer, language)
        h1 = re.search(r"<h1>(.*?)</h1>", client.get(f"/people/{carter.pk}/").content.decode())
        assert "Jimmy Carter" in h1.group(1) and "吉米·卡特" in h1.group(1)


@pytest.mark.parametrize(
    ("language", "shown", "absent"),
    [("en", "6 Dec 2026", "Dec. 6"), ("zh-hans", "2026年12月6日", "2026-12-06 ")],
)
def test_one_date_style_per_language(client, officer, ledger, language, shown, absent):
    commitment = Commitment.objects.filter(description="Follow up 1").get()
    commitment.due = dt.date(2026, 12, 6)
    commitment.save()
    engagement = commitment.engagement
    engagement.start = timezone.make_aware(dt.datetime(2026, 12, 6, 10, 30))
    engagement.save()
    speak(client, officer, language)
    for url in (
        "/engagements/commitments/",
        f"/engagements/commitments/{commitment.pk}/",
        f"/engagements/{engagement.pk}/",
        "/engagements/",
    ):
        page = client.get(url).content.decode()
        assert shown in page, url
        assert absent not in visible_text(page), url
    form = client.get(f"/engagements/commitments/{commitment.pk}/").content.decode()
    assert 'value="2026-12-06"' in form  # the date box keeps ISO


def test_letter_kinds_are_translated(client, head):
    speak(client, head, "zh-hans")
    page = client.get("/letters/").content.decode()
    table = page.split('id="template-list"')[1].split("</table>")[0]
    assert "<td>辞行</td>" in table and "<td>farewell</td>" not in table


def test_seniority_reasons_are_translated(client, head, ledger):
    speak(client, head, "zh-hans")
    page = client.get(f"/insight/people/{ledger['carter'].pk}/").content.decode()
    assert "级别得分" in page
    assert "head of state or government" not in page and "国家元首或政府首脑" in page


def test_a_service_refusal_reads_in_chinese(client, officer, ledger):
    speak(client, officer, "zh-hans")
    data = add_row(empty_person(family_name="Bad"), "phones", number="12")
    page = client.post("/people/new/", data).content.decode()
    assert "不是有效的电话号码" in page and "is not a valid phone number" not in page


def test_insight_dates_follow_the_page_style(client, head, ledger):
    for language, shown in (("en", "28 Jul 2021"), ("zh-hans", "2021年7月28日")):
        speak(client, head, language)
        page = client.get("/insight/?posting=P-HOM").content.decode()
        assert shown in page and "2021-07-28" not in visible_text(page)


# The user trial's text fixes: names once, dates and separators in the reader's style, labels
# instead of codes, full-width punctuation in Chinese.


def test_an_engagement_title_uses_the_language_date_style_and_separator(officer, ledger):
    from django.utils import translation

    engagement = Engagement.objects.filter(subject="Talk 1").get()
    engagement.start = timezone.make_aware(dt.datetime(2023, 12, 7, 10, 0))
    with translation.override("en"):
        assert str(engagement) == "7 Dec 2023 meeting: Talk 1"
    with translation.override("zh-hans"):
        assert str(engagement) == "2023年12月7日 会见：Talk 1"


def test_the_deleted_page_title_and_history_read_in_the_language(client, mission, officer):
    from legation.core.audit import restore_deleted
    from legation.people import services
    from legation.people.models import Person

    person = services.person_create(
        actor=officer, mission=mission, family_name="White", given_name="Nancy", name_zh="南希·怀特"
    )
    person = services.person_update(actor=officer, person=person, preferred_language="zh")
    services.person_delete(actor=officer, person=person)
    url = f"/history/people.person/{person.pk}/"
    speak(client, officer, "zh-hans")
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "<title>删除：南希·怀特 · legation</title>" in page
    restore_deleted(Person, person.pk, actor=officer)
    page = visible_text(client.get(url).content.decode())
    assert "已恢复" in page and "创建" in page and "命令行" in page
    assert "中文" in page and " zh " not in page and " command " not in page
    speak(client, officer, "en")
    page = visible_text(client.get(url).content.decode())
    assert "Restored" in page and "command line" in page and "Created" in page


def test_organisations_are_named_in_the_readers_script(client, officer, ledger):
    engagement = Engagement.objects.filter(subject="Talk 1").get()
    speak(client, officer, "zh-hans")
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    orgs = page.split("<h2>机构</h2>")[1].split("</ul>")[0]
    assert "美国参议院" in orgs and "United States Senate" not in orgs
    speak(client, officer, "en")
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    orgs = page.split("<h2>Organisations</h2>")[1].split("</ul>")[0]
    assert "United States Senate" in orgs and "美国参议院" not in orgs


def test_region_and_city_are_joined_with_the_language_comma(client, officer, ledger):
    engagement = Engagement.objects.filter(subject="Talk 1").get()
    engagement.city = "Atlanta"
    engagement.save()
    speak(client, officer, "zh-hans")
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "佐治亚州，Atlanta" in page
    speak(client, officer, "en")
    assert "Georgia, Atlanta" in client.get(f"/engagements/{engagement.pk}/").content.decode()


def test_duplicates_name_each_person_once_per_script(client, officer, mission):
    from legation.people import services
    from tests import factories

    for code in ("US-GA", "US-CA"):
        services.person_create(
            actor=officer,
            mission=mission,
            family_name="Adams",
            given_name="Samantha",
            name_zh="萨曼莎·亚当斯",
            region=factories.region(code),
        )
    speak(client, officer, "zh-hans")
    page = visible_text(client.get("/people/duplicates/").content.decode())
    assert "萨曼莎·亚当斯 萨曼莎·亚当斯" not in page
    assert "Samantha Adams" in page and "萨曼莎·亚当斯" in page
    assert "、" in page and ", " not in page.split("萨曼莎·亚当斯")[-1].split("\n")[0]


def test_the_commitment_filter_offers_all_or_mine_and_due_from_first(client, officer, ledger):
    speak(client, officer, "zh-hans")
    page = client.get("/engagements/commitments/").content.decode()
    mine = page.split('name="mine"')[1].split("</select>")[0]
    assert "全部" in mine and "我的" in mine and "未知" not in mine
    assert page.index("id_due_after") < page.index("id_due_before")
    speak(client, officer, "en")
    page = client.get("/engagements/commitments/?mine=true").content.decode()
    assert ">All<" in page and 'value="true" selected' in page


def test_a_posting_label_uses_full_width_parentheses_in_chinese(ambassador_posting):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(ambassador_posting).endswith("（EMB-US）")
    with translation.override("en"):
        assert str(ambassador_posting).endswith(" (EMB-US)")


def test_the_review_queue_source_uses_the_language_date_style():
    from django.utils import translation

    from legation.letters.merge.review_display import suggestion_source

    stored = "2026-12-02 meeting: Courtesy call"
    with translation.override("en"):
        assert suggestion_source(stored) == "2 Dec 2026 meeting: Courtesy call"
    with translation.override("zh-hans"):
        assert suggestion_source(stored) == "2026年12月2日 会见：Courtesy call"
