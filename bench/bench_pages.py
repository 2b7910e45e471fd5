"""List and detail pages against `legation serve` (gunicorn), one client and then eight at once.

The target (under 300 ms) is each page's answer to one client: the median of ten requests, after
a first one. Under eight concurrent clients the p95 is printed beside it, for capacity planning
(two cores shared by eight clients: it measures queueing as much as the page). Baseline: the
health check, which goes through the same server and middleware but reads nothing from the
ledger. The insight pages and the home page's quiet box are timed too, against 500 ms (the
figures' target) cold: the cache is per user, so each of three fresh logins asks once.
"""

from __future__ import annotations

import http.client
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from bench.common import Figure, Report, bench_env, bench_home, engine, p95

PORT = 8765
CLIENTS = 8
PASSWORD = "bench-password-for-pages"  # noqa: S105
COLD_USERS = ("bench-cold-1", "bench-cold-2", "bench-cold-3")


def _session(home, username: str = "bench") -> tuple[str, str]:
    """Log in as the bench user through the login page; return the session and CSRF cookies."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request("GET", "/accounts/login/")
    resp = conn.getresponse()
    body = resp.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{PORT}/accounts/login/",
        },
    )
    resp = conn.getresponse()
    resp.read()
    session = re.search(r"sessionid=([^;]+)", resp.getheader("Set-Cookie", "")).group(1)
    return session, csrf_cookie


def _get(path: str, cookie: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    resp = conn.getresponse()
    resp.read()
    elapsed = (time.perf_counter() - start) * 1000
    if resp.status != 200:
        raise RuntimeError(f"{path}: HTTP {resp.status}")
    conn.close()
    return elapsed


def run(size: str) -> Report:
    home = bench_home(size)
    env = {**bench_env(home), "LEGATION_SECURE_COOKIES": "0"}
    for username in ("bench", *COLD_USERS):
        subprocess.run(
            [sys.executable, "-m", "legation", "createuser", username, "--role",
             "head_of_mission", "--mission", "DEMO-US", "--password-stdin"],
            input=PASSWORD + "\n", text=True, env=env, capture_output=True, check=False,
        )  # fmt: skip
    ids = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','legation.settings');"
            "django.setup();from legation.people.models import Person as P, Organisation as O;"
            "from legation.engagements.models import Engagement as E, Commitment as C;"
            "print(P.objects.filter(participations__isnull=False).order_by('pk').first().pk,"
            "O.objects.order_by('pk').first().pk, E.objects.order_by('-pk').first().pk,"
            "C.objects.order_by('pk').first().pk)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    person, org, engagement, commitment = ids
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os,django;os.environ.setdefault('DJANGO_SETTINGS_MODULE','legation.settings');"
            "django.setup();from legation.ops.management.commands.serve import serve;"
            f"serve('127.0.0.1', {PORT}, {CLIENTS})",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        session, csrf = _session(home)
        cookie = f"sessionid={session}; csrftoken={csrf}"
        cold = []
        for username in COLD_USERS:
            s, c = _session(home, username)
            cold.append(f"sessionid={s}; csrftoken={c}")
        pages = {
            "home": "/",
            "people list": "/people/",
            "people list, filtered": "/people/?sector=2",
            "organisations list": "/people/organisations/",
            "engagements list": "/engagements/",
            "engagements list, page 50": "/engagements/?page=50",
            "commitments list": "/engagements/commitments/?status=open",
            "person page": f"/people/{person}/",
            "organisation page": f"/people/organisations/{org}/",
            "engagement page": f"/engagements/{engagement}/",
            "commitment page": f"/engagements/commitments/{commitment}/",
            "search": "/search/?q=wang",
            "search in characters": "/search/?q=%E7%8E%8B",
        }
        figures_pages = {
            "home: quiet relationships box": "/home/quiet/",
            "insight: tenure dashboard": "/insight/",
            "insight: coverage": "/insight/coverage/",
            "insight: quiet relationships": "/insight/quiet/",
        }
        report = Report(f"pages ({size} demo on {engine()}; one client, then {CLIENTS} at once)")
        with ThreadPoolExecutor(CLIENTS) as pool:
            base = sorted(_get("/healthz", cookie) for _ in range(10))
            baseline = statistics.median(base)
            for label, path in pages.items():
                _get(path, cookie)
                one = statistics.median(_get(path, cookie) for _ in range(10))
                samples = list(pool.map(lambda _, p=path: _get(p, cookie), range(40)))
                report.add(
                    Figure(
                        label,
                        one,
                        "ms",
                        target="< 300 ms",
                        baseline=baseline,
                        ok=one < 300,
                        note=f"p95 {p95(samples):,.0f} ms with {CLIENTS} clients",
                    )
                )
            for label, path in figures_pages.items():
                one = statistics.median(_get(path, c) for c in cold)
                report.add(
                    Figure(
                        label,
                        one,
                        "ms",
                        target="< 500 ms",
                        baseline=baseline,
                        ok=one < 500,
                        note="cold: first request of each of three logins",
                    )
                )
        return report
    finally:
        server.terminate()
        server.wait(timeout=10)
