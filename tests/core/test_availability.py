"""One long operation never locks everyone out: the web server, a preview, a backup, the worker.

Real processes on a database of their own (SQLite in a fresh LEGATION_HOME, or a fresh PostgreSQL
database when the suite runs on PostgreSQL): `serve` with its job worker, a long import preview
and a long backup (each held open by its test hook), and eight clients logging in meanwhile.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.homes import migrated_postgres, migrated_sqlite

PASSWORD = "a-long-passphrase-for-avail"
CLIENTS = 8
PEOPLE_HEADER = "ref,family_name,given_name,name_zh,title,organisation,sector,region,email\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_url(name: str) -> str | None:
    """A fresh PostgreSQL database beside the suite's, when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    return migrated_postgres(url, name)  # `init` follows: only the migrations are skipped


def _drop_postgres(name: str) -> None:
    import psycopg

    admin = urllib.parse.urlparse(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Home:
    """A LEGATION_HOME (and database) of its own, and how to run `legation` against it."""

    def __init__(self, path: Path, database_url: str | None) -> None:
        self.path = path
        self.env = {
            **os.environ,
            "LEGATION_HOME": str(path),
            "LEGATION_SECURE_COOKIES": "0",
            "DJANGO_SETTINGS_MODULE": "legation.settings",
        }
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        else:
            migrated_sqlite(path)  # `init` follows: only the migrations are skipped

    def run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "legation", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            **kwargs,
        )
        assert done.returncode == 0, done.stderr
        return done

    def python(self, code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        """A process whose output goes to a file (never a pipe that could fill and block it)."""
        self.started = getattr(self, "started", 0) + 1
        log = self.path.parent / f"process-{self.started}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, *args],
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process.log = log  # type: ignore[attr-defined]
        return process


def output(process: subprocess.Popen) -> str:
    return process.log.read_text(errors="replace")  # type: ignore[attr-defined]


def _make_home(tmp_path: Path, name: str) -> tuple[Home, str | None]:
    url = _postgres_url(name)
    home = Home(tmp_path / "home", url)
    home.run("init")
    return home, name if url else None


@pytest.fixture
def ledger(tmp_path):
    """The tiny demo mission and a head of mission's login, in a database of its own."""
    home, pg = _make_home(tmp_path, "legation_test_avail_ledger")
    home.python("from legation.demo.generator import generate; generate(size='tiny', seed=4)")
    home.run(
        "createuser", "li", "--role", "head_of_mission", "--mission", "DEMO-US",
        "--clearance", "restricted", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    yield home
    if pg:
        _drop_postgres(pg)


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"ended before its pause ({process.returncode}): {output(process)}")
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} did not appear in {seconds} s")
        time.sleep(0.1)


