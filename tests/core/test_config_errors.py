"""A wrong setting in the environment is one line naming the variable, and exit status 2; never a
traceback, never the database URL's password."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse

import pytest


def _legation(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "legation", "stats"],
        env={**clean, "LEGATION_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LEGATION_TIME_ZONE": "Mars/Olympus"}, "LEGATION_TIME_ZONE: unknown time zone"),
        ({"LEGATION_TIME_ZONE": "../../etc/passwd"}, "LEGATION_TIME_ZONE: unknown time zone"),
        ({"DATABASE_URL": "mongo://ops:hunter2@db/x"}, "DATABASE_URL: 'mongo' is not a database"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL: not a URL"),
        ({"LEGATION_CACHE_URL": "memcached://h"}, "LEGATION_CACHE_URL: unknown cache"),
        ({"LEGATION_DB_TIMEOUT": "abc"}, "LEGATION_DB_TIMEOUT: 'abc' is not a number"),
        ({"LEGATION_WARM_SECONDS": "soon"}, "LEGATION_WARM_SECONDS: 'soon' is not a number"),
        ({"LEGATION_RENDER_PROCESSES": "2.5"}, "LEGATION_RENDER_PROCESSES: '2.5' is not a whole"),
        ({"LEGATION_DB_TIMEOUT": "-5"}, "LEGATION_DB_TIMEOUT: '-5' is not a number of zero or"),
        ({"LEGATION_WARM_SECONDS": "nan"}, "LEGATION_WARM_SECONDS: 'nan' is not a number of zero"),
        ({"LEGATION_DB_POOL": "abc"}, "LEGATION_DB_POOL: 'abc' is not a whole number"),
        ({"LEGATION_DB_POOL": "-1"}, "LEGATION_DB_POOL: '-1' is not a whole number of zero or"),
        (
            {"LEGATION_DB_POOL": "abc", "DATABASE_URL": "postgres://ops:hunter2@127.0.0.1:1/x"},
            "LEGATION_DB_POOL: 'abc' is not a whole number",
        ),
        (
            {
                "LEGATION_DB_PARALLEL_WORKERS": "two",
                "DATABASE_URL": "postgres://ops:hunter2@127.0.0.1:1/x",
            },
            "LEGATION_DB_PARALLEL_WORKERS: 'two' is not a whole number",
        ),
        ({"LEGATION_STORAGE_OPTIONS": "{bad"}, "LEGATION_STORAGE_OPTIONS: not valid JSON"),
        ({"LEGATION_STORAGE_OPTIONS": "[1]"}, "LEGATION_STORAGE_OPTIONS: not a JSON object"),
        ({"LEGATION_LOG_LEVEL": "LOUD"}, "LEGATION_LOG_LEVEL: 'LOUD' is not a level"),
        ({"LEGATION_LOG_FORMAT": "xml"}, "LEGATION_LOG_FORMAT: 'xml' is neither text nor json"),
        ({"LEGATION_PLAIN_HTTP": "2"}, "LEGATION_PLAIN_HTTP: '2' is neither on nor off"),
        ({"LEGATION_DEBUG": "maybe"}, "LEGATION_DEBUG: 'maybe' is neither on nor off"),
        ({"LEGATION_HOME": "/proc/nowhere"}, "LEGATION_HOME: the folder /proc/nowhere cannot be"),
        (
            {"DATABASE_URL": "postgres://ops:hunter2@127.0.0.1:notaport/db"},
            "DATABASE_URL: the port is not a number",
        ),
        (
            {"DATABASE_URL": "mysql://ops:hunter2@127.0.0.1/x"},
            "DATABASE_URL: 'mysql' is not a database legation can use: legation supports "
            "SQLite and PostgreSQL only",
        ),
    ],
)
def test_a_wrong_setting_is_one_line_and_status_2(tmp_path, env, named):
    out = _legation(tmp_path, **env)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("legation: the configuration is not valid: " + named)
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "hunter2" not in out.stderr + out.stdout
    assert not list(tmp_path.glob("*.sqlite3"))  # nothing was created or touched


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/no/such/folder/x.sqlite3",
        "postgres://ops:hunter2@127.0.0.1:1/x",
    ],
)
def test_a_database_that_cannot_be_reached_is_one_line_and_status_2(tmp_path, url):
    out = _legation(tmp_path, DATABASE_URL=url.format(tmp=tmp_path))
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("legation: the database cannot be reached: ")
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "hunter2" not in out.stderr


def test_a_good_time_zone_is_taken(tmp_path):
    out = _legation(tmp_path, LEGATION_TIME_ZONE="Asia/Shanghai")
    assert "not valid" not in out.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LEGATION_STORAGE_BACKEND": "storages.nowhere.S3Storage"}, "LEGATION_STORAGE_BACKEND: "),
        (
            {"LEGATION_STORAGE_BACKEND": "django.core.files.storage.NoSuchStorage"},
            "LEGATION_STORAGE_BACKEND: ",
        ),
        ({"LEGATION_STORAGE_OPTIONS": '{"bucket": "x"}'}, "LEGATION_STORAGE_BACKEND, LEGATION_"),
    ],
)
def test_a_storage_backend_that_cannot_be_made_is_one_line_and_status_2(tmp_path, env, named):
    """Found before any command (not at the first stored file, or halfway through a backup)."""
    out = _legation(tmp_path, **env)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("legation: the configuration is not valid: " + named)
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def _serve(tmp_path, *args: str) -> subprocess.CompletedProcess:
    from tests.homes import migrated_sqlite

    migrated_sqlite(tmp_path)
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; `serve` refuses it.
    unset = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "legation", "serve", "--plain-http", *args],
        env={**clean, "LEGATION_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("port", ["70000", "0", "-1", "http"])
def test_a_port_out_of_range_is_an_error_not_a_traceback(tmp_path, port):
    out = _serve(tmp_path, "--check-only", "--port", port)
    assert out.returncode == 2
    assert f"argument --port: '{port}' is not a port number (1 to 65535)" in out.stderr
    assert "Traceback" not in out.stderr


def test_an_address_serve_cannot_listen_on_is_one_line_before_serving(tmp_path):
    """A port in use, an address not on this machine: said before "Serving legation on …",
    exit status 2, no traceback."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for host, why in [("127.0.0.1", "in use"), ("192.0.2.55", "assign requested address")]:
            out = _serve(tmp_path, "--host", host, "--port", port)
            assert out.returncode == 2, out.stderr
            assert "Serving legation" not in out.stdout
            assert "Traceback" not in out.stderr
            assert len(out.stderr.strip().splitlines()) == 1, out.stderr
            assert f"--host {host} --port {port}: cannot listen there" in out.stderr
            assert why in out.stderr


