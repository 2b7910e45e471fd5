"""Authentication hardening: hashing, lockout, security events, production checks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.models import SecurityEvent


def test_passwords_are_hashed_with_argon2(officer):
    assert officer.password.startswith("argon2")


def test_logins_and_failed_logins_are_security_events(client, officer):
    client.post("/admin/login/", {"username": "officer", "password": "wrong-password-1"})
    client.post("/admin/login/", {"username": "officer", "password": "x-Secret-pass-42"})
    kinds = list(SecurityEvent.objects.order_by("created").values_list("kind", "username"))
    assert ("login_failed", "officer") in kinds
    assert ("login", "officer") in kinds


def test_brute_force_login_is_locked_out(client, officer):
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "officer", "password": f"guess-{i}"})
    page = client.post("/admin/login/", {"username": "officer", "password": "x-Secret-pass-42"})
    assert page.status_code == 429
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind="lockout", username="officer").exists()


def test_pages_require_login(client, mission):
    page = client.get("/")
    assert page.status_code == 302
    assert "/login/" in page["Location"]


def test_csrf_is_enforced(mission, officer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.post("/admin/login/", {"username": "officer", "password": "x-Secret-pass-42"})
    assert page.status_code == 403


@pytest.fixture
def production(settings, monkeypatch):
    """The settings module's production values (other tests relax some for plain HTTP)."""
    import importlib

    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set by the browser tests

    import legation.settings as module

    fresh = importlib.reload(module)
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
        "DEBUG",
        "ALLOWED_HOSTS",
    ):
        setattr(settings, name, getattr(fresh, name))
    settings.SECRET_KEY = "k" * 20 + "s3cr3t-" * 6
    return settings


def test_production_defaults_are_secure(production):
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY
    assert production.SECURE_SSL_REDIRECT and production.SECURE_HSTS_SECONDS > 0
    assert not production.DEBUG


def test_production_settings_pass_check_deploy(production):
    call_command("check", "--deploy", "--fail-level", "WARNING")


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [
        ("DEBUG", True, "DEBUG"),
        ("ALLOWED_HOSTS", ["*"], "ALLOWED_HOSTS"),
        ("SECRET_KEY", "django-insecure-default", "secret key"),
    ],
)
def test_serve_refuses_an_insecure_configuration(production, setting, value, reason):
    setattr(production, setting, value)
    with pytest.raises(CommandError, match=reason):
        call_command("serve", "--check-only")


def test_serve_accepts_the_default_production_configuration(production, capsys):
    call_command("serve", "--check-only")
    assert "fit for production" in capsys.readouterr().out
