"""Authentication hardening: hashing, lockout, security events, production checks."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.models import SecurityEvent


def test_passwords_are_hashed_with_argon2(officer):
    """As configured for production: Argon2 at Django's costs (the test process hashes at the
    lowest cost, tests/hashers.py, and production verifies those hashes too)."""
    from django.test.utils import override_settings

    from legation import settings as production

    assert officer.password.startswith("argon2$argon2id$")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        officer.set_password("another-Secret-pass-7")
        assert officer.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
        assert officer.check_password("another-Secret-pass-7")


def test_logins_and_failed_logins_are_security_events(client, officer):
    client.post("/admin/login/", {"username": "officer", "password": "wrong-password-1"})
    client.post("/admin/login/", {"username": "officer", "password": "x-Secret-pass-42"})
    kinds = list(SecurityEvent.objects.order_by("created").values_list("kind", "username"))
    assert ("login_failed", "officer") in kinds
    assert ("login", "officer") in kinds


def test_brute_force_login_is_locked_out(client, officer):
    for i in range(settings.LOGIN_FAILURE_LIMIT):
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
def production(settings, monkeypatch, db):
    """The settings module's production values (other tests relax some for plain HTTP), on a
    migrated database (serve checks that no migration is pending)."""
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
    settings.SECRET_KEY = STRONG_KEY
    return settings


# What `legation` generates on first run (secrets.token_urlsafe(50)), fixed for the tests.
STRONG_KEY = "p0Xq3vGm7Yt_Lr2Kc9WbNs-4JhUe8Af1DzRiT6oQyVxMk5EnPg-ZwS_aHj0Cu3BdFl7"


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


@pytest.mark.parametrize(
    ("hosts", "reason"),
    [
        ([], "empty"),
        (["*"], "open"),
        ([".example.org"], "'.example.org' matches every subdomain"),
        (["legation.example.org", ".example.org"], "'.example.org' matches every subdomain"),
        (["legation.example.org", "*"], "open"),
    ],
)
def test_serve_refuses_wildcard_hosts(production, hosts, reason):
    production.ALLOWED_HOSTS = hosts
    with pytest.raises(CommandError, match=re.escape(reason)):
        call_command("serve", "--check-only")


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("Xk9#vL2qP8", "shorter than 50"),
        ("django-insecure-" + STRONG_KEY, "Django's placeholder"),
        ("a" * 64, "too few different characters"),
        ("Xk9#vL2qP8mZ" * 5, "repeats itself"),
        ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", "a run of"),
        (
            "correct-horse-battery-staple-monkey-dragon-sunshine-password-princess",
            "common words",
        ),
        ("ThisIsTheSecretKeyOfOurEmbassyPleaseChangeItBeforeProduction2026", "common words"),
    ],
    ids=["short", "placeholder", "one-char", "repeated", "sequence", "words", "phrase"],
)
def test_serve_refuses_a_weak_secret_key(production, key, reason):
    production.SECRET_KEY = key
    with pytest.raises(CommandError, match=re.escape(reason)):
        call_command("serve", "--check-only")


@pytest.mark.parametrize("n", range(20))
def test_generated_secret_keys_are_never_refused(n):
    import secrets

    from legation.ops.management.commands.serve import secret_key_weakness

    key = secrets.token_urlsafe(50)
    assert secret_key_weakness(key) is None, key
    assert secret_key_weakness(secrets.token_hex(32)) is None


def test_serve_accepts_the_default_production_configuration(production, capsys):
    call_command("serve", "--check-only")
    assert "fit for production" in capsys.readouterr().out


def test_no_hsts_is_accepted_when_the_operator_says_0(production, capsys):
    """LEGATION_HSTS_SECONDS=0 ("0 for none"): accepted, with a note; HSTS off merely by
    default is still refused."""
    production.SECURE_HSTS_SECONDS = 0
    with pytest.raises(CommandError, match=r"security\.W004"):
        call_command("serve", "--check-only")
    production.HSTS_OFF_BY_OPERATOR = True
    call_command("serve", "--check-only")
    out = capsys.readouterr().out
    assert "Note: LEGATION_HSTS_SECONDS=0: no Strict-Transport-Security header" in out
    assert "fit for production" in out


@pytest.mark.parametrize("value", ["0", "600", None])
def test_hsts_seconds_in_a_real_process(tmp_path, monkeypatch, value):
    """`legation serve --check-only` itself: 0 (said), a number, or the default year."""
    from tests.core.test_commands import run_cli
    from tests.homes import migrated_sqlite

    migrated_sqlite(tmp_path)
    monkeypatch.setenv("LEGATION_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("LEGATION_TRUSTED_PROXIES", "127.0.0.1")
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    monkeypatch.delenv("LEGATION_SECURE_COOKIES", raising=False)
    if value is None:
        monkeypatch.delenv("LEGATION_HSTS_SECONDS", raising=False)
    else:
        monkeypatch.setenv("LEGATION_HSTS_SECONDS", value)
    done = run_cli("serve", "--check-only", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ("LEGATION_HSTS_SECONDS=0" in done.stdout) == (value == "0")


# -- X-Forwarded-* is believed only from a configured reverse proxy ------------------------------


@pytest.fixture
def https_only(settings):
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_forwarded_proto_from_a_client_is_ignored(client, db, https_only):
    """Without a configured proxy, a client cannot claim HTTPS by sending X-Forwarded-Proto."""
    page = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert page.status_code == 301 and page["Location"].startswith("https://")


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(client, db, https_only):
    https_only.TRUSTED_PROXIES = ["10.0.0.5"]
    page = client.get(
        "/accounts/login/",
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert page.status_code == 301


def test_a_trusted_proxy_gives_the_scheme_and_the_client_address(client, officer, https_only):
    https_only.TRUSTED_PROXIES = ["10.0.0.0/24"]
    page = client.post(
        "/accounts/login/",
        {"username": "officer", "password": "x-Secret-pass-42"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_PROTO="https",
        # A client may prepend anything; the address the proxy itself appended is the last one.
        HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.9",
    )
    assert page.status_code == 302
    event = SecurityEvent.objects.get(kind="login", username="officer")
    assert event.remote_addr == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.11", "203.0.113.11"),
        ("203.0.113.11:5555", "203.0.113.11"),
        ("192.0.2.66, 203.0.113.11:5555", "203.0.113.11"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("203.0.113.11:http", "10.0.0.5"),  # garbage: the proxy's own address
        ("[2001:db8::1]x", "10.0.0.5"),
        ("203.0.113.11, 10.0.0.7:1234", "203.0.113.11"),  # a trusted proxy with a port
    ],
)
def test_a_forwarded_address_with_a_port_is_the_address(settings, forwarded, expected):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from legation.core.middleware import TrustedProxyMiddleware

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    seen = {}

    def answer(request):
        seen.update(request.META)
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    TrustedProxyMiddleware(answer)(request)
    assert seen["REMOTE_ADDR"] == expected


@pytest.mark.parametrize(
    ("proto", "status"), [("https, http", 301), ("http, https", 200), ("https", 200)]
)
def test_the_scheme_is_the_one_the_trusted_proxy_added(client, db, https_only, proto, status):
    """The right-most X-Forwarded-Proto value: a client may have sent one before the proxy's."""
    https_only.TRUSTED_PROXIES = ["10.0.0.5"]
    page = client.get("/accounts/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO=proto)
    assert page.status_code == status


@pytest.mark.parametrize("proxies", [["0.0.0.0/0"], ["::/0"], ["10.0.0.1", "0.0.0.0/1"]])
def test_serve_refuses_a_proxy_trusted_for_every_address(production, proxies):
    production.TRUSTED_PROXIES = proxies
    with pytest.raises(CommandError, match="LEGATION_TRUSTED_PROXIES"):
        call_command("serve", "--check-only")


def test_serve_refuses_in_a_real_process_with_every_reason(tmp_path, monkeypatch):
    """`legation serve` itself: one clear line naming each problem, exit status 1, no server."""
    from tests.core.test_commands import run_cli

    monkeypatch.setenv("LEGATION_ALLOWED_HOSTS", ".example.org")
    monkeypatch.setenv("LEGATION_SECRET_KEY", "embassy-secret-key-please-change-" * 2)
    monkeypatch.setenv("LEGATION_TRUSTED_PROXIES", "0.0.0.0/0")
    done = run_cli("serve", "--check-only", home=tmp_path)
    assert done.returncode == 1
    assert "'.example.org' matches every subdomain" in done.stderr
    assert "repeats itself" in done.stderr and "secrets.token_urlsafe(50)" in done.stderr
    assert "LEGATION_TRUSTED_PROXIES trusts 0.0.0.0/0" in done.stderr


def test_serve_behind_a_trusted_proxy_believes_only_the_proxy(tmp_path, monkeypatch):
    """The real server: HTTPS as the proxy says, and never as a client says."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from tests.core.test_commands import run_cli
    from tests.homes import migrated_sqlite

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LEGATION_HOME", str(tmp_path))
    monkeypatch.setenv("LEGATION_SECRET_KEY", STRONG_KEY)
    migrated_sqlite(tmp_path)
    assert run_cli("init", home=tmp_path).returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)

    def status(proto: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Forwarded-Proto": proto}
        )
        try:
            return opener.open(request, timeout=10).status
        except urllib.error.HTTPError as exc:
            return exc.code

    def serving(proxies: str) -> subprocess.Popen:
        env = {**os.environ, "LEGATION_TRUSTED_PROXIES": proxies}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, refused by serve
        server = subprocess.Popen(
            [sys.executable, "-m", "legation", "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120  # a loaded machine starts Django slowly
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return server
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        server.kill()
        raise AssertionError("the server did not start")

    server = serving("127.0.0.1")
    try:
        assert status("https") == 200  # the proxy terminated TLS
        assert status("http") == 301  # a plain request is sent to HTTPS
    finally:
        server.terminate()
        server.wait(timeout=20)
    server = serving("10.9.8.7")  # some other proxy: our loopback client is not it
    try:
        assert status("https") == 301
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_check_only_names_what_deserves_a_second_look(production, capsys, monkeypatch):
    """Allowed, but said: a pool smaller than the threads, a key from the file, no time zone."""
    from django.db import connection

    monkeypatch.delenv("LEGATION_SECRET_KEY", raising=False)
    monkeypatch.delenv("LEGATION_TIME_ZONE", raising=False)
    from legation.ops.management.commands import serve

    # The pool's settings only, not a pool (the test's connection stays what it is): the
    # check for pending migrations, which would use the connection, is left out here.
    monkeypatch.setattr(serve, "not_ready", lambda: [])
    options = {**(connection.settings_dict.get("OPTIONS") or {})}
    options["pool"] = {"min_size": 1, "max_size": 2}
    saved = connection.settings_dict.get("OPTIONS")
    connection.settings_dict["OPTIONS"] = options
    try:
        call_command("serve", "--check-only", "--threads", "4")
    finally:  # before the test's transaction is rolled back
        connection.settings_dict["OPTIONS"] = saved
    out = capsys.readouterr().out
    assert "allows 2 connection(s) per process for 4 thread(s)" in out
    assert "LEGATION_SECRET_KEY" in out and "LEGATION_TIME_ZONE is not set" in out
    assert "fit for production" in out
    monkeypatch.setenv("LEGATION_SECRET_KEY", "x")
    monkeypatch.setenv("LEGATION_TIME_ZONE", "Asia/Shanghai")
    production.TRUSTED_PROXIES = ["10.0.0.5"]
    call_command("serve", "--check-only", "--threads", "2")
    out = capsys.readouterr().out
    assert "Note:" not in out


def test_check_only_says_every_request_would_go_to_https_with_no_proxy(production, capsys):
    """Neither a reverse proxy nor plain HTTP: every request is redirected to HTTPS, which
    nothing serves. Allowed (a proxy may be added later), but said."""
    production.TRUSTED_PROXIES = []
    call_command("serve", "--check-only")
    out = capsys.readouterr().out
    assert "Note: no reverse proxy is configured (LEGATION_TRUSTED_PROXIES)" in out
    assert "every request is redirected to HTTPS" in out
    production.TRUSTED_PROXIES = ["10.0.0.5"]
    call_command("serve", "--check-only")
    assert "no reverse proxy is configured" not in capsys.readouterr().out


@pytest.mark.parametrize("setting", ["MEDIA_ROOT", "UPLOADS_ROOT"])
def test_serve_refuses_folders_it_cannot_write_to(production, tmp_path, setting):
    """Files could not be stored (or imports previewed): said before serving, not at the first
    upload. (A regular file where a folder should be: even root cannot write there.)"""
    (tmp_path / "a-file").write_text("")
    setattr(production, setting, str(tmp_path / "a-file" / "folder"))
    with pytest.raises(CommandError, match=f"LEGATION_{setting}: the folder .* cannot be"):
        call_command("serve", "--check-only")
    setattr(production, setting, str(tmp_path / "new" / "folder"))  # made when missing
    call_command("serve", "--check-only")
    assert (tmp_path / "new" / "folder").is_dir()


def test_check_only_fails_while_migrations_are_pending(tmp_path, monkeypatch):
    """A database `legation init` has not migrated: `serve` says so at start, and
    `--check-only` fails (exit status 1) with the same line."""
    from tests.core.test_commands import run_cli

    monkeypatch.setenv("LEGATION_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("LEGATION_TRUSTED_PROXIES", "127.0.0.1")
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    done = run_cli("serve", "--check-only", home=tmp_path)
    assert done.returncode == 1, done.stderr
    assert re.search(
        r"^Warning: \d+ migration\(s\) of this version are not applied", done.stdout, re.M
    )
    assert "run `legation init`" in done.stderr and "Traceback" not in done.stderr
    assert "fit for production." not in done.stdout


def test_the_job_worker_says_at_start_that_migrations_are_pending(tmp_path):
    import os
    import subprocess
    import sys
    import time

    env = {**os.environ, "LEGATION_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # a new, empty SQLite database
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "legation", "worker"], env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 120
        while "migration(s)" not in log.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert re.search(
        r"\d+ migration\(s\) of this version are not applied.*legation init", log.read_text()
    )


def test_check_only_says_the_job_worker_is_not_started_behind_pgbouncer(
    production, capsys, monkeypatch
):
    """Through pgbouncer in transaction mode the job worker refuses to start: `serve` does not
    start it (it would only fail again and again) and says how to run it instead."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pgbouncer is PostgreSQL's")
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    call_command("serve", "--check-only")
    out = capsys.readouterr().out
    assert "Note: the job worker is not started: the database is reached through pgbouncer" in out
    assert "`legation worker`" in out and "direct DATABASE_URL" in out
    assert "fit for production" in out
    call_command("serve", "--check-only", "--no-worker")
    assert "job worker" not in capsys.readouterr().out


