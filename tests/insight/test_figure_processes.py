"""Figures kept in one process's own cache stay right when other processes write.

Real processes on one database (a SQLite file, or a PostgreSQL database of its own when the
tests run on PostgreSQL): a process keeps the head of mission's tenure in Django's default
per-process cache; a write in the other mission by another process leaves it cached, a meeting
of the posting written by another process shows at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("figure_process.py")


@pytest.fixture
def database_env(tmp_path):
    env = {
        **os.environ,
        "LEGATION_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "legation.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    env.pop("DATABASE_URL", None)
    if connection.vendor != "postgresql":
        yield env
        return
    import psycopg

    params = connection.settings_dict
    name = f"legation_procs_{uuid.uuid4().hex[:8]}"
    admin = {
        "host": params["HOST"], "port": params["PORT"] or 5432, "user": params["USER"],
        "password": params["PASSWORD"] or None, "dbname": "postgres", "autocommit": True,
    }  # fmt: skip
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    env["DATABASE_URL"] = (
        f"postgres://{params['USER']}{password}@{params['HOST']}:{admin['port']}/{name}"
    )
    try:
        yield env
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(role: str, env: dict) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), role], env=env, cwd=ROOT, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_process_cache_follows_writes_of_other_processes(database_env):
    run("setup", database_env)
    server = subprocess.Popen(
        [sys.executable, str(SCRIPT), "serve"], env=database_env, cwd=ROOT, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip

    def tenure() -> dict:
        server.stdin.write("tenure\n")
        server.stdin.flush()
        line = server.stdout.readline()
        assert line, server.stderr.read()[-2000:]
        return json.loads(line)

    try:
        assert tenure() == {"computed": 1, "engagements": 1}
        assert tenure() == {"computed": 1, "engagements": 1}  # from its own cache
        run("write-other", database_env)
        assert tenure() == {"computed": 1, "engagements": 1}  # another mission: still cached
        run("write-own", database_env)
        assert tenure() == {"computed": 2, "engagements": 2}  # its own mission: at once
        assert tenure() == {"computed": 2, "engagements": 2}
    finally:
        server.stdin.close()
        server.wait(timeout=60)
