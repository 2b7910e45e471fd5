from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from legation.core.management.base import LegationCommand


def insecure_reasons() -> list[str]:
    """Why the configuration is unsafe for production (empty when it is fine)."""
    from django.conf import settings
    from django.core import checks

    reasons = []
    if settings.DEBUG:
        reasons.append("LEGATION_DEBUG is on")
    if "*" in settings.ALLOWED_HOSTS or not settings.ALLOWED_HOSTS:
        reasons.append("LEGATION_ALLOWED_HOSTS is open ('*') or empty")
    if (
        settings.SECRET_KEY.startswith("django-insecure")
        or len(set(settings.SECRET_KEY)) < 5
        or len(settings.SECRET_KEY) < 50
    ):
        reasons.append("the secret key is a default or weak value (set LEGATION_SECRET_KEY)")
    for message in checks.run_checks(include_deployment_checks=True):
        if message.level >= checks.WARNING:
            reasons.append(f"{message.id}: {message.msg}")
    return reasons


def serve(host: str, port: int, threads: int, worker: bool = True) -> None:
    """Serve, with the background job worker (letter merges) as a child process."""
    import waitress

    from legation.letters.jobs import WorkerSupervisor
    from legation.wsgi import application

    supervisor = WorkerSupervisor() if worker else None  # restarts the worker if it stops
    try:
        waitress.serve(application, host=host, port=port, threads=threads, ident="legation")
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
