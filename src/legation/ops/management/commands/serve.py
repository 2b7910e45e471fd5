from __future__ import annotations

import functools
import itertools
from typing import Any

from django.core.management.base import CommandError

from legation.core.management.base import LegationCommand

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


def insecure_reasons() -> list[str]:
    """Why the configuration is unsafe for production (empty when it is fine)."""
    from django.conf import settings
    from django.core import checks

    reasons = []
    if settings.DEBUG:
        reasons.append("LEGATION_DEBUG is on")
    if weakness := host_weakness(settings.ALLOWED_HOSTS):
        reasons.append(weakness)
    if weakness := secret_key_weakness(settings.SECRET_KEY):
        reasons.append(f"{weakness}; set LEGATION_SECRET_KEY or delete the key file, {_GENERATE}")
    if weakness := proxy_weakness(getattr(settings, "TRUSTED_PROXIES", [])):
        reasons.append(weakness)
    for message in checks.run_checks(include_deployment_checks=True):
        if message.level >= checks.WARNING:
            reasons.append(f"{message.id}: {message.msg}")
    return reasons


def serve(host: str, port: int, threads: int, worker: bool = True) -> None:
    """Serve, with the background job worker (letter merges) as a child process."""
    import waitress
    from django.conf import settings

    from legation.letters.merge.jobs import WorkerSupervisor
    from legation.wsgi import application

    supervisor = WorkerSupervisor() if worker else None  # restarts the worker if it stops
    try:
        waitress.serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="legation",
            # Waitress drops every X-Forwarded-* header by default; with a reverse proxy
            # configured, legation.core.middleware.TrustedProxyMiddleware believes them from
            # LEGATION_TRUSTED_PROXIES only (and still drops them from anyone else).
            clear_untrusted_proxy_headers=not settings.TRUSTED_PROXIES,
        )
    finally:
        if supervisor is not None:
            supervisor.stop()


class Command(LegationCommand):
    help = "Serve the web application with a production WSGI server (waitress)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=8, help="worker threads")
        parser.add_argument(
            "--check-only", action="store_true", help="check the configuration and exit"
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background job worker"
        )

    def run(self, actor: Any, **options: Any) -> None:
        reasons = insecure_reasons()
        if reasons:
            raise CommandError(
                "Refusing to serve with an insecure configuration: " + "; ".join(reasons)
            )
        if options["check_only"]:
            self.stdout.write("Configuration is fit for production.")
            return
        self.stdout.write(f"Serving legation on http://{options['host']}:{options['port']}/")
        serve(options["host"], options["port"], options["workers"], not options["no_worker"])
