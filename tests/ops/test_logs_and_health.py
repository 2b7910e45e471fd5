"""Logs as one JSON object per line (LEGATION_LOG_FORMAT=json) with a line per request, and the
health checks: /healthz (the process answers) and /readyz (database reachable, migrations run)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from legation.web import views
from tests.ops.helpers import environment, free_port, result, script

REQUESTS = r"""
import logging
from django.test import Client

client = Client()
answers = {
    "healthz": client.get("/healthz").status_code,
    "readyz": client.get("/readyz?who=Li%20Wei").json() | {"code": client.get("/readyz").status_code},
}
log = logging.getLogger("legation.deploytest")
log.info("大使馆 ready", extra={"mission": "DEMO-US"})
try:
    1 / 0
except ZeroDivisionError:
    log.exception("it failed")
print(json.dumps(answers))
"""


def _unreachable(tmp_path, **extra):
    # A PostgreSQL address nobody listens on.
    url = f"postgres://legation@127.0.0.1:{free_port()}/legation"
    return script(environment(tmp_path, url, **extra), REQUESTS)


def test_json_logs_one_object_per_line(tmp_path):
    done = _unreachable(tmp_path, LEGATION_LOG_FORMAT="json")
    answers = result(done)
    # Liveness does not touch the database; readiness says it is unreachable, in a word.
    assert answers["healthz"] == 200
    assert answers["readyz"] == {"status": "unavailable", "database": "unreachable", "code": 503}

    lines = [line for line in done.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    for record in records:
        assert {"time", "level", "logger", "message"} <= record.keys(), record

    requests = [r for r in records if r["logger"] == "legation.request"]
    health = next(r for r in requests if r["path"] == "/healthz")
    assert health["method"] == "GET" and health["status"] == 200 and health["level"] == "INFO"
    assert health["user_id"] is None and isinstance(health["duration_ms"], float)
    ready = [r for r in requests if r["path"] == "/readyz"]
    assert len(ready) == 2 and {r["status"] for r in ready} == {503}
    assert {r["level"] for r in ready} == {"ERROR"}
    # The query string (here a person's name) stays out of the log.
    assert "Li Wei" not in done.stderr and "Li%20Wei" not in done.stderr

    # Django's own loggers and legation's, with their extra fields and tracebacks.
    assert any(r["logger"] == "django.request" and r["level"] == "ERROR" for r in records)
    unreachable = next(r for r in records if r["logger"] == "legation.health")
    assert "OperationalError" in unreachable["exc_info"]
    mine = [r for r in records if r["logger"] == "legation.deploytest"]
    assert mine[0]["message"] == "大使馆 ready" and mine[0]["mission"] == "DEMO-US"
    assert "ZeroDivisionError" in mine[1]["exc_info"] and mine[1]["level"] == "ERROR"


def test_text_logs_by_default(tmp_path):
    done = _unreachable(tmp_path)
    result(done)
    assert "legation.deploytest: 大使馆 ready" in done.stderr
    assert "ZeroDivisionError" in done.stderr
    # No line per request unless asked for (LEGATION_REQUEST_LOG=1).
    assert "legation.request" not in done.stderr
    for line in done.stderr.splitlines():
        if line.strip().startswith("{"):
            pytest.fail(f"a JSON line in text mode: {line}")


@pytest.fixture
def _forget_migrations_seen():
    views._migrations_applied = False
    yield
    views._migrations_applied = False


@pytest.mark.django_db
@pytest.mark.usefixtures("_forget_migrations_seen")
def test_readiness_needs_every_migration(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "database": "ok", "migrations": "ok"}

    # The code moves on before the database does (an upgrade before `legation init`).
    views._migrations_applied = False
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'core' AND name = "
            "(SELECT MAX(name) FROM django_migrations WHERE app = 'core')"
        )
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "ok", "migrations": "pending"}


@pytest.mark.django_db
def test_health_checks_answer_plain_http_under_the_https_redirect(client, settings):
    """A load balancer checks each server over plain HTTP; the pages still redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_the_servers_own_log_lines_follow_the_format(settings, capsys, log_format):
    """Gunicorn's error and access lines are JSON too with LEGATION_LOG_FORMAT=json, so every
    line of a server's log parses (jq, a collector); plain text otherwise."""
    from gunicorn.config import Config

    from legation.ops.server import ACCESS_LOG_FORMAT, _Logger

    settings.LOG_FORMAT = log_format
    cfg = Config()
    for name, value in [("errorlog", "-"), ("accesslog", "-")]:
        cfg.set(name, value)
    cfg.set("access_log_format", ACCESS_LOG_FORMAT)
    logger = _Logger(cfg)
    try:
        logger.error_log.info("Listening at: http://127.0.0.1:8000")
        logger.access_log.info('127.0.0.1 "GET / HTTP/1.1" 500')
    finally:
        for log in (logger.error_log, logger.access_log):
            for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
                log.removeHandler(handler)
    captured = capsys.readouterr()
    lines = (captured.err + captured.out).splitlines()
    assert len(lines) == 2
    if log_format == "json":
        error, access = (json.loads(line) for line in lines)
        assert error["logger"] == "gunicorn.error" and "Listening at" in error["message"]
        assert access["logger"] == "gunicorn.access" and "time" in access
    else:
        assert not any(line.startswith("{") for line in lines)