# -- plain HTTP only on a private network ---------------------------------------------------------


@pytest.fixture
def plain_http(production):
    production.PLAIN_HTTP = True
    production.TRUSTED_PROXIES = []
    return production


@pytest.fixture
def resolver(monkeypatch):
    """Host names resolved as this test says (any other name as the machine resolves it)."""
    import socket

    names = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in names:
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
                for a in names[host]
            ]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.mark.parametrize(
    ("resolved", "public"),
    [
        (["203.0.113.50", "8.8.8.8"], "8.8.8.8"),  # 203.0.113.0/24 is documentation's
        (["10.1.2.3", "2a00:1450:4001:81c::200e"], "2a00:1450:4001:81c::200e"),
    ],
)
def test_plain_http_refuses_a_name_that_resolves_to_a_public_address(
    plain_http, resolver, resolved, public
):
    resolver["ledger.example.org"] = resolved
    with pytest.raises(
        CommandError, match=re.escape(f"public address ledger.example.org ({public}")
    ):
        call_command("serve", "--check-only", "--host", "ledger.example.org")


def test_plain_http_accepts_a_name_of_private_addresses(plain_http, resolver, capsys):
    resolver["ledger.internal"] = ["10.1.2.3", "fd00::3"]
    call_command("serve", "--check-only", "--host", "ledger.internal")
    call_command("serve", "--check-only", "--host", "localhost")
    assert capsys.readouterr().out.count("fit for production") == 2


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])  # noqa: S104  (what is tested)
def test_plain_http_on_every_interface_is_said(plain_http, capsys, host):
    call_command("serve", "--check-only", "--host", host)
    out = capsys.readouterr().out
    assert f"Note: --host {host} listens on every interface of this machine" in out
    call_command("serve", "--check-only", "--host", "10.1.2.3")
    assert "every interface" not in capsys.readouterr().out
