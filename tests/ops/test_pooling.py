"""Connection pooling on PostgreSQL, for real: pgbouncer in transaction mode in front of the
suite's PostgreSQL, and Django's own pool (psycopg_pool), each under `legation init`, ORM work
with an iterator over thousands of rows, and pages through the test client, in processes of
their own. What the settings make of the variables is checked on both databases."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.ops.helpers import (
    drop_database,
    environment,
    free_port,
    fresh_database,
    legation,
    postgres_url,
    result,
    script,
)

PASSWORD = "a-long-passphrase-for-pooling"

# What legation.settings makes of each environment, read in one process (the module imported
# anew for each).
SETTINGS = """
import importlib, os
cases = json.loads(sys.stdin.read())
answers = []
for case in cases:
    for name in ("DATABASE_URL", "LEGATION_DB_POOL", "LEGATION_DB_POOL_TIMEOUT",
                 "LEGATION_DB_PGBOUNCER", "LEGATION_DB_PARALLEL_WORKERS"):
        os.environ.pop(name, None)
    os.environ.update(case)
    sys.modules.pop("legation.settings", None)
    db = importlib.import_module("legation.settings").DATABASES["default"]
    answers.append({k: db.get(k) for k in ("CONN_MAX_AGE", "DISABLE_SERVER_SIDE_CURSORS",
                                           "OPTIONS")})
print(json.dumps(answers))
"""


def test_what_the_variables_turn_on(tmp_path):
    pg = "postgres://legation@db.example.org:5432/legation"
    bouncer = pg.replace(":5432", ":6432")
    cases = [
        {"DATABASE_URL": pg},
        {"DATABASE_URL": pg, "LEGATION_DB_PGBOUNCER": "1"},
        {"DATABASE_URL": bouncer},
        {"DATABASE_URL": bouncer, "LEGATION_DB_PGBOUNCER": "0"},
        {"DATABASE_URL": pg, "LEGATION_DB_POOL": "1"},
        {"DATABASE_URL": pg, "LEGATION_DB_POOL": "20", "LEGATION_DB_POOL_TIMEOUT": "3"},
        {"DATABASE_URL": pg, "LEGATION_DB_POOL": "0"},
        {"LEGATION_DB_POOL": "4"},
        {"DATABASE_URL": pg, "LEGATION_DB_PARALLEL_WORKERS": "2"},
    ]
    env = environment(tmp_path, None)
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys\n" + SETTINGS],
        env=env,
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    plain, said, guessed, overruled, on, sized, off, sqlite, parallel = result(done)
    assert plain["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "pool" not in plain["OPTIONS"]
    assert plain["CONN_MAX_AGE"] == 60

    # pgbouncer: said, or guessed from its own port 6432, and the guess can be overruled.
    assert said["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert guessed["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert overruled["DISABLE_SERVER_SIDE_CURSORS"] is False

    # The pool: "1" for the default size, a number for the largest size; never with
    # persistent connections.
    assert on["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10.0}
    assert on["CONN_MAX_AGE"] == 0
    assert sized["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 3.0}
    assert "pool" not in off["OPTIONS"]
    # SQLite has no pool: the variable changes nothing there.
    assert "pool" not in sqlite["OPTIONS"]
    # SQLite keeps its connections too (a new one parses the schema and starts cold)
    assert sqlite["CONN_MAX_AGE"] == 60

    # No parallel workers for a page's query unless asked; pgbouncer refuses the startup
    # option, so behind it the database's own setting applies.
    assert plain["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=0"
    assert parallel["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=2"
    assert "options" not in said["OPTIONS"] and "options" not in guessed["OPTIONS"]
    assert "options" not in sqlite["OPTIONS"]


@pytest.mark.django_db
def test_the_connection_starts_no_parallel_workers():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


# Thousands of rows read with iterator() in chunks while another client holds, inside an open
# transaction, the server connection the iterator's first chunk came from; then pages.
WORK = r"""
import psycopg
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

