"""List, detail and search pages against `legation serve`, under 1, 4, 8 and 16 clients at once.

The server is `legation serve` as shipped (its default workers), in its own process, on a free
port. The load comes from bench/load.py in another process: each simulated user is the bench
officer (an officer of the demo mission with the default clearance, not the operator), logged in
with a session of its own and a keep-alive connection. For each page and each client count, the
users ask that page in a closed loop until 200 answers are in (LEGATION_BENCH_SAMPLES) or a
minute has passed; while they do, one more user asks /healthz every 20 ms, so the health check is
measured under the same load, beside each page.

The target (bench/README.md): p95 under 300 ms for every list, detail and search page with eight
concurrent clients. Printed beside it: p50 and p99, the number of answers, /healthz's p95 under
the same load (the baseline: same server, same middleware, nothing read from the ledger),
requests per second at 1, 4, 8 and 16 clients, and the load generator's CPU share (its own CPU
seconds over wall time × cores: near 1/cores, one Python thread's worth, the generator was the
bottleneck, not the server). Every filter of every list page is measured at eight clients.
/healthz and a static file get the same sweep, for scale.

The figure pages (insight, the home page's quiet box) are timed cold against 500 ms: the first
request of each of three fresh logins (the cache cleared first). The two costliest, the tenure
dashboard and the handover brief, are computed ahead by the job worker once a user has asked for
them (insight/warm.py): for those the target is for the look after an edit in the mission, once
a round of the worker has run (its time printed beside); their first look ever is printed too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

from bench.common import (
    OFFICER,
    OFFICER_PASSWORD,
    ROOT,
    Figure,
    Report,
    Server,
    bench_env,
    bench_home,
    engine,
    machine_load,
    run_load,
)
from bench.load import Client

# Client counts swept (LEGATION_BENCH_CLIENTS="8" for the target's alone, quicker).
LEVELS = [int(n) for n in os.environ.get("LEGATION_BENCH_CLIENTS", "1,4,8,16").split(",")]
TARGET_CLIENTS = 8
TARGET_MS = 300
COLD_USERS = ("bench-officer-cold-1", "bench-officer-cold-2", "bench-officer-cold-3")
#: the figure pages the worker computes ahead once asked for (insight/warm.py FIGURES)
AHEAD = ("/insight/", "/insight/handover/")

_IDS = """
import json, sys
sys.path[:0] = [{root!r}, {src!r}]
from bench.common import setup_django, officer_user
setup_django()
from legation.people.models import Person, Organisation, Tag
from legation.engagements.models import Engagement, Commitment, Posting
from legation.core.models import Region, Sector
user = officer_user({officer!r})
for cold in {cold!r}:
    officer_user(cold)
# Cold means cold: no figure kept from an earlier run (the cache is the database's), nothing
# noted for the worker to compute ahead.
from django.core.cache import cache
from legation.insight.models import FigureWanted
cache.clear()
FigureWanted.objects.filter(user__username__in={cold!r}).delete()
def first(qs):
    return qs.order_by("pk").values_list("pk", flat=True).first()
