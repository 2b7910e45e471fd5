from __future__ import annotations

import functools
import itertools
from typing import Any

from django.core.management.base import CommandError

from legation.core.management.base import LegationCommand
from legation.core.schema import pending_migrations
from legation.letters.management.commands.worker import needs_own_session

# Words that make a key guessable: what people type when asked for a "secret", besides the
# common passwords Django's validator knows.
_KEY_WORDS = {
    "secret", "password", "passwd", "change", "changeme", "django", "insecure", "legation",
    "embassy", "mission", "consulate", "production", "development", "default", "example",
    "demo", "test", "please", "before", "token", "this", "that", "with", "your", "our", "the",
    "key", "for", "and", "it", "is", "of",
}  # fmt: skip
_GENERATE = 'generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


@functools.cache
def _common_words() -> frozenset[str]:
    from django.contrib.auth.password_validation import CommonPasswordValidator

    words = {w for w in CommonPasswordValidator().passwords if len(w) >= 4 and w.isalpha()}
    return frozenset(words | _KEY_WORDS)


def _word_coverage(key: str) -> float:
    """The share of the key's characters that belong to a common word (case ignored)."""
    words = _common_words()
    text = key.lower()
    longest = max(len(w) for w in words)
    covered = [False] * len(text)
    for i in range(len(text)):
        for length in range(2, min(longest, len(text) - i) + 1):
            if text[i : i + length] in words:
                covered[i : i + length] = [True] * length
    return sum(covered) / len(text)


def secret_key_weakness(key: str) -> str | None:
    """Why the secret key is guessable, or None. Keys from secrets.token_urlsafe(50) or
    token_hex(32) always pass; what a person makes up rarely does."""
    if key.startswith("django-insecure"):
        return "the secret key is Django's placeholder ('django-insecure…')"
    if len(key) < 50:
        return f"the secret key is shorter than 50 characters ({len(key)})"
    if len(set(key)) < 12:
        return f"the secret key has too few different characters ({len(set(key))})"
    trigrams = [key[i : i + 3] for i in range(len(key) - 2)]
    if len(set(trigrams)) < 0.9 * len(trigrams):
        return "the secret key repeats itself"
    steps = sum(abs(ord(a) - ord(b)) <= 1 for a, b in itertools.pairwise(key))
    if steps > 0.4 * (len(key) - 1):
        return "the secret key is a run of neighbouring characters (abc…, 123…)"
    if _word_coverage(key) >= 0.4:
        return "the secret key is made of common words"
    return None


def host_weakness(hosts: list[str]) -> str | None:
    if not hosts:
        return "LEGATION_ALLOWED_HOSTS is empty"
    if "*" in hosts:
        return "LEGATION_ALLOWED_HOSTS is open ('*')"
    for host in hosts:
        if host.startswith("."):
            return (
                f"LEGATION_ALLOWED_HOSTS entry {host!r} matches every subdomain: "
                "name each host the application answers to"
            )
    return None


def proxy_weakness(proxies: list[str]) -> str | None:
    from legation.core.middleware import trusted_networks

    try:
        networks = trusted_networks(proxies)
    except ValueError as exc:
        return f"LEGATION_TRUSTED_PROXIES: {exc}"
    for network in networks:
        if network.prefixlen < (8 if network.version == 4 else 32):
            return (
                f"LEGATION_TRUSTED_PROXIES trusts {network} (anyone could forge their address "
                "and scheme): name the reverse proxy's own addresses"
            )
    return None


# The deployment checks that only say "this is plain HTTP": what LEGATION_PLAIN_HTTP declares.
PLAIN_HTTP_CHECKS = {
    "security.W004",  # no HSTS
    "security.W008",  # no redirect to HTTPS
    "security.W012",  # session cookie not Secure
    "security.W016",  # CSRF cookie not Secure
}


