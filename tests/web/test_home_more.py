"""The home page shows the first few of each list and links to them all, saying how many."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from legation.engagements.models import Commitment, Engagement
from tests import factories


@pytest.mark.parametrize(
    ("language", "due_label", "week_label"),
    [
        ("en", "All {n} due or overdue", "All {n} engagements this week"),
        ("zh-hans", "全部 {n} 项到期或逾期后续事项", "本周全部 {n} 次交往"),
    ],
)
def test_long_lists_on_the_home_page_link_to_all_of_them(
    client, officer, mission, ledger, language, due_label, week_label
):
    today = timezone.localdate()
    engagement = Engagement.objects.get(subject="Talk 0")
    for n in range(15):
        factories.CommitmentFactory(
            engagement=engagement, description=f"Due {n}", due=today - dt.timedelta(days=n)
        )
    factories.CommitmentFactory(
        engagement=engagement, description="Done one", due=today, status="done"
    )
    monday = today - dt.timedelta(days=today.weekday())
    person = ledger["wang"]
    for n in range(25):
        start = timezone.make_aware(
            dt.datetime.combine(monday + dt.timedelta(days=n % 7), dt.time(8 + n % 10))
        )
        factories.EngagementFactory(
            mission=mission, subject=f"Week {n}", start=start, people=[person]
        )
    client.force_login(officer)
    client.post("/language/", {"language": language, "next": "/"})
    html = client.get("/").content.decode()
    due = re.search(r'<a id="all-due" href="([^"]+)">([^<]+)</a>', html)
    unfinished = Commitment.objects.filter(
        status__in=["open", "in_progress"], due__lte=today + dt.timedelta(days=14)
    )
    assert due and due.group(2) == due_label.format(n=unfinished.count())
    listed = client.get(due.group(1).replace("&amp;", "&")).content.decode()
    assert len(set(re.findall(r">Due (\d+)<", listed))) == 15
    assert "Done one" not in listed
    week = re.search(r'<a id="all-week" href="([^"]+)">([^<]+)</a>', html)
    in_week = Engagement.objects.filter(
        start__date__gte=monday, start__date__lte=monday + dt.timedelta(days=6)
    )
    assert week and week.group(2) == week_label.format(n=in_week.count())
    listed = client.get(week.group(1).replace("&amp;", "&")).content.decode()
    assert len(set(re.findall(r">Week (\d+)<", listed))) == 25
