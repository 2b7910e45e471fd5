"""A process of its own for tests/insight/test_figure_processes.py (run as a script).

`setup`: migrate, seed and write two missions, a head of mission with a posting and a meeting.
`serve`: keep figures in this process's own cache (Django's default LocMemCache) and answer
lines from stdin: "tenure" prints how many times the figure was computed and its engagements.
`write-other` / `write-own`: a write in the other mission / a meeting of the posting.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from legation.core.models import Mission, Sensitivity  # noqa: E402
from legation.engagements import services as engagements  # noqa: E402
from legation.engagements.models import Posting  # noqa: E402
from legation.insight import reports  # noqa: E402
from legation.insight.cache import remembered  # noqa: E402
from legation.people import services as people  # noqa: E402
from legation.people.models import Person  # noqa: E402


def setup() -> None:
    from tests import factories
    from tests.conftest import seed

    call_command("migrate", verbosity=0)
    seed()
    a = factories.MissionFactory(ref="EMB-A", name_en="Embassy A")
    b = factories.MissionFactory(ref="EMB-B", name_en="Embassy B")
    factories.user_with_role("head", "head_of_mission", [a], Sensitivity.RESTRICTED)
    factories.user_with_role("other", "officer", [b], Sensitivity.RESTRICTED)
    person = factories.PersonFactory(mission=a, family_name="Qin", title="Ambassador")
    posting = factories.PostingFactory(
        mission=a, person=person, ref="P-HOM", role="head_of_mission", arrival=dt.date(2021, 1, 1)
    )
    guest = factories.PersonFactory(mission=a, family_name="Guest")
    factories.EngagementFactory(
        mission=a, start=timezone.now() - dt.timedelta(days=3), people=[guest], staff=[posting]
    )
    factories.PersonFactory(mission=b, family_name="Elsewhere")


def serve() -> None:
    head = get_user_model().objects.get(username="head")
    posting = Posting.objects.get(ref="P-HOM")
    computed = 0

    def compute() -> dict:
        nonlocal computed
        computed += 1
        return reports.build("tenure", user=head, posting=posting)

    for line in sys.stdin:
        if line.strip() != "tenure":
            continue
        head = get_user_model().objects.get(username="head")  # a new request, a new user
        data = remembered("tenure", head, (posting.pk,), compute)
        print(json.dumps({"computed": computed, "engagements": data["engagements"]}), flush=True)


def write_other() -> None:
    other = get_user_model().objects.get(username="other")
    person = Person.objects.get(family_name="Elsewhere")
    people.person_update(actor=other, person=person, title="Mayor")
    engagements.engagement_create(
        actor=other, mission=Mission.objects.get(ref="EMB-B"), kind="meeting", subject="B",
        start=timezone.now() - dt.timedelta(days=1), people=[person],
    )  # fmt: skip


def write_own() -> None:
    head = get_user_model().objects.get(username="head")
    engagements.engagement_create(
        actor=head, mission=Mission.objects.get(ref="EMB-A"), kind="meeting", subject="A",
        start=timezone.now() - dt.timedelta(days=1),
        people=[Person.objects.get(family_name="Guest")], staff=[Posting.objects.get(ref="P-HOM")],
    )  # fmt: skip


if __name__ == "__main__":
    {"setup": setup, "serve": serve, "write-other": write_other, "write-own": write_own}[
        sys.argv[1]
    ]()