def insecure_reasons() -> list[str]:
    """Why the configuration is unsafe for production (empty when it is fine)."""
    from django.conf import settings
    from django.core import checks

    plain_http = getattr(settings, "PLAIN_HTTP", False)
    reasons = []
    if settings.DEBUG:
        reasons.append("LEGATION_DEBUG is on")
    if weakness := host_weakness(settings.ALLOWED_HOSTS):
        reasons.append(weakness)
    if weakness := secret_key_weakness(settings.SECRET_KEY):
        reasons.append(f"{weakness}; set LEGATION_SECRET_KEY or delete the key file, {_GENERATE}")
    if weakness := proxy_weakness(getattr(settings, "TRUSTED_PROXIES", [])):
        reasons.append(weakness)
    hsts_off = getattr(settings, "HSTS_OFF_BY_OPERATOR", False)
    for message in checks.run_checks(include_deployment_checks=True):
        if message.level >= checks.WARNING:
            if plain_http and message.id in PLAIN_HTTP_CHECKS:
                continue
            if hsts_off and message.id == "security.W004":  # said: advisories()
                continue
            reasons.append(f"{message.id}: {message.msg}")
    return reasons


def folder_weakness(name: str, folder: Any) -> str | None:
    """Why the server could not store files in `folder` (created if missing, as a first upload
    would), or None."""
    import tempfile
    from pathlib import Path

    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"{name}: the folder {folder} cannot be written to ({exc.strerror or exc})"
    return None


def storage_weaknesses() -> list[str]:
    """The folders of stored files and of imports awaiting confirmation must be writable."""
    from pathlib import Path

    from django.conf import settings
    from django.core.files.storage import FileSystemStorage, storages

    from legation.intake import uploads

    reasons = []
    store = storages["default"]  # the backend itself is checked before any command (cli.py)
    location = store.location if isinstance(store, FileSystemStorage) else None
    if location and (weakness := folder_weakness("LEGATION_MEDIA_ROOT", location)):
        reasons.append(weakness)
    try:
        folder = uploads.root()  # made private (0700) when missing
    except OSError:
        folder = Path(settings.UPLOADS_ROOT or Path(settings.LEGATION_HOME) / "uploads")
    if weakness := folder_weakness("LEGATION_UPLOADS_ROOT", folder):
        reasons.append(weakness)
    return reasons


def not_ready() -> list[str]:
    """What keeps a correctly configured server from answering users: said at start-up, and
    `--check-only` fails on it."""
    if pending := pending_migrations():
        return [
            f"{pending} migration(s) of this version are not applied to the database: run "
            '`legation init` (until then /readyz answers 503 "migrations pending" and pages '
            "may fail)"
        ]
    return []


def _addresses(host: str) -> tuple[list[Any], bool]:
    """The addresses `host` names (an address itself, or a name resolved as the server's bind
    will resolve it), and whether it was a name; none for a name that does not resolve (the bind
    check says so)."""
    import ipaddress
    import socket

    name = host.strip("[]")
    try:
        return [ipaddress.ip_address(name)], False
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return [], True
    addresses = {ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found}
    return sorted(addresses, key=lambda a: (a.version, a)), True


def plain_http_weakness(host: str) -> str | None:
    """Plain HTTP is for a private network: never on a public address, nor on a name that
    resolves to one."""
    addresses, named = _addresses(host)
    public = [str(a) for a in addresses if a.is_global]
    if public:
        where = f"{host} ({', '.join(public)})" if named else host
        return (
            f"LEGATION_PLAIN_HTTP on the public address {where}: plain HTTP is for a private "
            "network; put a reverse proxy with TLS in front (LEGATION_TRUSTED_PROXIES)"
        )
    return None


def plain_http_note(host: str) -> str | None:
    """0.0.0.0 or :: is every interface of the machine, whichever are public: said."""
    addresses, _ = _addresses(host)
    if any(a.is_unspecified for a in addresses):
        return (
            f"--host {host} listens on every interface of this machine, public ones included: "
            "with plain HTTP make sure only the private network reaches this port (a firewall), "
            "or give --host the machine's private address"
        )
    return None


