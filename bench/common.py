"""Shared set-up of the benchmarks: a database with the demo mission, figures and a report.

Benchmarks measure against a baseline run in the same process (hand-written SQL, raw sqlite3,
another renderer), so the ratio means something on any machine. Nothing here is a unit test.
"""

from __future__ import annotations

import os
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