if not Group.objects.filter(name__startswith="pool-test-").exists():
    Group.objects.bulk_create([Group(name=f"pool-test-{i:05d}") for i in range(5000)])
db = settings.DATABASES["default"]
rows = Group.objects.filter(name__startswith="pool-test-").order_by("name").iterator(chunk_size=100)
names = [next(rows).name]
other = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
other.execute("SELECT 1")  # not in autocommit: the transaction stays open, its server taken
error = None
try:
    names.extend(g.name for g in rows)
except Exception as exc:
    error = f"{type(exc).__name__}: {exc}"
other.rollback()
other.close()
connection.close()

pages = {}
if error is None:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    for path in ("/", "/people/", "/engagements/", "/search/?q=pool", "/readyz"):
        pages[path] = client.get(path).status_code
print(json.dumps({
    "server_side_cursors_off": db["DISABLE_SERVER_SIDE_CURSORS"],
    "rows": len(names),
    "in_order": names == sorted(names),
    "error": error,
    "pages": pages,
}))
"""


class PgBouncer:
    """pgbouncer in transaction mode on a free port, in front of the suite's PostgreSQL."""

    def __init__(self, upstream: str) -> None:
        self.binary = shutil.which("pgbouncer") or (
            "/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None
        )
        self.upstream = urllib.parse.urlparse(upstream)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        # Not under pytest's private temporary folder: pgbouncer started as root runs as the
        # postgres user, who must read its files.
        self.folder = Path(tempfile.mkdtemp(prefix="legation-pgbouncer-"))

    def start(self) -> None:
        self.folder.chmod(0o755)
        user = self.upstream.username or "postgres"
        users = self.folder / "users.txt"
        users.write_text(f'"{user}" ""\n')
        lines = [
            "[databases]",
            f"* = host={self.upstream.hostname or '127.0.0.1'} port={self.upstream.port or 5432}",
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            f"listen_port = {self.port}",
            "unix_socket_dir =",
            "auth_type = trust",
            f"auth_file = {users}",
            "pool_mode = transaction",
            # Two server connections for every client: whichever transaction comes next gets
            # whichever is free, as in production under load.
            "default_pool_size = 2",
            "max_client_conn = 100",
        ]
        if os.geteuid() == 0:
            lines.append("user = postgres")  # pgbouncer refuses to run as root
        config = self.folder / "pgbouncer.ini"
        config.write_text("\n".join(lines) + "\n")
        for path in (users, config):
            path.chmod(0o644)
        self.log = (self.folder / "pgbouncer.log").open("w")
        self.process = subprocess.Popen(
            [self.binary, str(config)], stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("pgbouncer did not listen within 30 s:\n" + self.output())

    def output(self) -> str:
        self.log.flush()
        return (self.folder / "pgbouncer.log").read_text()[-3000:]

    def url(self, name: str) -> str:
        user = self.upstream.username or "postgres"
        return f"postgres://{user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if hasattr(self, "log"):
            self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def bouncer():
    """pgbouncer running for the module, or None where it is not installed."""
    url = postgres_url()
    bouncer = PgBouncer(url)
    if bouncer.binary is None:
        yield None
        return
    try:
        bouncer.start()
        yield bouncer
    finally:
        bouncer.stop()


@pytest.fixture(scope="module")
def migrated(bouncer, tmp_path_factory):
    """A database of its own, migrated and seeded by `legation init` through pgbouncer (straight
    where pgbouncer is not installed), with an administrator; shared by the module's tests (an
    init costs a minute on a busy machine)."""
    url = postgres_url()
    name = f"legation_pooling_{os.getpid()}"
    fresh_database(url, name)
    try:
        home = tmp_path_factory.mktemp("home")
        if bouncer is None:
            env = environment(home, urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl())
        else:
            env = environment(home, bouncer.url(name), LEGATION_DB_PGBOUNCER="1")
        done = legation(env, "init")
        assert done.returncode == 0, done.stderr[-3000:] + (bouncer.output() if bouncer else "")
        done = legation(
            env,
            "createuser",
            "admin",
            "--role",
            "administrator",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert done.returncode == 0, done.stderr[-3000:]
        yield name
    finally:
        drop_database(url, name)


def test_pgbouncer_in_transaction_mode(bouncer, migrated, tmp_path):
    if bouncer is None:
        pytest.skip("pgbouncer is not installed (setup.sh installs it where apt-get is available)")
    env = environment(tmp_path, bouncer.url(migrated), LEGATION_DB_PGBOUNCER="1")
    work = result(script(env, WORK))
    assert work["server_side_cursors_off"] is True
    assert work["error"] is None
    assert work["rows"] == 5000 and work["in_order"]
    assert work["pages"] == {
        "/": 200,
        "/people/": 200,
        "/engagements/": 200,
        "/search/?q=pool": 200,
        "/readyz": 200,
    }

    # The job worker holds a session-level lock on the merge it produces: it refuses to start
    # through transaction pooling rather than leave a killed worker's merge "running" for ever.
    worker = legation(env, "worker")
    assert worker.returncode != 0
    assert "needs a database session of its own" in worker.stderr, worker.stderr

    # Why the setting: with server-side cursors the iterator's next chunk reaches a server
    # connection its cursor does not live on.
    env["LEGATION_DB_PGBOUNCER"] = "0"
    env["LEGATION_DB_PARALLEL_WORKERS"] = ""  # (pgbouncer refuses the startup option it sets)
    broken = result(script(env, WORK))
    assert broken["server_side_cursors_off"] is False
    assert broken["error"] is not None and "does not exist" in broken["error"], broken


# Django's pool: eight threads share at most four PostgreSQL connections.
POOLED = r"""
from concurrent.futures import ThreadPoolExecutor

import psycopg
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection, connections
from django.test import Client

db = settings.DATABASES["default"]
admin = User.objects.get(username="admin")
if not Group.objects.filter(name__startswith="pooled-").exists():
    Group.objects.bulk_create([Group(name=f"pooled-{i:05d}") for i in range(3000)])
rows = sum(1 for _ in Group.objects.filter(name__startswith="pooled-").iterator(chunk_size=200))
connections.close_all()

def work(i):
    client = Client()
    client.force_login(admin)
    statuses = [client.get(path).status_code for path in ("/", "/people/", "/readyz")]
    statuses.append(Group.objects.filter(name__startswith="pooled-").count())
    connections.close_all()  # what the end of a request does: back to the pool
    return statuses

with ThreadPoolExecutor(8) as pool:
    answers = list(pool.map(work, range(32)))
stats = connection.pool.get_stats()
with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres") as c:
    backends = c.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
        [db["NAME"], db["OPTIONS"]["application_name"]],
    ).fetchone()[0]
print(json.dumps({
    "conn_max_age": db["CONN_MAX_AGE"],
    "rows": rows,
    "answers": sorted({tuple(a) for a in answers}),
    "pool_max": stats["pool_max"],
    "requests": stats.get("requests_num", 0),
    "backends": backends,
}))
"""


def test_django_connection_pool(migrated, tmp_path):
    """Straight to PostgreSQL (the database pgbouncer's test migrated), through Django's pool."""
    # Named, to count its connections apart from pgbouncer's to the same database.
    pooled = (
        urllib.parse.urlparse(postgres_url())
        ._replace(path=f"/{migrated}", query="application_name=legation-pooled")
        .geturl()
    )
    env = environment(tmp_path, pooled, LEGATION_DB_POOL="4")
    done = legation(env, "init")  # again, through the pool: nothing left to migrate
    assert done.returncode == 0, done.stderr[-3000:]
    work = result(script(env, POOLED))
    assert work["conn_max_age"] == 0
    assert work["rows"] == 3000
    assert work["answers"] == [[200, 200, 200, 3000]]
    assert work["pool_max"] == 4
    assert work["requests"] >= 32  # every thread's every request borrowed from the pool
    assert 1 <= work["backends"] <= 4, json.dumps(work)
