"""`legation serve` as a real server: gunicorn's worker processes, the job worker beside them,
a reverse proxy that terminates TLS (and a client that only claims to be one), plain HTTP when the
operator says so, and a stop that leaves no process behind.

Each test starts `legation serve` (or `legation demo`) as a process on a free port, on a database
of its own: SQLite, or a fresh PostgreSQL database when the suite runs on PostgreSQL.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.core.test_availability import (
    PASSWORD,
    Home,
    _children,
    _drop_postgres,
    _free_port,
    _postgres_url,
    _running,
    output,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

# An access log line: address, time, request, status, size, duration, the answering process.
ACCESS = re.compile(r'^(\S+) \[[^\]]+\] "(\w+) (\S+) [^"]*" (\d{3}) \S+ \d+ms <(\d+)>', re.M)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """The tiny demo mission and a head of mission's login, in a database of this module's."""
    folder = tmp_path_factory.mktemp("serving")
    name = "legation_test_serving"
    url = _postgres_url(name)
    home = Home(folder / "home", url)
    home.run("init")
    home.python("from legation.demo.generator import generate; generate(size='tiny', seed=4)")
    home.run(
        "createuser", "li", "--role", "head_of_mission", "--mission", "DEMO-US",
        "--clearance", "restricted", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    # Production settings: HTTPS redirect, Secure cookies and HSTS unless a test says otherwise.
    home.env.pop("LEGATION_SECURE_COOKIES")
    home.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, refused by serve
    yield home
    if url:
        _drop_postgres(name)


def _argv(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def _web_workers(master: int) -> list[int]:
    """Gunicorn's workers: forks of the master, with its command line."""
    return [pid for pid in _children(master) if _argv(pid) == _argv(master)]


def _job_workers(master: int) -> list[int]:
    return [pid for pid in _children(master) if "worker" in _argv(pid)[1:4]]


def _until(condition, seconds: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} did not come within {seconds} s")


