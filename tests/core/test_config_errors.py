"""A wrong setting in the environment is one line naming the variable, and exit status 2; never a
traceback, never the database URL's password."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _legation(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "legation", "stats"],
        env={**clean, "LEGATION_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LEGATION_TIME_ZONE": "Mars/Olympus"}, "LEGATION_TIME_ZONE: unknown time zone"),
        ({"LEGATION_TIME_ZONE": "../../etc/passwd"}, "LEGATION_TIME_ZONE: unknown time zone"),
        ({"DATABASE_URL": "mongo://ops:hunter2@db/x"}, "DATABASE_URL: 'mongo' is not a database"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL: not a URL"),
        ({"LEGATION_CACHE_URL": "memcached://h"}, "LEGATION_CACHE_URL: unknown cache"),
        ({"LEGATION_DB_TIMEOUT": "abc"}, "LEGATION_DB_TIMEOUT: 'abc' is not a number"),
        ({"LEGATION_WARM_SECONDS": "soon"}, "LEGATION_WARM_SECONDS: 'soon' is not a number"),
        ({"LEGATION_RENDER_PROCESSES": "2.5"}, "LEGATION_RENDER_PROCESSES: '2.5' is not a whole"),
        ({"LEGATION_DB_TIMEOUT": "-5"}, "LEGATION_DB_TIMEOUT: '-5' is not a number of zero or"),
        ({"LEGATION_WARM_SECONDS": "nan"}, "LEGATION_WARM_SECONDS: 'nan' is not a number of zero"),
    ],
)
def test_a_wrong_setting_is_one_line_and_status_2(tmp_path, env, named):
    out = _legation(tmp_path, **env)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("legation: the configuration is not valid: " + named)
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "hunter2" not in out.stderr + out.stdout
    assert not list(tmp_path.glob("*.sqlite3"))  # nothing was created or touched


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/no/such/folder/x.sqlite3",
        "postgres://ops:hunter2@127.0.0.1:1/x",
        "mysql://ops:hunter2@127.0.0.1/x",  # a database Django knows, its driver not installed
    ],
)
def test_a_database_that_cannot_be_reached_is_one_line_and_status_2(tmp_path, url):
    out = _legation(tmp_path, DATABASE_URL=url.format(tmp=tmp_path))
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("legation: the database cannot be reached: ")
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "hunter2" not in out.stderr


def test_a_good_time_zone_is_taken(tmp_path):
    out = _legation(tmp_path, LEGATION_TIME_ZONE="Asia/Shanghai")
    assert "not valid" not in out.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LEGATION_STORAGE_BACKEND": "storages.nowhere.S3Storage"}, "LEGATION_STORAGE_BACKEND: "),
        (
            {"LEGATION_STORAGE_BACKEND": "django.core.files.storage.NoSuchStorage"},
            "LEGATION_STORAGE_BACKEND: ",
        ),
        ({"LEGATION_STORAGE_OPTIONS": '{"bucket": "x"}'}, "LEGATION_STORAGE_BACKEND, LEGATION_"),
    ],
)
def test_a_storage_backend_that_cannot_be_made_is_one_line_and_status_2(tmp_path, env, named):
    """Found before any command (not at the first stored file, or halfway through a backup)."""
    out = _legation(tmp_path, **env)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("legation: the configuration is not valid: " + named)
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