def _serve(home: Home, port: int) -> subprocess.Popen:
    server = home.start(
        "-c",
        "import django; django.setup();"
        "from legation.ops.management.commands.serve import serve;"
        f"serve('127.0.0.1', {port}, 8)",
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            _stop(server)
            pytest.fail(f"the server did not start: {output(server)}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _request(port, method, path, cookies, body=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}/accounts/login/"
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    for header, value in resp.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    conn.close()
    return resp.status, resp.getheader("Location", ""), text, time.perf_counter() - started


def _client(port: int, results: list) -> None:
    """Log in through the login page, then read three pages; every answer is recorded."""
    cookies: dict[str, str] = {}
    status, _, body, took = _request(port, "GET", "/accounts/login/", cookies)
    results.append(("login page", status, took))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    form = urllib.parse.urlencode(
        {"username": "li", "password": PASSWORD, "next": "/", "csrfmiddlewaretoken": token[1]}
    )
    status, location, _, took = _request(port, "POST", "/accounts/login/", cookies, form)
    results.append(("login", status, took))
    if status != 302 or location != "/":
        results.append(("login refused", 0, took))
        return
    for path in ("/", "/people/", "/engagements/"):
        status, _, _, took = _request(port, "GET", path, cookies)
        results.append((path, status, took))


def _people_file(folder: Path, count: int) -> Path:
    path = folder / "people.csv"
    path.write_text(
        PEOPLE_HEADER
        + "".join(
            f"AV{i},Tester{i},Ann,,,,business,US-CA,av{i}@example.org\n" for i in range(count)
        )
    )
    return path


def test_logins_and_pages_go_on_during_a_long_preview_and_a_long_backup(ledger, tmp_path):
    port = _free_port()
    server = _serve(ledger, port)
    paused = tmp_path / "preview.paused"
    preview = ledger.start(
        "-m", "legation", "import", "people", str(_people_file(tmp_path, 30)),
        "--mission", "DEMO-US", "--dry-run",
        env={
            "LEGATION_TEST_IMPORT_PAUSE_AT": "5",
            "LEGATION_TEST_IMPORT_PAUSE_FILE": str(paused),
        },
    )  # fmt: skip
    backup_paused = tmp_path / "backup.paused"
    backup = ledger.start(
        "-m", "legation", "backup", str(tmp_path / "during.zip"),
        env={
            "LEGATION_TEST_BACKUP_PAUSE": "12",
            "LEGATION_TEST_BACKUP_PAUSE_FILE": str(backup_paused),
        },
    )  # fmt: skip
    try:
        _wait_for(paused, preview)  # the preview is in the middle of its rehearsal
        _wait_for(backup_paused, backup)  # the backup is in the middle of its read
        results: list = []
        clients = [threading.Thread(target=_client, args=(port, results)) for _ in range(CLIENTS)]
        started = time.perf_counter()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=120)
        elapsed = time.perf_counter() - started
        errors = [r for r in results if r[1] >= 500 or r[1] == 0]
        assert not errors, errors
        logins = [r for r in results if r[0] == "login"]
        assert len(logins) == CLIENTS and {r[1] for r in logins} == {302}
        assert len(results) == CLIENTS * 5
        assert max(r[2] for r in results) < 15, sorted(results, key=lambda r: -r[2])[:3]
        assert preview.poll() is None, "the preview was still running while the clients worked"
        assert elapsed < 60
        # The backup finishes after its pause, complete.
        assert backup.wait(timeout=120) == 0, output(backup)
        assert "rows of" in output(backup) and (tmp_path / "during.zip").exists()
    finally:
        for process in (preview, backup, server):
            _stop(process)
    # The preview wrote nothing.
    count = ledger.python(
        "from legation.people.models import Person;"
        "print(Person.objects.filter(ref__startswith='AV').count())"
    )
    assert count.strip() == "0"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _worker_of(server: subprocess.Popen, other_than: int | None = None, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for pid in _children(server.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"worker" in cmdline and pid != other_than:
                return pid
        time.sleep(0.2)
    return None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_serve_starts_its_job_worker_again_when_it_is_killed(tmp_path):
    home, pg = _make_home(tmp_path, "legation_test_avail_serve")
    port = _free_port()
    server = _serve(home, port)
    try:
        first = _worker_of(server)
        assert first is not None, "serve started no worker"
        os.kill(first, signal.SIGKILL)
        second = _worker_of(server, other_than=first)
        assert second is not None, "the killed worker was not started again"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
    finally:
        _stop(server)
        if pg:
            _drop_postgres(pg)
    deadline = time.monotonic() + 15  # the worker stops with the server
    while _running(second) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(second)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_worker_outlasts_a_locked_database_and_then_runs_jobs(tmp_path):
    """SQLite's "database is locked" (a writer held the lock past the wait) does not stop it."""
    home = Home(tmp_path / "home", None)  # the lock is SQLite's: always the embedded database
    home.run("init")
    worker = home.start("-m", "legation", "worker", "--interval", "0.2")
    database = home.path / "legation.sqlite3"
    try:
        time.sleep(3)  # started and polling the queue
        assert worker.poll() is None, output(worker)
        holder = sqlite3.connect(database, isolation_level=None, timeout=30)
        holder.execute("BEGIN EXCLUSIVE")  # no other connection may write, nor start to
        time.sleep(23)  # past the 20 s every connection waits for the lock
        alive = worker.poll() is None
        holder.execute("ROLLBACK")
        holder.close()
        assert alive, output(worker)
        home.python(
            "from legation.letters.merge.jobs import produce_merge_job;"
            "produce_merge_job.enqueue(job_id=999999, user_id=1)"
        )
        deadline = time.monotonic() + 30
        status = ""
        reader = sqlite3.connect(database, timeout=30)
        while time.monotonic() < deadline and status != "SUCCESSFUL":
            time.sleep(0.2)
            (status,) = reader.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult"
            ).fetchone()
        reader.close()
        assert status == "SUCCESSFUL"
        assert worker.poll() is None
    finally:
        _stop(worker)


def test_a_login_while_the_database_stays_locked_fails_cleanly_and_then_succeeds(tmp_path):
    """Past the lock wait (here 1 s) the login answers 503 "try again", not 500; then it works."""
    home = Home(tmp_path / "home", None)  # the lock is SQLite's: always the embedded database
    home.env["LEGATION_DB_TIMEOUT"] = "1"
    home.run("init")
    home.run("createuser", "li", "--role", "administrator", "--password-stdin", input=PASSWORD)
    port = _free_port()
    server = _serve(home, port)
    try:
        cookies: dict[str, str] = {}
        _, _, body, _ = _request(port, "GET", "/accounts/login/", cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
        form = urllib.parse.urlencode(
            {"username": "li", "password": PASSWORD, "next": "/", "csrfmiddlewaretoken": token}
        )
        holder = sqlite3.connect(home.path / "legation.sqlite3", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            status, _, text, took = _request(port, "POST", "/accounts/login/", cookies, form)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert status == 503 and "The database is busy" in text and took < 10
        status, location, _, _ = _request(port, "POST", "/accounts/login/", cookies, form)
        assert (status, location) == (302, "/")
        status, _, text, _ = _request(port, "GET", "/", cookies)
        assert status == 200
    finally:
        _stop(server)