def _start(home: Home, *args: str, env: dict | None = None) -> subprocess.Popen:
    """`legation serve …` (or demo), answering HTTP, with all its worker processes booted."""
    process = home.start("-m", "legation", *args, env=env)
    port = int(args[args.index("--port") + 1])
    deadline = time.monotonic() + 120  # a loaded machine starts Django slowly
    while True:
        try:
            _get(port, "/healthz")  # any answer: it may be a redirect to HTTPS
            break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"the server did not start: {output(process)}")
        time.sleep(0.3)
    return process


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(port: int, path: str, headers: dict | None = None, method: str = "GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, dict(response.getheaders()), response.msg, text
    finally:
        conn.close()


def _cookies(msg) -> dict[str, str]:
    """Set-Cookie headers by cookie name, whole (attributes included)."""
    return {v.split("=", 1)[0]: v for v in msg.get_all("Set-Cookie") or []}


def _answered(process: subprocess.Popen) -> list[tuple[str, str, str, int, int]]:
    """(client address, method, path, status, pid) of every access log line so far."""
    return [
        (addr, method, path, int(status), int(pid))
        for addr, method, path, status, pid in ACCESS.findall(output(process))
    ]


def _login(port: int, headers: dict, origin: str) -> dict[str, str]:
    """Log `li` in through the login page; the session and CSRF cookies, by name."""
    status, _, msg, body = _get(port, "/accounts/login/", headers)
    assert status == 200, body
    cookies = {k: v.split(";", 1)[0].split("=", 1)[1] for k, v in _cookies(msg).items()}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    form = urllib.parse.urlencode(
        {"username": "li", "password": PASSWORD, "next": "/", "csrfmiddlewaretoken": token}
    )
    status, head, msg, _ = _get(
        port,
        "/accounts/login/",
        {
            **headers,
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{origin}/accounts/login/",
        },
        "POST",
        form,
    )
    assert (status, head.get("Location")) == (302, "/"), status
    return _cookies(msg)


def test_worker_processes_answer_and_the_job_worker_is_kept_running(ledger):
    """Plain HTTP as the operator said; two processes answer; the job worker and a web worker
    killed are started again; SIGTERM stops them all."""
    port = _free_port()
    server = _start(
        ledger, "serve", "--plain-http", "--workers", "2", "--threads", "2", "--port", str(port)
    )
    try:
        assert "PLAIN HTTP as the operator said (LEGATION_PLAIN_HTTP)" in output(server)
        assert "2 worker process(es) of 2 thread(s)" in output(server)
        web = _until(lambda: len(_web_workers(server.pid)) == 2 and _web_workers(server.pid))
        job = _until(lambda: _job_workers(server.pid), what="the job worker")
        assert len(job) == 1

        # Plain HTTP: no redirect, no HSTS, cookies without Secure.
        status, head, msg, _ = _get(port, "/accounts/login/")
        assert status == 200
        assert "Strict-Transport-Security" not in head
        csrf = _cookies(msg)["csrftoken"]
        assert "; secure" not in csrf.lower()
        session = _login(port, {}, f"http://127.0.0.1:{port}")["sessionid"]
        assert "; secure" not in session.lower()

        # Eight clients at once: both worker processes answer.
        def client() -> None:
            for _ in range(10):
                _get(port, "/accounts/login/")

        for _ in range(10):
            clients = [threading.Thread(target=client) for _ in range(8)]
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join(timeout=120)
            pids = {pid for *_, pid in _answered(server)}
            if len(pids) > 1:
                break
        assert pids <= set(web) and len(pids) == 2, pids
        # The log names the path, never its query string (searches carry people's names).
        before = len(_answered(server))
        _get(port, "/accounts/login/?next=/search/%3Fq%3DSecretName")
        _until(lambda: len(_answered(server)) > before, what="the access log line")
        assert _answered(server)[-1][2] == "/accounts/login/"
        assert "SecretName" not in output(server)

        # The job worker, killed, is started again; so is a web worker.
        os.kill(job[0], signal.SIGKILL)
        again = _until(
            lambda: [p for p in _job_workers(server.pid) if p != job[0]], what="a new job worker"
        )
        os.kill(web[0], signal.SIGKILL)
        _until(lambda: len(set(_web_workers(server.pid)) - {web[0]}) == 2, what="a new web worker")
        assert _get(port, "/healthz")[0] == 200
        everyone = _web_workers(server.pid) + _job_workers(server.pid)
        assert set(again) <= set(everyone)
    finally:
        _stop(server)
    assert server.returncode == 0, output(server)
    _until(lambda: not any(_running(pid) for pid in everyone), 30, "the end of every process")


def test_behind_a_trusted_proxy_pages_are_https_and_cookies_secure(ledger):
    port = _free_port()
    origin = f"https://127.0.0.1:{port}"
    server = _start(
        ledger, "serve", "--port", str(port), env={"LEGATION_TRUSTED_PROXIES": "127.0.0.1"}
    )
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.23"}
    try:
        assert "HTTPS through the reverse proxy at 127.0.0.1" in output(server)
        status, head, msg, _ = _get(port, "/accounts/login/", proxy)
        assert status == 200  # no redirect: the proxy said HTTPS
        assert head["Strict-Transport-Security"].startswith("max-age=")
        assert "; Secure" in _cookies(msg)["csrftoken"]
        cookies = _login(port, proxy, origin)
        assert "; Secure" in cookies["sessionid"]
        session = cookies["sessionid"].split(";", 1)[0]
        status, head, _, _ = _get(port, "/", {**proxy, "Cookie": session})
        assert status == 200 and "Strict-Transport-Security" in head
        # The client's address is the one the proxy forwarded (the access log shows it).
        _until(
            lambda: ("198.51.100.23", "GET", "/", 200) in [a[:4] for a in _answered(server)],
            what="the forwarded address in the access log",
        )
        # A request the proxy says came over plain HTTP is sent to HTTPS, whatever other
        # header claims TLS (gunicorn would believe X-Forwarded-Ssl from 127.0.0.1 by default).
        status, head, _, _ = _get(
            port, "/accounts/login/", {"X-Forwarded-Proto": "http", "X-Forwarded-Ssl": "on"}
        )
        assert (status, head["Location"]) == (301, f"{origin}/accounts/login/")
    finally:
        _stop(server)


def test_forwarded_headers_from_anyone_else_are_ignored(ledger):
    port = _free_port()
    server = _start(
        ledger, "serve", "--port", str(port), env={"LEGATION_TRUSTED_PROXIES": "10.9.8.7"}
    )
    try:
        for claim in (
            {"X-Forwarded-Proto": "https"},
            {"X-Forwarded-Ssl": "on"},
            {"X-Forwarded-Protocol": "ssl"},
            {"Forwarded": "proto=https"},
        ):
            status, head, _, _ = _get(
                port, "/accounts/login/", {**claim, "X-Forwarded-For": "198.51.100.23"}
            )
            assert status == 301 and head["Location"].startswith("https://"), claim
        logged = _until(
            lambda: (
                len([a for a in _answered(server) if a[2] == "/accounts/login/"]) == 4
                and _answered(server)
            ),
            what="the access log",
        )  # written once the answer has gone
        assert {a[0] for a in logged} == {"127.0.0.1"}
    finally:
        _stop(server)


def test_serve_refuses_plain_http_unless_the_operator_says_so(ledger):
    done = subprocess.run(
        [sys.executable, "-m", "legation", "serve", "--check-only"],
        env={**ledger.env, "LEGATION_SECURE_COOKIES": "0"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 1
    assert "security.W012" in done.stderr and "security.W008" in done.stderr
    done = ledger.run("serve", "--plain-http", "--check-only")
    assert "fit for production" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "legation", "serve", "--check-only", "--host", "8.8.8.8"],
        env={**ledger.env, "LEGATION_PLAIN_HTTP": "1"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 1 and "plain HTTP is for a private network" in done.stderr


def test_behind_pgbouncer_serve_starts_no_job_worker(ledger):
    """LEGATION_DB_PGBOUNCER (on by itself for port 6432): the job worker would refuse its
    database session, so `serve` does not start it, and says once how to run it instead."""
    if "DATABASE_URL" not in ledger.env:
        pytest.skip("pgbouncer is PostgreSQL's")
    port = _free_port()
    server = _start(
        ledger,
        "serve",
        "--port",
        str(port),
        env={"LEGATION_TRUSTED_PROXIES": "127.0.0.1", "LEGATION_DB_PGBOUNCER": "1"},
    )
    try:
        _until(lambda: len(_web_workers(server.pid)) >= 1, what="a web worker")
        time.sleep(8)  # the supervisor restarted a failing worker every 5 s
        said = output(server)
        assert said.count("Note: the job worker is not started") == 1, said
        assert "and no job worker;" in said
        assert "needs a database session of its own" not in said
        assert _job_workers(server.pid) == []
        assert _get(port, "/healthz")[0] == 200
    finally:
        _stop(server)


def test_ctrl_c_stops_the_demo_and_all_its_processes(ledger):
    """`legation demo` serves the demo mission already there; Ctrl+C (SIGINT to the terminal's
    process group) stops the master, its workers and the job worker."""
    port = _free_port()
    log = ledger.path.parent / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "legation", "demo", "--port", str(port)],
            env=ledger.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, as a terminal gives it
        )
    demo.log = log  # type: ignore[attr-defined]
    try:
        _until(lambda: _answers(port), 120, "the demo's server")
        workers = _until(lambda: _web_workers(demo.pid), what="the web workers")
        job = _until(lambda: _job_workers(demo.pid), what="the job worker")
        assert _get(port, "/accounts/login/")[0] == 200  # plain HTTP on the loopback address
        os.killpg(demo.pid, signal.SIGINT)
        assert demo.wait(timeout=60) == 0, output(demo)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    assert "The demo mission is already in the database." in output(demo)
    _until(lambda: not any(_running(p) for p in workers + job), 30, "the end of every process")


def _answers(port: int) -> bool:
    try:
        return _get(port, "/healthz")[0] == 200
    except OSError:
        return False


def test_serve_defaults_to_two_single_threaded_processes_per_core(monkeypatch):
    """Threads of one process take turns at Python's lock, so the defaults are processes: two
    per core the server may use, one thread each (the flags still say otherwise)."""
    from io import StringIO

    from django.core.management import call_command

    from legation.ops import server
    from legation.ops.management.commands import serve as command

    started = []
    monkeypatch.setattr(command, "serve", lambda *args, **kwargs: started.append((args, kwargs)))
    monkeypatch.setattr(command, "insecure_reasons", lambda: [])
    monkeypatch.setattr(command, "not_ready", lambda: [])  # no database here
    monkeypatch.setattr(command, "address_weakness", lambda host, port: None)  # nothing binds
    monkeypatch.setattr(server, "cpu_count", lambda: 3)
    out = StringIO()
    call_command("serve", stdout=out)
    assert "with 6 worker process(es) of 1 thread(s)" in out.getvalue()
    [(args, kwargs)] = started
    assert kwargs["workers"] == 6 and args[2] == 1
    call_command("serve", "--workers", "2", "--threads", "3", stdout=out)
    assert started[1][1]["workers"] == 2 and started[1][0][2] == 3
