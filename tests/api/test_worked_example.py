"""docs/api.md's worked example, run as written against a live `legation serve` with a token
made by `legation token create`: the documentation's script is the test's script."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.live import live_installation

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _example() -> str:
    text = DOC.read_text()
    section = text[text.index("## A worked example") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def installation(tmp_path):
    with live_installation(tmp_path) as env:
        yield env


def test_the_documented_script_logs_reads_and_corrects_with_a_token(installation):
    done = subprocess.run(
        [sys.executable, "-c", _example()], env=installation, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    logged = [line for line in lines if line.startswith("logged ")]
    assert [line.split(" ", 2)[2] for line in logged] == [
        "Visit to the port authority with Wang",
        "Call on trade figures with Carter",
    ]
    assert [line for line in lines if line.startswith("timeline ")] == [
        "timeline 2026-11-02 meeting Visit to the port authority"
    ]
    assert "version 2 summary Agreed to exchange port statistics." in lines
    refused = [line for line in lines if line.startswith("refused ")]
    assert len(refused) == 1 and "412 urn:legation:problem:version_conflict" in refused[0]
