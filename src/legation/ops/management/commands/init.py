from __future__ import annotations

from typing import Any

from django.core.management import call_command

from legation.core.access import sync_roles
from legation.core.db import stats
from legation.core.management.base import LegationCommand
from legation.core.vocab import seed_regions, seed_sectors


def initialise(verbosity: int = 0) -> dict[str, int]:
    """Create or migrate the database and seed vocabularies and roles; safe to repeat."""
    call_command("migrate", interactive=False, verbosity=verbosity)
    from legation.core.models import Mission

    sectors = seed_sectors()
    # The United States' regions, and those of every mission's host country (a mission created
    # or imported later brings its own: engagements.services.mission_create).
    countries = {"US", *Mission.objects.values_list("host_country", flat=True)}
    regions = sum(seed_regions(country) for country in sorted(countries) if country)
    sync_roles()
    refresh_statistics()
    return {"sectors": sectors, "regions": regions}


def refresh_statistics() -> None:
    """Fresh planner statistics, so the figures' queries are planned on what the tables hold.

    A migration can add and fill a table (the derived engagement-sector table does); without
    statistics SQLite plans joins on it blindly, several times slower at a million rows. A full
    ANALYZE (no `analysis_limit` sampling: sampled statistics mislead the planner into plans
    three to six times slower on the figures' joins) takes under two seconds at a million
    engagements.
    """
    stats.analyze(vacuum=True)


class Command(LegationCommand):
    help = "Create or migrate the database and seed the vocabularies and roles (safe to rerun)."

    def run(self, actor: Any, **options: Any) -> None:
        from django.conf import settings

        created = initialise(verbosity=max(options["verbosity"] - 1, 0))
        db = settings.DATABASES["default"]
        where = db["NAME"] if "sqlite" in db["ENGINE"] else f"{db.get('HOST')}/{db['NAME']}"
        self.stdout.write(
            f"Database ready at {where}: {created['sectors']} sectors and "
            f"{created['regions']} regions added; roles up to date."
        )