person = first(Person.objects.visible_to(user).filter(participations__isnull=False))
print(json.dumps({{
    "person": person,
    "organisation": first(Organisation.objects.visible_to(user)),
    "engagement": Engagement.objects.visible_to(user).order_by("-pk").values_list(
        "pk", flat=True).first(),
    "commitment": first(Commitment.objects.visible_to(user)),
    "tag": first(Tag.objects.visible_to(user)),
    "sector": first(Sector.objects.all()),
    "region": Engagement.objects.visible_to(user).order_by("pk").values_list(
        "region_id", flat=True).first(),
    "posting": Posting.objects.visible_to(user).get(ref="DEMO-HOM").pk,
    "today": __import__("django.utils.timezone").utils.timezone.localdate().isoformat(),
}}))
"""


# An edit in the demo mission (a person's office changed and changed back, as the bench officer:
# every figure of the mission is stale after it), then one round of the worker's computing
# ahead (insight/warm.py), timed.
_EDIT_AND_WARM = """
import json, sys, time
sys.path[:0] = [{root!r}, {src!r}]
from bench.common import setup_django, officer_user
setup_django()
from legation.people.models import Person
from legation.people.services import person_update
from legation.insight import warm
user = officer_user({officer!r})
person = Person.objects.visible_to(user).order_by("pk").first()
office = person.office
person_update(actor=user, person=person, office=office + " (bench)")
person_update(actor=user, person=Person.objects.get(pk=person.pk), office=office)
started = time.perf_counter()
count = warm.warm_once(budget=600)
print(json.dumps({{"computed": count, "seconds": time.perf_counter() - started}}))
"""


def _edit_and_warm(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c",
         _EDIT_AND_WARM.format(root=str(ROOT), src=str(ROOT / "src"), officer=OFFICER)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ids(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c",
         _IDS.format(root=str(ROOT), src=str(ROOT / "src"), officer=OFFICER, cold=COLD_USERS)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def pages(ids: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(the pages swept at 1, 4, 8 and 16 clients; the list filters, at 8 clients only)."""
    today = dt.date.fromisoformat(ids["today"])
    quarter_start = (today - dt.timedelta(days=90)).isoformat()
    year_ago = (today - dt.timedelta(days=365)).isoformat()
    swept = {
        "home": "/",
        "people list": "/people/",
        "organisations list": "/people/organisations/",
        "engagements list": "/engagements/",
        "engagements list, page 50": "/engagements/?page=50",
        "commitments list": "/engagements/commitments/",
        "person page": f"/people/{ids['person']}/",
        "organisation page": f"/people/organisations/{ids['organisation']}/",
        "engagement page": f"/engagements/{ids['engagement']}/",
        "commitment page": f"/engagements/commitments/{ids['commitment']}/",
        "search (Latin)": "/search/?q=wang",
        "search (characters)": "/search/?q=%E7%8E%8B",
    }
    filters = {
        "people: name": "/people/?q=wang",
        "people: sector": f"/people/?sector={ids['sector']}",
        "people: region": f"/people/?region={ids['region']}",
        "people: tag": f"/people/?tag={ids['tag']}",
        "organisations: name": "/people/organisations/?q=university",
        "organisations: sector": f"/people/organisations/?sector={ids['sector']}",
        "organisations: region": f"/people/organisations/?region={ids['region']}",
        "organisations: tag": f"/people/organisations/?tag={ids['tag']}",
        "engagements: subject": "/engagements/?q=trade",
        "engagements: kind": "/engagements/?kind=meeting",
        "engagements: region": f"/engagements/?region={ids['region']}",
        "engagements: sector": f"/engagements/?sector={ids['sector']}",
        "engagements: tag": f"/engagements/?tag={ids['tag']}",
        "engagements: our participant": f"/engagements/?staff={ids['posting']}",
        "engagements: from (one year)": f"/engagements/?since={year_ago}",
        "engagements: until": f"/engagements/?until={year_ago}",
        "engagements: one quarter": f"/engagements/?since={quarter_start}&until={ids['today']}",
        "commitments: status": "/engagements/commitments/?status=unfinished",
        "commitments: owner": f"/engagements/commitments/?owner={ids['posting']}",
        "commitments: mine": "/engagements/commitments/?mine=true",
        "commitments: due": f"/engagements/commitments/?due_after={quarter_start}"
        f"&due_before={ids['today']}",
    }
    return swept, filters


def _static_path(base: str) -> str:
    """A static file the pages link to (the style sheet), as a browser would ask for it."""
    client = Client(base)
    client.login(OFFICER, OFFICER_PASSWORD)
    _, body, _ = client.request("GET", "/")
    found = re.search(rb'(?:href|src)="(/static/[^"]+\.css)"', body) or re.search(
        rb'(?:href|src)="(/static/[^"]+)"', body
    )
    return found.group(1).decode() if found else "/static/missing"


def _by(results: list[dict]) -> dict[tuple[str, int], dict]:
    return {(r["path"], r["clients"]): r for r in results}


