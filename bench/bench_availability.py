"""Logins while a long import preview and a backup run: does one long job lock everyone out?

`legation serve` on the demo database; eight clients log in through the login page (GET the
form, POST the password: the session, the last login and the login log are written) over and
over. First with nothing else running (the baseline), then while `legation import people
--dry-run` rehearses a large file and `legation backup` writes an archive, both started just
before. On SQLite both used to hold the database's single write lock for their whole run, and
logins failed with "database is locked" after the lock wait; now they work on private copies.
Target: no login fails, and the login p95 stays under a second (printed as a ratio to the idle
p95: the two cores are shared with the preview and the backup, so some slow-down is CPU).
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import Figure, Report, Server, bench_env, bench_home, engine, p95

PORT = 0  # the server's, chosen free when it starts

CLIENTS = 8
PASSWORD = "bench-password-for-availability"  # noqa: S105
USER = "bench-avail"
PREVIEW_ROWS = int(os.environ.get("LEGATION_BENCH_PREVIEW_ROWS", "4000"))


def _login() -> tuple[int, float]:
    """One login through the page: (status of the POST, milliseconds of GET + POST)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    start = time.perf_counter()
    conn.request("GET", "/accounts/login/")
    resp = conn.getresponse()
    body = resp.read().decode()
    if resp.status != 200:
        return resp.status, (time.perf_counter() - start) * 1000
    csrf = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie", ""))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    form = urllib.parse.urlencode(
        {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{PORT}/accounts/login/",
        },
    )
    resp = conn.getresponse()
    resp.read()
    conn.close()
    ok = resp.status == 302 and resp.getheader("Location") == "/"
    return (302 if ok else resp.status or 0), (time.perf_counter() - start) * 1000


def _round(pool: ThreadPoolExecutor, count: int) -> list[tuple[int, float]]:
    return list(pool.map(lambda _: _login(), range(count)))


def _people_file(folder: Path) -> Path:
    path = folder / "people.csv"
    rows = "".join(
        f"BA{i},Benchmark{i},Ann,,,Benchmark Institute {i % 50},business,US-CA,ba{i}@example.org\n"
        for i in range(PREVIEW_ROWS)
    )
    path.write_text(
        "ref,family_name,given_name,name_zh,title,organisation,sector,region,email\n" + rows
    )
    return path


def run(size: str) -> Report:
    home = bench_home(size)
    env = {**bench_env(home), "LEGATION_SECURE_COOKIES": "0"}
    subprocess.run(
        [sys.executable, "-m", "legation", "createuser", USER, "--role", "officer",
         "--mission", "DEMO-US", "--password-stdin"],
        input=PASSWORD + "\n", text=True, env=env, capture_output=True, check=False,
    )  # fmt: skip
    global PORT
    server = Server(env)
    PORT = server.port
    server.__enter__()
    work = Path(tempfile.mkdtemp(prefix="legation-bench-avail-"))
    report = Report(f"availability ({size} demo on {engine()}; {CLIENTS} clients logging in)")
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            _round(pool, CLIENTS)  # warm-up
            idle = _round(pool, CLIENTS * 5)
            idle_ms = [ms for _, ms in idle]
            people = _people_file(work)
            started = time.perf_counter()
            preview = subprocess.Popen(
                [sys.executable, "-m", "legation", "import", "people", str(people),
                 "--mission", "DEMO-US", "--dry-run", "--json"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            backup = subprocess.Popen(
                [sys.executable, "-m", "legation", "backup", str(work / "bench.zip")],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(3)  # both under way (Django started, the copy taken)
            busy: list[tuple[int, float]] = []
            while preview.poll() is None or backup.poll() is None:
                busy += _round(pool, CLIENTS)
            preview_s = time.perf_counter() - started
            busy_ms = [ms for _, ms in busy]
            failed = [status for status, _ in busy + idle if status != 302]
        idle_p95 = p95(idle_ms)
        busy_p95 = p95(busy_ms)
        report.add(
            Figure(
                "login p95, nothing else running",
                idle_p95,
                "ms",
                note=f"{len(idle)} logins",
            )
        )
        report.add(
            Figure(
                "login p95 during a preview and a backup",
                busy_p95,
                "ms",
                target="< 1,000 ms, no login failed",
                baseline=idle_p95,
                ok=busy_p95 < 1000 and not failed,
                note=(
                    f"{len(busy)} logins over {preview_s:.0f} s; preview of {PREVIEW_ROWS:,} "
                    f"people exit {preview.returncode}, backup exit {backup.returncode}"
                ),
            )
        )
        report.add(
            Figure(
                "logins failed (not a redirect to /)",
                len(failed),
                "",
                target="0",
                ok=not failed,
                note=", ".join(sorted({str(s) for s in failed})) or "",
            )
        )
        return report
    finally:
        server.__exit__()
        import shutil

        shutil.rmtree(work, ignore_errors=True)