def _postgres_server() -> urllib.parse.SplitResult:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the suite runs on SQLite: no PostgreSQL server to reach")
    return urllib.parse.urlsplit(url)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"path": "/legation_no_such_database"}, 'database "legation_no_such_database" does not'),
        ({"user": "legation_no_such_role"}, 'role "legation_no_such_role" does not exist'),
        ({"port": 1}, "port 1 failed: Connection refused"),
    ],
    ids=["database", "role", "port"],
)
def test_with_the_pool_a_wrong_database_url_says_why_at_once(tmp_path, change, reason):
    """With LEGATION_DB_POOL the reason is PostgreSQL's own, at once: not "couldn't get a
    connection after 10.00 sec" after the pool's timeout, with the reason only in its warnings."""
    import time

    server = _postgres_server()
    user = change.get("user", server.username or "postgres")
    port = change.get("port", server.port or 5432)
    path = change.get("path", server.path)
    url = f"postgres://{user}:hunter2@{server.hostname}:{port}{path}"
    started = time.monotonic()
    out = _legation(tmp_path, DATABASE_URL=url, LEGATION_DB_POOL="1", LEGATION_DB_POOL_TIMEOUT="60")
    assert time.monotonic() - started < 50  # not the pool's timeout
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("legation: the database cannot be reached: ")
    assert reason in out.stderr
    assert "couldn't get a connection" not in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "hunter2" not in out.stderr


def test_with_the_pool_a_good_database_url_is_taken(tmp_path):
    server = _postgres_server()
    out = subprocess.run(
        [sys.executable, "-m", "legation", "check", "--database", "default"],
        env={
            **os.environ,
            "LEGATION_HOME": str(tmp_path),
            "DATABASE_URL": server._replace(path="/postgres").geturl(),  # one that exists
            "LEGATION_DB_POOL": "2",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
