"""Killing an import half-way leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.homes import migrated_sqlite
from tests.intake.conftest import CONGRESS, MAPPING, run_cli, run_cli_python

COUNT = "from legation.people.models import Person; from legation.core.models import Operation; print(Person.objects.count(), Person.history.count(), Operation.objects.count())"


def test_a_killed_import_leaves_the_database_as_it_was(tmp_path):
    home = tmp_path / "home"
    migrated_sqlite(home)
    assert run_cli("init", home=home).returncode == 0
    missions = tmp_path / "m.csv"
    missions.write_text("ref,name_en\nEMB,Embassy\n")
    assert run_cli("import", "missions", str(missions), home=home).returncode == 0
    before = run_cli_python(COUNT, home=home).stdout
    marker = tmp_path / "paused"
    env = {
        **os.environ,
        "LEGATION_HOME": str(home),
        "LEGATION_TEST_IMPORT_PAUSE_AT": "200",
        "LEGATION_TEST_IMPORT_PAUSE_FILE": str(marker),
    }
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "legation",
            "import",
            "people",
            str(CONGRESS),
            "--mapping",
            str(MAPPING),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), "the import never reached row 200"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert run_cli_python(COUNT, home=home).stdout == before
    assert (
        run_cli("import", "people", str(CONGRESS), "--mapping", str(MAPPING), home=home).returncode
        == 0
    )
    assert run_cli_python(COUNT, home=home).stdout.split()[0] == "540"
