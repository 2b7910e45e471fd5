"""Run every benchmark: `python3 -m bench.run [--size small|medium|large] [NAME …]`.

Each bench module `bench/bench_<name>.py` has `run(size) -> Report`. Each runs in a Python
process of its own (`--one NAME`), so no benchmark inherits another's Django settings or
database (the checks benchmark, for one, configures Django on a temporary database). The
figures are printed with their baselines, measured in the same run, and their targets (the
table in bench/README.md).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = ("small", "medium", "large")


def _names() -> list[str]:
    import bench

    return sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )


def _one(name: str, size: str, result_file: str | None) -> int:
    """One benchmark in this process; the count of missed targets written to `result_file`."""
    module = importlib.import_module(f"bench.bench_{name}")
    report = module.run(size)
    report.print()
    missed = sum(1 for f in report.figures if f.ok is False)
    if result_file:
        Path(result_file).write_text(json.dumps({"missed": missed}))
    return 0


def main() -> int:
    names = _names()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        choices=[[], *names],
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(names)})",
    )
    parser.add_argument("--size", choices=SIZES, default="large")
    parser.add_argument("--one", choices=names, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return _one(args.one, args.size, args.result_file)
    missed = 0
    failed = []
    for name in args.names or names:
        result = Path(tempfile.gettempdir()) / f"legation-bench-{os.getpid()}-{name}.json"
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "bench.run", "--size", args.size, "--one", name,
             "--result-file", str(result)],
            cwd=ROOT, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        if proc.returncode or not result.exists():
            failed.append(name)
            print(f"\n!! {name} failed (exit {proc.returncode}) after {elapsed:.0f} s", flush=True)
            continue
        missed += json.loads(result.read_text())["missed"]
        result.unlink()
        print(f"   ({name}: {elapsed:.0f} s)", flush=True)
    print(f"\n{missed} target(s) missed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
