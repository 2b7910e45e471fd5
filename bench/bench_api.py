"""The API's lists and records against the matching web pages, as the bench officer (p95).

Each API request (`/api/v1/…`, a read token of `bench-officer`: an officer of the demo mission
with the default clearance, not the operator) is asked in the same loop as the web page that
shows the same rows (the list's first page of 50, the same filter, the record's page), the two
alternating so that a busy machine weighs on both alike; 200 of each
(`LEGATION_BENCH_API_SAMPLES`). In process, through Django's test client, the response read
whole. Target (bench/README.md): each within 1.5x of its page.
"""

from __future__ import annotations

import os
import time

from bench.common import Figure, Report, bench_home, engine, officer_user, p95, setup_django


def _cases(user) -> dict[str, tuple[str, str]]:
    """label -> (API path, web page path), over records the officer sees."""
    from legation.engagements.models import Commitment, Engagement
    from legation.people.models import Organisation, Person, Tag

    person = (
        Person.objects.visible_to(user)
        .filter(participations__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    organisation = Organisation.objects.visible_to(user).order_by("pk").first().pk
    engagement = Engagement.objects.visible_to(user).order_by("-pk").first().pk
    commitment = Commitment.objects.visible_to(user).order_by("pk").first().pk
    tag = Tag.objects.visible_to(user).order_by("pk").first().pk
    return {
        "people list": ("/api/v1/people/", "/people/"),
        "people: name": ("/api/v1/people/?q=wang", "/people/?q=wang"),
        "organisations list": ("/api/v1/organisations/", "/people/organisations/"),
        "engagements list": ("/api/v1/engagements/", "/engagements/"),
        "engagements: tag": (f"/api/v1/engagements/?tag={tag}", f"/engagements/?tag={tag}"),
        "engagements: person": (
            f"/api/v1/engagements/?person={person}",
            f"/engagements/?person={person}",
        ),
        "commitments list": ("/api/v1/commitments/", "/engagements/commitments/"),
        "person": (f"/api/v1/people/{person}/", f"/people/{person}/"),
        "organisation": (
            f"/api/v1/organisations/{organisation}/",
            f"/people/organisations/{organisation}/",
        ),
        "engagement": (f"/api/v1/engagements/{engagement}/", f"/engagements/{engagement}/"),
        "commitment": (
            f"/api/v1/commitments/{commitment}/",
            f"/engagements/commitments/{commitment}/",
        ),
    }


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from django.test import Client

    from legation.api.tokens import token_create
    from legation.ops.server import settle_heap

    user = officer_user()
    settle_heap()  # as each server worker does once loaded
    from django.conf import settings

    settings.API_RATE = "1000000/minute"  # the rate limit is not what is measured here
    _, token = token_create(actor=user, user=user, name="bench", scope="read")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(user)
    samples = int(os.environ.get("LEGATION_BENCH_API_SAMPLES", "200"))
    report = Report(
        f"API against pages ({size} demo on {engine()}; {user.username}, {samples} each, p95)"
    )

    def get(client: Client, path: str) -> float:
        start = time.perf_counter()
        response = client.get(path, secure=True)
        _ = response.content
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        return elapsed

    for label, (api_path, page_path) in _cases(user).items():
        get(api, api_path), get(web, page_path)  # warm
        ours, page = [], []
        for _ in range(samples):
            ours.append(get(api, api_path))
            page.append(get(web, page_path))
        value, baseline = p95(ours), p95(page)
        report.add(
            Figure(
                f"API {label} (p95)",
                value,
                "ms",
                target="< 1.5x the page",
                baseline=baseline,
                ok=value < 1.5 * baseline,
                note=api_path,
            )
        )
    return report
