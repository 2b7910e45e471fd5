from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from legation.core.management.base import LegationCommand
from legation.core.models import Mission, Sensitivity
from legation.ops.management.commands.init import initialise, refresh_statistics

DEMO_USER = "demo"


def ensure_demo_login(mission: Any) -> str | None:
    """Create the demo login (head of mission, full clearance); return its new password."""
    from legation.ops.management.commands.createuser import create_user

    User = get_user_model()
    user = User.objects.filter(username=DEMO_USER).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(9)
        user = create_user(
            DEMO_USER,
            role="head_of_mission",
            password=password,
            missions=[mission],
            clearance=Sensitivity.RESTRICTED,
        )
    hold_head_posting(mission, user)
    return password


def hold_head_posting(mission: Any, user: Any) -> None:
    """The demo login holds the head of mission's posting in force, as a real head's login
    does: the meetings they log include them, their commitments come first at home."""
    from legation.core.access import SYSTEM
    from legation.demo.generator import HEAD_POSTING_REF
    from legation.engagements.models import Posting
    from legation.engagements.services import posting_update

    posting = Posting.objects.filter(mission=mission, ref=HEAD_POSTING_REF).first()
    if posting is not None and posting.user_id is None:
        posting_update(actor=SYSTEM, posting=posting, user=user)


class Command(LegationCommand):
    help = (
        "Create the database if needed, fill it with the invented demo mission, create a demo "
        "login, and serve the web application on 127.0.0.1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", choices=["small", "medium", "large"], default="small")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--no-serve", action="store_true", help="fill the database and stop")
        parser.add_argument("--port", type=int, default=8000)

    def run(self, actor: Any, **options: Any) -> None:
        from legation.demo.generator import DEMO_MISSION_REF, generate

        initialise()
        mission = Mission.objects.filter(ref=DEMO_MISSION_REF).first()
        if mission is None:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                disable=options["verbosity"] == 0,
            ) as progress:
                task = progress.add_task(f"Generating the {options['size']} demo", total=100)

                def report(fraction: float, what: str) -> None:
                    progress.update(
                        task, completed=fraction * 100, description=f"Generating: {what}"
                    )

                summary = generate(size=options["size"], seed=options["seed"], progress=report)
            if connection.vendor == "postgresql":
                # The load ran in one transaction, where PostgreSQL may not VACUUM: now it may
                # mark the new pages all-visible (index-only scans) and refresh the statistics.
                refresh_statistics()
            mission = Mission.objects.get(ref=DEMO_MISSION_REF)
            self.stdout.write(
                f"Demo mission created: {summary['people']:,} people, "
                f"{summary['organisations']:,} organisations, "
                f"{summary['engagements']:,} engagements."
            )
        else:
            self.stdout.write("The demo mission is already in the database.")
        password = ensure_demo_login(mission)
        if password:
            self.stdout.write(f"Login: {DEMO_USER} / {password}")
        else:
            self.stdout.write(
                f"Login: {DEMO_USER} (password set earlier; change it with "
                f"`legation changepassword {DEMO_USER}`)"
            )
        if options["no_serve"]:
            return
        from legation.ops.management.commands.serve import serve

        address = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write(f"Serving the demo on {address} with its job worker (Ctrl+C to stop)")
        try:
            serve("127.0.0.1", options["port"])
        except OSError as exc:
            raise CommandError(f"Cannot serve on port {options['port']}: {exc}") from None
