"""Several identical servers behind a load balancer: one PostgreSQL database, one store of files.

Two `legation serve --no-worker` and two `legation worker`, each pair with a LEGATION_HOME of its
own, share the database and the folder of stored files (LEGATION_MEDIA_ROOT) and nothing else but
the secret key. A login on one server is a login on the other (sessions live in the database); an
edit made through one is seen through the other; a merge started through the first is produced
exactly once (two workers wait for it), and a merge a worker of the other server produced is
downloaded through the first. Real processes throughout, driven over HTTP as a browser would.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import subprocess
import sys
import time
import urllib.parse
import zipfile
from pathlib import Path

import psycopg
import pytest

from tests.core.test_availability import _drop_postgres, _free_port, _postgres_url

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="several servers share one PostgreSQL database: SQLite is one machine's database "
    "(run the suite with DATABASE_URL=postgres://…)",
)

PASSWORD = "a-long-passphrase-for-servers"
KEY = "s3rv3rs_Xq3vGm7Yt_Lr2Kc9WbNs-4JhUe8Af1DzRiT6oQyVxMk5EnPg-ZwS_aHj0Cu3B"
DB_NAME = "legation_test_several_servers"


class Node:
    """One machine: its own LEGATION_HOME, the shared database, store and secret key."""

    def __init__(self, name: str, tmp: Path, database_url: str, media: Path) -> None:
        self.name = name
        self.home = tmp / name
        self.home.mkdir()
        self.env = {
            **os.environ,
            "LEGATION_HOME": str(self.home),
            "LEGATION_MEDIA_ROOT": str(media),
            "LEGATION_SECRET_KEY": KEY,
            "DATABASE_URL": database_url,
            # TLS ends at the load balancer (here: the test, from 127.0.0.1).
            "LEGATION_TRUSTED_PROXIES": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "legation.settings",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests
        self.processes: list[subprocess.Popen] = []

    def run(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, *args], env=self.env, input=stdin, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen:
        log = self.home.parent / f"{self.name}-{len(self.processes)}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "legation", *args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process.log = log  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def serve(self) -> int:
        port = _free_port()
        server = self.start("serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker")
        deadline = time.monotonic() + 120  # a loaded machine starts Django slowly
        while True:
            try:
                if Client(port).get("/healthz")[0] == 200:
                    return port
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{self.name} did not start: {_log(server)}")
            time.sleep(0.3)

    def worker(self) -> subprocess.Popen:
        return self.start("worker", "--worker-id", f"{self.name}-worker")

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _log(process: subprocess.Popen) -> str:
    return process.log.read_text(errors="replace")[-3000:]  # type: ignore[attr-defined]


class Client:
    """A browser behind the load balancer: HTTPS as far as the servers are told, cookies kept."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = cookies if cookies is not None else {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return resp.status, resp.getheader("Location", ""), data

    def get(self, path: str) -> tuple[int, str, bytes]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, str, bytes]:
        return self.request("POST", path, form)

    def log_in(self, username: str) -> None:
        status, _, _ = self.get("/accounts/login/")
        assert status == 200
        status, location, body = self.post(
            "/accounts/login/", {"username": username, "password": PASSWORD, "next": "/"}
        )
        assert (status, location) == (302, "/"), body[:2000]


