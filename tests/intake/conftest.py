"""Fixtures of the intake tests: files written on the fly, a staffed mission, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories

CORPUS = Path(__file__).parent / "corpus"
CONGRESS = Path(__file__).resolve().parents[1] / "data" / "us-congress-2022-12.csv"
MAPPING = Path(__file__).resolve().parents[2] / "docs" / "examples" / "us-congress-mapping.toml"


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in the test's folder and return its path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return path

    return _write


@pytest.fixture
def staffed(mission, ambassador_posting):
    """The mission with its ambassador (posting P-HOM, email qin@embassy.example) and two contacts."""
    from legation.people.models import EmailAddress

    EmailAddress.objects.create(person=ambassador_posting.person, email="qin@embassy.example")
    carter = factories.PersonFactory(
        mission=mission, ref="P-CARTER", family_name="Carter", given_name="Jimmy"
    )
    EmailAddress.objects.create(person=carter, email="jimmy@carter.example")
    brown = factories.PersonFactory(
        mission=mission, ref="P-BROWN", family_name="Brown", given_name="Sherrod"
    )
    return {"mission": mission, "posting": ambassador_posting, "carter": carter, "brown": brown}


def run_cli(
    *args: str, home: Path, env: dict | None = None, **kwargs
) -> subprocess.CompletedProcess:
    full = {**os.environ, "LEGATION_HOME": str(home), **(env or {})}
    full.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "legation", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=180,
        check=False,
        **kwargs,
    )


def run_cli_python(code: str, *, home: Path) -> subprocess.CompletedProcess:
    """Run Python with Django set up on the SQLite database in `home`."""
    env = {**os.environ, "LEGATION_HOME": str(home), "DJANGO_SETTINGS_MODULE": "legation.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