def serve(
    host: str,
    port: int,
    threads: int | None = None,
    worker: bool = True,
    *,
    workers: int | None = None,
) -> None:
    """Serve with gunicorn (``workers`` processes of ``threads`` threads; defaults: two
    single-threaded processes per core) and the background job worker beside it
    (legation.ops.server)."""
    from legation.ops import server

    server.run(
        host,
        port,
        workers=workers or server.default_workers(),
        threads=threads or server.DEFAULT_THREADS,
        job_worker=worker,
    )


def advisories(settings: Any, threads: int) -> list[str]:
    """What is allowed but worth the operator's second look (said before serving)."""
    import os

    notes = []
    from django.db import connections

    pool = (connections["default"].settings_dict.get("OPTIONS") or {}).get("pool")
    largest = pool.get("max_size") if isinstance(pool, dict) else None
    if largest is not None and largest < threads:
        notes.append(
            f"LEGATION_DB_POOL allows {largest} connection(s) per process for {threads} "
            "thread(s): requests will queue for a connection, and answer 503 past "
            "LEGATION_DB_POOL_TIMEOUT; make the pool at least as large as --threads"
        )
    if not os.environ.get("LEGATION_SECRET_KEY"):
        notes.append(
            "the secret key comes from $LEGATION_HOME/secret_key: with several servers, set "
            "LEGATION_SECRET_KEY to one value on all of them, or users are logged out when "
            "they reach another server"
        )
    plain_http = getattr(settings, "PLAIN_HTTP", False)
    if settings.SECURE_SSL_REDIRECT and not plain_http and not settings.TRUSTED_PROXIES:
        notes.append(
            "no reverse proxy is configured (LEGATION_TRUSTED_PROXIES) and plain HTTP is not "
            "declared (LEGATION_PLAIN_HTTP): every request is redirected to HTTPS, which this "
            "server does not speak; set LEGATION_TRUSTED_PROXIES to the TLS proxy's address "
            "(or LEGATION_PLAIN_HTTP=1 on a private network)"
        )
    if getattr(settings, "HSTS_OFF_BY_OPERATOR", False):
        notes.append(
            "LEGATION_HSTS_SECONDS=0: no Strict-Transport-Security header, as the operator said; "
            "browsers are not told to keep to HTTPS (a first request over plain HTTP can be "
            "intercepted before the redirect)"
        )
    if not os.environ.get("LEGATION_TIME_ZONE"):
        notes.append(
            f"LEGATION_TIME_ZONE is not set: dates are shown and days counted in "
            f"{settings.TIME_ZONE}"
        )
    return notes


def _port(value: str) -> int:
    """--port: a TCP port number (argparse says the error, exit status 2)."""
    import argparse

    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1 to 65535)")
    return port


