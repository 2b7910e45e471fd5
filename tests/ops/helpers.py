"""Running legation in a process of its own, on a database of its own, for the deployment tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url() -> str:
    """The suite's PostgreSQL server, or skip: these tests run in the PostgreSQL run."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL: runs when the suite does (DATABASE_URL=postgres://...)")
    return url


def fresh_database(url: str, name: str, template: str | None = None) -> str:
    """Database `name` on the server of `url`, made anew (empty, or a copy of `template`)."""
    import psycopg

    admin = urllib.parse.urlparse(url)._replace(path="/postgres").geturl()
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    return urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()


def drop_database(url: str, name: str) -> None:
    import psycopg

    admin = urllib.parse.urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(home: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "LEGATION_HOME": str(home),
        "LEGATION_SECURE_COOKIES": "0",
        "LEGATION_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "legation.settings",
        # The tests' own source first (a work tree beside an installed copy).
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    for name in list(env):
        if name.startswith(("LEGATION_DB_", "LEGATION_LOG_", "LEGATION_REQUEST_LOG")):
            env.pop(name)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def legation(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "legation", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def script(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Python code run after django.setup() in a new process; its last stdout line is JSON."""
    prelude = "import django, json, sys\ndjango.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def result(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
