"""Run every benchmark: `python3 -m bench.run [--size large|small] [NAME …]`.

Each bench module `bench/bench_<name>.py` has `run(size) -> Report`. The figures are printed with
their baselines, measured in the same run, and their targets (the table in bench/README.md).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    import bench

    names = sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        choices=[[], *names],
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(names)})",
    )
    parser.add_argument("--size", choices=["small", "large"], default="large")
    args = parser.parse_args()
    missed = 0
    for name in args.names or names:
        module = importlib.import_module(f"bench.bench_{name}")
        report = module.run(args.size)
        report.print()
        missed += sum(1 for f in report.figures if f.ok is False)
    print(f"\n{missed} target(s) missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
