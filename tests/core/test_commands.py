from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.models import Region, Sector
from tests.homes import migrated_sqlite


def run_cli(*args: str, home, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEGATION_HOME": str(home)}
    env.pop("DATABASE_URL", None)  # a private SQLite database in `home`
    return subprocess.run(
        [sys.executable, "-m", "legation", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_init_is_safe_to_run_twice(db):
    call_command("init", stdout=StringIO())
    call_command("init", stdout=StringIO())
    assert Sector.objects.count() == 10
    assert Region.objects.filter(country="US").count() == 57
    assert Region.objects.filter(is_state=True).count() == 50
    assert Region.objects.get(code="US-DC").name_zh == "哥伦比亚特区"
    assert Region.objects.get(code="US-MD").name_zh == "马里兰州"


def test_init_seeds_the_regions_of_every_missions_host_country(db):
    """Not only the United States': a mission in Germany has Germany's regions after `init`
    (imported or created, the mission brought them; a restore or a new install gets them
    again), and a mission moved to France gets France's."""
    from legation.core.access import SYSTEM
    from legation.core.models import Mission
    from legation.engagements.services import mission_update

    mission = Mission.objects.create(ref="BERLIN", name_en="Embassy in Berlin", host_country="DE")
    assert not Region.objects.filter(country="DE").exists()
    call_command("init", stdout=StringIO())
    assert Region.objects.filter(country="DE").count() == 16  # the Länder
    assert Region.objects.filter(country="US").count() == 57
    mission_update(actor=SYSTEM, mission=mission, host_country="FR")
    assert Region.objects.filter(country="FR").exists()


def test_createuser_with_a_role_mission_and_clearance(mission):
    out = StringIO()
    call_command(
        "createuser",
        "li",
        "--role",
        "officer",
        "--mission",
        "EMB-US",
        "--clearance",
        "restricted",
        stdout=out,
    )
    user = get_user_model().objects.get(username="li")
    assert list(user.groups.values_list("name", flat=True)) == ["officer"]
    assert user.legation_profile.clearance == 2
    assert list(user.legation_missions.values_list("ref", flat=True)) == ["EMB-US"]
    assert "Password: " in out.getvalue()
    assert "clearance restricted," in out.getvalue() and "capped" not in out.getvalue()


def test_createuser_says_when_the_role_caps_the_clearance(mission):
    out = StringIO()
    call_command(
        "createuser",
        "ro",
        "--role",
        "reader",
        "--mission",
        "EMB-US",
        "--clearance",
        "restricted",
        stdout=out,
    )
    said = out.getvalue()
    assert "clearance internal (capped by the reader role; restricted was asked)" in said


def test_createuser_refuses_an_unknown_mission_and_a_weak_password(mission, monkeypatch):
    with pytest.raises(CommandError, match="no mission"):
        call_command("createuser", "li", "--role", "officer", "--mission", "NOPE")
    monkeypatch.setattr("sys.stdin", StringIO("123\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("createuser", "li", "--role", "officer", "--password-stdin")
    assert not get_user_model().objects.filter(username="li").exists()


def test_stats_json_has_the_head_of_missions_figures(ambassador_posting):
    out = StringIO()
    call_command("stats", "--as-of", "2022-12-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["days_in_post"] == 520
    assert data["regions_visited"] == []
    assert data["engagements"] == 0
    assert data["posting"] == "P-HOM"


def test_stats_rejects_an_impossible_date(ambassador_posting):
    with pytest.raises(CommandError, match="not a date"):
        call_command("stats", "--as-of", "2022-02-30")


def test_the_command_line_lists_commands_and_fails_with_one_clear_line(tmp_path):
    help_text = run_cli("help", home=tmp_path)
    assert help_text.returncode == 0
    for name in ("init", "demo", "serve", "createuser", "stats", "undelete"):
        assert f"    {name}\n" in help_text.stdout
    migrated_sqlite(tmp_path)
    run_cli("init", home=tmp_path)
    bad = run_cli("stats", "--as-of", "tomorrow", home=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "CommandError: --as-of: 'tomorrow' is not a date (use YYYY-MM-DD)."
    ]


def test_secret_key_is_generated_once_and_kept(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {
        **os.environ,
        "LEGATION_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "legation.settings",
    }
    env.pop("LEGATION_SECRET_KEY", None)
    first = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    second = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert first == second and len(first.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_wal_mode(tmp_path):
    # Any command that connects will do (every connection asks for WAL); `init` on an empty
    # home would spend 20 s migrating first.
    assert run_cli("showmigrations", "core", home=tmp_path).returncode == 0
    import sqlite3

    con = sqlite3.connect(tmp_path / "legation.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_init_leaves_fresh_planner_statistics(db):
    """After init, the planner knows how big the tables are (a migration may have filled one)."""
    from django.db import connection

    from legation.ops.management.commands.init import initialise

    initialise()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'core_region'")
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stats WHERE tablename = 'core_region' "
                "AND schemaname = current_schema()"
            )
        assert cursor.fetchone()[0] > 0