def _page_figure(label: str, path: str, runs: dict, levels: list[int], target: bool) -> Figure:
    r = runs[(path, TARGET_CLIENTS)]
    lat, probe = r["latency_ms"], r["probe"] or {}
    rps = "/".join(f"{runs[(path, n)]['rps']:.1f}" for n in levels if (path, n) in runs)
    cpu = max(runs[(path, n)]["generator_cpu"]["share"] for n in levels if (path, n) in runs)
    bad = f"; {r['not_ok']} not 200 {r['status']} {r['errors'][:1]}" if r["not_ok"] else ""
    note = (
        f"p50 {lat['p50']:.0f} p99 {lat['p99']:.0f}; n={lat['n']}; "
        f"req/s at {'/'.join(map(str, levels))} clients: {rps}; generator CPU <= {cpu:.1%}{bad}"
    )
    return Figure(
        f"{label} (p95, {TARGET_CLIENTS} clients)",
        lat["p95"],
        "ms",
        target=f"< {TARGET_MS} ms" if target else "",
        baseline=probe.get("p95"),
        ok=(lat["p95"] < TARGET_MS and not r["not_ok"]) if target else None,
        note=note,
    )


def run(size: str) -> Report:
    home = bench_home(size)
    env = bench_env(home)
    ids = _ids(env)
    swept, filters = pages(ids)
    figure_pages = {
        "home: quiet relationships box": "/home/quiet/",
        "insight: tenure dashboard": "/insight/",
        "insight: coverage": "/insight/coverage/",
        "insight: quiet relationships": "/insight/quiet/",
        "insight: handover brief": "/insight/handover/",
    }
    server = Server(env)
    report = Report(
        f"pages ({size} demo on {engine()}; bench officer; `legation serve "
        f"{' '.join(server.extra)}`; {', '.join(map(str, LEVELS))} clients; {machine_load()} at the start)"
    )
    with server as base:
        # The figure pages cold first: nothing asked before by these users.
        cold = {}
        clients = []
        for username in COLD_USERS:
            c = Client(base)
            c.login(username, OFFICER_PASSWORD)
            clients.append(c)

        def first_looks() -> dict[str, float]:
            out = {}
            for label, path in figure_pages.items():
                times = []
                for c in clients:
                    status, ms = c.get(path)
                    times.append(ms if status == 200 else float("inf"))
                out[label] = sorted(times)[1]
            return out

        cold = first_looks()
        # The same users after an edit in the mission, once the worker's round has computed
        # what they asked for ahead (the costliest figures: insight/warm.py).
        ahead = _edit_and_warm(env)
        after_edit = first_looks()
        static = _static_path(base)
        sweep = run_load(base, [*swept.values(), "/healthz", static], LEVELS)
        at_target = run_load(base, list(filters.values()), [TARGET_CLIENTS])
    runs = _by(sweep + at_target)
    for label, path in swept.items():
        report.add(_page_figure(label, path, runs, LEVELS, target=True))
    for label, path in filters.items():
        report.add(_page_figure(label, path, runs, [TARGET_CLIENTS], target=True))
    report.add(_page_figure("/healthz", "/healthz", runs, LEVELS, target=False))
    report.add(_page_figure(f"static file {static}", static, runs, LEVELS, target=False))
    for label, ms in cold.items():
        costly = figure_pages[label] in AHEAD
        report.add(
            Figure(
                f"{label}, first look ever" if costly else label,
                ms,
                "ms",
                target="" if costly else "< 500 ms",
                ok=None if costly else ms < 500,
                note="cold: median of the first request of three fresh logins, one at a time"
                + ("; computed on demand, then ahead by the worker" if costly else ""),
            )
        )
    for label, ms in after_edit.items():
        report.add(
            Figure(
                f"{label}, after an edit",
                ms,
                "ms",
                target="< 500 ms",
                ok=ms < 500,
                note=f"the same three users after an edit in the mission and one round of the "
                f"worker computing figures ahead ({ahead['computed']} figures in "
                f"{ahead['seconds']:.1f} s)",
            )
        )
    report.add(Figure("machine load at the end", float(machine_load().split()[2]), "",
                      note=machine_load()))  # fmt: skip
    return report
