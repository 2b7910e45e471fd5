"""The load generator of the benchmarks (bench/load.py), run for about a second against a live
server: it logs in its users, drives the pages and reports percentiles, throughput and its own
CPU share. A smoke test of the machinery, not a benchmark: no figure is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import percentile

ROOT = Path(__file__).resolve().parents[2]


def test_percentiles_interpolate_between_ranks():
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == pytest.approx(50.5)
    assert percentile(samples, 95) == pytest.approx(95.05)
    assert percentile(samples, 99) == pytest.approx(99.01)
    assert percentile([7.0], 95) == 7.0


def test_load_generator_reports_percentiles_and_its_cpu_share(live_server, officer):
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", "--base", live_server.url,
         "--username", officer.username, "--password-stdin", "--clients", "1,2",
         "--samples", "10", "--max-seconds", "30", "--probe", "/healthz",
         "/people/", "/healthz"],
        input="x-Secret-pass-42\n", capture_output=True, text=True, cwd=ROOT, timeout=300,
        check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    runs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["path"], r["clients"]) for r in runs] == [
        ("/people/", 1), ("/people/", 2), ("/healthz", 1), ("/healthz", 2),
    ]  # fmt: skip
    for r in runs:
        assert r["not_ok"] == 0, r
        # Ten answers, or fewer if the run reached its time limit on a busy machine.
        assert 1 <= r["latency_ms"]["n"] == r["requests"] <= 10
        assert 0 < r["latency_ms"]["p50"] <= r["latency_ms"]["p95"] <= r["latency_ms"]["p99"]
        assert r["rps"] > 0
        assert r["probe"]["path"] == "/healthz" and r["probe"]["n"] >= 1
        assert 0 < r["generator_cpu"]["share"] <= 1
        assert r["generator_cpu"]["cores"] >= 1
