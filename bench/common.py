"""Shared set-up of the benchmarks: a database with the demo mission, figures and a report.

Benchmarks measure against a baseline run in the same process (hand-written SQL, raw sqlite3,
another renderer), so the ratio means something on any machine. Nothing here is a unit test.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    baseline: float | None = None
    ok: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


@dataclass
class Report:
    title: str
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def print(self) -> None:
        print(f"\n== {self.title}")
        for f in self.figures:
            base = f" baseline {f.baseline:,.1f} {f.unit}" if f.baseline is not None else ""
            ratio = f" ratio {f.ratio:.2f}x" if f.ratio is not None else ""
            verdict = "" if f.ok is None else (" OK" if f.ok else " MISSED")
            target = f" (target {f.target})" if f.target else ""
            note = f"  [{f.note}]" if f.note else ""
            print(f"  {f.name:<48} {f.value:>10,.1f} {f.unit}{base}{ratio}{target}{verdict}{note}")


def timed(fn: Callable[[], object], repeat: int = 5) -> list[float]:
    """Milliseconds of each of `repeat` runs (after one warm-up run)."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(samples: list[float]) -> float:
    if len(samples) < 20:
        return max(samples)
    return statistics.quantiles(samples, n=20)[-1]


def bench_database_url() -> str | None:
    """PostgreSQL for the benchmarks when LEGATION_BENCH_DATABASE_URL names one; else SQLite."""
    return os.environ.get("LEGATION_BENCH_DATABASE_URL") or None


def engine() -> str:
    return "PostgreSQL" if bench_database_url() else "SQLite"


def _create_postgres_database(url: str) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = urllib.parse.urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_env(home: Path) -> dict[str, str]:
    """The environment of a `legation` command run against the bench database."""
    env = {**os.environ, "LEGATION_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if bench_database_url():
        env["DATABASE_URL"] = bench_database_url()
    return env


def bench_home(size: str) -> Path:
    """A LEGATION_HOME holding the demo of `size`, generated once and reused.

    SQLite in the home directory, or the PostgreSQL database LEGATION_BENCH_DATABASE_URL names.
    """
    url = bench_database_url()
    default = Path(tempfile.gettempdir()) / f"legation-bench-{size}"
    home = Path(os.environ.get("LEGATION_BENCH_HOME", default))
    suffix = "-" + urllib.parse.urlparse(url).path.lstrip("/") if url else ""
    marker = home / f"demo-{size}{suffix}.done"
    if not marker.exists():
        home.mkdir(parents=True, exist_ok=True)
        if url:
            _create_postgres_database(url)
        env = bench_env(home)
        print(f"generating the {size} demo on {engine()} in {home} (once) …", flush=True)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "legation", "demo", "--size", size, "--no-serve",
             "--verbosity", "0"],
            env=env,
            check=True,
        )  # fmt: skip
        print(f"  generated in {time.perf_counter() - start:.0f} s", flush=True)
        marker.write_text("ok")
    return home


def setup_django(home: Path | None = None) -> None:
    if home is not None:
        os.environ["LEGATION_HOME"] = str(home)
        os.environ.pop("DATABASE_URL", None)
        if bench_database_url():
            os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legation.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# --------------------------------------------------------------------------------------------
# The benchmarks' user, the server and the load generator.

SIZES = ("small", "medium", "large")
MISSION = "DEMO-US"
OFFICER = "bench-officer"
OFFICER_PASSWORD = "Quartz-lantern-91-harbour"  # noqa: S105  (a bench database only)


def officer_user(username: str = OFFICER):
    """An officer of the demo mission with the default (internal) clearance: a logged-in user
    as the figures are meant for, not the operator. Created once (`legation createuser`)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        import io

        stdin = sys.stdin
        sys.stdin = io.StringIO(OFFICER_PASSWORD + "\n")
        try:
            call_command(
                "createuser", username, role="officer", mission=[MISSION],
                clearance="internal", password_stdin=True, stdout=io.StringIO(),
            )  # fmt: skip
        finally:
            sys.stdin = stdin
        user = get_user_model().objects.get(username=username)
    if not user.check_password(OFFICER_PASSWORD):
        user.set_password(OFFICER_PASSWORD)
        user.save(update_fields=["password"])
    return user


def free_port() -> int:
    """A port nobody listens on now (the kernel's choice for port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# `legation serve` as shipped, with its own flags, in a process of its own; only its refusal to
# serve plain HTTP (a production check: the bench has no TLS proxy) is set aside.
_SERVE = (
    "import os,sys,django;os.environ.setdefault('DJANGO_SETTINGS_MODULE','legation.settings');"
    "django.setup();from legation.ops.management.commands import serve as s;"
    "s.insecure_reasons=lambda:[];from django.core.management import call_command;"
    "call_command('serve',*sys.argv[1:])"
)


class Server:
    """`legation serve` on a free port; `with Server(env) as base:` gives http://127.0.0.1:PORT.

    LEGATION_BENCH_SERVE_ARGS adds flags (e.g. "--workers 2 --threads 4"); by default the
    command's own defaults are measured, as an operator would run it."""

    def __init__(self, env: dict[str, str], extra: list[str] | None = None) -> None:
        self.env = {**env, "LEGATION_SECURE_COOKIES": "0"}
        self.port = free_port()
        self.extra = (
            extra if extra is not None else os.environ.get("LEGATION_BENCH_SERVE_ARGS", "").split()
        )
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def args(self) -> list[str]:
        return ["--host", "127.0.0.1", "--port", str(self.port), "--no-worker", *self.extra]

    def __enter__(self) -> str:
        import http.client

        # The server's log (its access log and warnings) kept aside, shown
        # if it fails to start.
        self.log = tempfile.NamedTemporaryFile(prefix="legation-bench-serve-", suffix=".log")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, *self.args],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(600):
            if self.process.poll() is not None:
                self.log.seek(0)
                tail = self.log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"legation serve exited with {self.process.returncode}: {tail}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("legation serve did not answer /healthz within a minute")
        return self.base

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()


def run_load(
    base: str,
    paths: list[str],
    clients: list[int],
    *,
    username: str = OFFICER,
    password: str = OFFICER_PASSWORD,
    samples: int | None = None,
    max_seconds: float | None = None,
    probe: str = "/healthz",
) -> list[dict]:
    """Run bench/load.py in a process of its own; one result per (path, client count).

    LEGATION_BENCH_SAMPLES (200) and LEGATION_BENCH_MAX_SECONDS (60) set the defaults."""
    samples = samples or int(os.environ.get("LEGATION_BENCH_SAMPLES", "200"))
    max_seconds = max_seconds or float(os.environ.get("LEGATION_BENCH_MAX_SECONDS", "60"))
    cmd = [
        sys.executable, "-m", "bench.load", "--base", base, "--username", username,
        "--password-stdin", "--clients", ",".join(map(str, clients)),
        "--samples", str(samples), "--max-seconds", str(max_seconds),
    ]  # fmt: skip
    if probe:
        cmd += ["--probe", probe]
    out = subprocess.run(
        [*cmd, *paths],
        input=password + "\n",
        text=True,
        capture_output=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if out.returncode:
        raise RuntimeError(f"the load generator failed: {out.stderr.strip()[-2000:]}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"