def address_weakness(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (in use, not an address of this machine,
    a name that does not resolve), or None: said before "Serving legation on …"."""
    from legation.ops.server import check_port

    try:
        check_port(host, port)
    except OSError as exc:
        return f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})"
    return None


class Command(LegationCommand):
    help = (
        "Serve the web application with a production WSGI server (gunicorn: worker processes "
        "of threads) and the background job worker."
    )

    def add_arguments(self, parser: Any) -> None:
        from legation.ops.server import DEFAULT_THREADS

        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=_port, default=8000, help="1 to 65535 (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            metavar="N",
            help="worker processes (default: two per core this process may use)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            metavar="T",
            default=DEFAULT_THREADS,
            help=f"threads per worker process (default {DEFAULT_THREADS})",
        )
        parser.add_argument(
            "--plain-http",
            action="store_true",
            help="serve plain HTTP with no TLS proxy, on a private network only: no HTTPS "
            "redirect, cookies not Secure (the same as LEGATION_PLAIN_HTTP=1)",
        )
        parser.add_argument(
            "--check-only", action="store_true", help="check the configuration and exit"
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background job worker"
        )

    def run(self, actor: Any, **options: Any) -> None:
        from django.conf import settings

        from legation.ops.server import default_workers

        plain_http = getattr(settings, "PLAIN_HTTP", False)
        if options["plain_http"] and not plain_http:
            # The HTTPS settings are read when the settings load: `legation serve --plain-http`
            # sets LEGATION_PLAIN_HTTP before that (legation.cli); call_command cannot.
            raise CommandError("--plain-http: set LEGATION_PLAIN_HTTP=1 instead.")
        reasons = insecure_reasons()
        if plain_http and (weakness := plain_http_weakness(options["host"])):
            reasons.append(weakness)
        if reasons:
            reasons[0] = "an insecure configuration: " + reasons[0]
        if storage := storage_weaknesses():
            reasons.append("files cannot be stored: " + storage[0])
            reasons.extend(storage[1:])
        if reasons:
            raise CommandError("Refusing to serve with " + "; ".join(reasons))
        for name in ("workers", "threads"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name} must be 1 or more.")
        workers = options["workers"] or default_workers()
        threads = options["threads"]
        notes = advisories(settings, threads)
        job_worker = not options["no_worker"]
        if job_worker and needs_own_session():
            # Through pgbouncer in transaction mode the worker refuses to start (its merge's lock
            # needs a session of its own): started here it would only fail again and again.
            job_worker = False
            notes.append(
                "the job worker is not started: the database is reached through pgbouncer "
                "(LEGATION_DB_PGBOUNCER, or port 6432), and the worker needs a session of its "
                "own; run `legation worker` as a service of its own with a direct DATABASE_URL "
                "(PostgreSQL's own port) and LEGATION_DB_PGBOUNCER=0 (docs/deployment.md, "
                "pgbouncer), and `legation serve --no-worker`"
            )
        if plain_http and (note := plain_http_note(options["host"])):
            notes.append(note)
        for note in notes:
            self.stdout.write(f"Note: {note}")
        problems = not_ready()
        for problem in problems:
            self.stdout.write(f"Warning: {problem}")
        if options["check_only"]:
            if problems:
                raise CommandError(
                    "The configuration is fit for production, but the database is not ready: "
                    + "; ".join(problems)
                )
            self.stdout.write("Configuration is fit for production.")
            return
        if weakness := address_weakness(options["host"], options["port"]):
            raise CommandError(weakness, returncode=2)
        host = f"[{options['host']}]" if ":" in options["host"] else options["host"]
        job = "the job worker" if job_worker else "no job worker"
        self.stdout.write(
            f"Serving legation on http://{host}:{options['port']}/ with {workers} worker "
            f"process(es) of {threads} thread(s) and {job}; {self.transport(settings)}."
        )
        self.stdout.flush()
        serve(
            options["host"],
            options["port"],
            threads,
            job_worker,
            workers=workers,
        )

    @staticmethod
    def transport(settings: Any) -> str:
        """How users reach it, as configured: said on the start-up line."""
        proxies = ", ".join(getattr(settings, "TRUSTED_PROXIES", []))
        if getattr(settings, "PLAIN_HTTP", False):
            where = f"; forwarded headers believed from {proxies}" if proxies else ""
            return (
                "PLAIN HTTP as the operator said (LEGATION_PLAIN_HTTP): no HTTPS redirect, "
                f"cookies not Secure, for a private network only{where}"
            )
        if proxies:
            return f"HTTPS through the reverse proxy at {proxies} (LEGATION_TRUSTED_PROXIES)"
        if settings.SECURE_SSL_REDIRECT:
            return "every request is sent to HTTPS, and no reverse proxy is configured (the note above)"
        return "plain HTTP"