def _rows(db: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def _wait_done(db: str, job: int, seconds: float = 240) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        [(status,)] = _rows(db, "SELECT run_status FROM letters_mergejob WHERE id = %s", (job,))
        if status in ("done", "failed"):
            return status
        time.sleep(0.5)
    pytest.fail(f"merge job {job} was not produced in {seconds} s")


@pytest.fixture
def cluster(tmp_path):
    url = _postgres_url(DB_NAME)
    assert url is not None
    media = tmp_path / "shared-store"
    one = Node("one", tmp_path, url, media)
    two = Node("two", tmp_path, url, media)
    one.run("-m", "legation", "init")
    one.run(
        "-c",
        "import django; django.setup(); from legation.demo.generator import generate; "
        "generate(size='tiny', seed=4)",
    )
    one.run(
        "-m", "legation", "createuser", "li", "--role", "head_of_mission", "--mission",
        "DEMO-US", "--clearance", "restricted", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    try:
        yield one, two, url, media
    finally:
        for node in (one, two):
            for process in node.processes:
                node.stop(process)
        _drop_postgres(DB_NAME)


def _start_merge(client: Client, db: str, people: list[int], personal: str = "") -> int:
    """A merge through the letters page: created, every row confirmed and approved, produced."""
    status, _, page = client.get("/letters/jobs/")
    assert status == 200
    posting = re.search(rb'<select name="posting"[^>]*>.*?<option value="(\d+)"', page, re.S)
    assert posting, page[:3000]
    status, location, body = client.post(
        "/letters/jobs/",
        {
            "template": "farewell",
            "filter": " ".join(f"person={pk}" for pk in people),
            "posting": posting[1].decode(),
            "letter_date": "2026-12-01",
            "format": "txt",
        },
    )
    assert status == 302, body[:3000]
    job = int(re.search(r"/letters/jobs/(\d+)/", location)[1])
    for (row,) in _rows(db, "SELECT id FROM letters_mergerow WHERE job_id = %s", (job,)):
        status, _, body = client.post(
            f"/letters/jobs/{job}/rows/{row}/", {"personal": personal, "confirm": "1"}
        )
        assert status in (200, 302), body[:2000]
    assert client.post(f"/letters/jobs/{job}/approve-all/", {})[0] == 302
    status, _, body = client.post(f"/letters/jobs/{job}/produce/", {})
    assert status == 302, body[:2000]
    return job


def _letters_of(db: str, job: int) -> list[tuple[int, str]]:
    return _rows(db, "SELECT person_id, file FROM letters_letterrecord WHERE job_id = %s", (job,))


def test_two_servers_and_two_workers_share_one_database_and_one_store(cluster):
    one, two, db, media = cluster
    port_one, port_two = one.serve(), two.serve()
    worker_one, worker_two = one.worker(), two.worker()
    people = [
        pk
        for (pk,) in _rows(
            db,
            "SELECT p.id FROM people_person p JOIN engagements_mission m ON m.id = p.mission_id "
            "WHERE m.ref = 'DEMO-US' ORDER BY p.id LIMIT 3",
        )
    ]
    assert len(people) == 3

    # A login on server one holds on server two: the session is in the database.
    browser = Client(port_one)
    browser.log_in("li")
    on_two = Client(port_two, browser.cookies)
    assert on_two.get("/")[0] == 200

    # A merge started through server one, with both workers waiting: produced exactly once.
    job = _start_merge(browser, db, people, personal="Written through server one.")
    assert _wait_done(db, job) == "done", _log(worker_one) + _log(worker_two)
    [(status, workers)] = _rows(
        db,
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE args_kwargs::text LIKE %s",
        (f'%"job_id": {job},%',),
    )
    assert status == "SUCCESSFUL" and len(workers) == 1, workers
    letters = _letters_of(db, job)
    assert sorted(p for p, _ in letters) == sorted(people)  # each letter once
    stored = [p for p in (media / "letters").rglob("*.txt") if p.is_file()]
    assert sorted(p.relative_to(media).as_posix() for p in stored) == sorted(f for _, f in letters)

    # Downloaded through server two: the zip the worker stored in the shared store.
    status, _, data = on_two.get(f"/letters/jobs/{job}/download/")
    assert status == 200
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len([n for n in names if n.endswith(".txt")]) == 3 and "manifest.csv" in names

    # Started through server one, produced by server two's worker (server one's is stopped),
    # downloaded through server one.
    one.stop(worker_one)
    second = _start_merge(browser, db, people[:2])
    assert _wait_done(db, second) == "done", _log(worker_two)
    [(workers,)] = _rows(
        db,
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE args_kwargs::text LIKE %s",
        (f'%"job_id": {second},%',),
    )
    assert workers == ["two-worker"]
    status, _, data = browser.get(f"/letters/jobs/{second}/download/")
    assert status == 200
    assert len([n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith(".txt")]) == 2
    letter = _rows(db, "SELECT id FROM letters_letterrecord WHERE job_id = %s LIMIT 1", (second,))
    status, _, body = browser.get(f"/letters/sent/{letter[0][0]}/")
    assert status == 200 and body

    # An edit through server one (each row's personal line) is seen through server two.
    status, _, page = on_two.get(f"/letters/jobs/{job}/")
    assert status == 200 and page.count(b"Written through server one.") >= 3
