"""The facts the demo mission's letters cite (invented figures and dates about Demoland)."""

from __future__ import annotations

import copy

from legation.demo import vocabulary
from legation.demo.context import Context
from legation.engagements.models import Fact


def create(ctx: Context) -> None:
    specs = vocabulary.mission().facts
    facts = [Fact(mission_id=ctx.mission_id, **copy.deepcopy(spec)) for spec in specs]
    Fact.objects.bulk_create(facts)
    ctx.written[Fact._meta.label] = len(facts)
