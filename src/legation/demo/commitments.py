"""The demo's commitments: follow-ups raised in engagements, ours or theirs, and how they ended.

The engagements build them as they go (``row``), so that each draws its numbers right after its
engagement's; ``pending`` decides beforehand how many each engagement raises.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random

from legation.demo import vocabulary
from legation.demo.context import Context
from legation.engagements.models import Commitment

# The engagement's mission and sensitivity are written with the row (the database would copy
# them, a lookup per row; the demo knows them).
FIELDS = ("engagement", "description", "direction", "requested_by", "owner", "due", "status",
          "resolution", "closed_on", "sensitivity", "mission", "engagement_sensitivity")  # fmt: skip


def pending(rng: random.Random, engagements: int, commitments: int) -> bytearray:
    """How many commitments each of the engagements raises (most none, a few several)."""
    out = bytearray(engagements)
    for k in rng.choices(range(engagements), k=commitments):
        out[k] += 1
    return out


def row(
    ctx: Context,
    *,
    engagement_id: int,
    mission_id: int,
    topic: str,
    who: str,
    person_id: int,
    owners: list[int],
    raised: dt.date,
    sensitivity: int,
) -> tuple:
    """One commitment raised on `raised` with `who` (`person_id`): ours (owned by one of the
    postings in `owners`) or theirs (asked by them), due within two months, and how it ended."""
    random, words = ctx.rng.random, vocabulary.commitments()
    if random() < 0.65:
        text = ctx.rng.choice(words.ours).format(topic=topic, who=who)
        direction, asked = "ours", None
    else:
        text = ctx.rng.choice(words.theirs).format(topic=topic, who=who)
        direction, asked = "theirs", person_id
    owner = owners[int(random() * len(owners))]
    due = raised + dt.timedelta(days=7 + int(random() * 54))
    status, closed, resolution = _resolution(ctx, raised, due)
    return (engagement_id, text, direction, asked, owner, due, status, resolution, closed,
            sensitivity, mission_id, sensitivity)  # fmt: skip


def _resolution(ctx: Context, raised: dt.date, due: dt.date) -> tuple[str, dt.date | None, str]:
    """Status, closing date and resolution of a commitment, given how far past due it is."""
    rng, today, words = ctx.rng, ctx.today, vocabulary.commitments()
    r = rng.random()
    late = (today - due).days
    odds = words.status_odds["long" if late > 30 else "recent" if late >= 0 else "ahead"]
    status = words.statuses[bisect.bisect_right(odds, r)]
    if status not in ("done", "dropped"):
        return status, None, ""
    latest = min(today, due + dt.timedelta(days=20))
    closed = raised + dt.timedelta(days=rng.randint(1, max((latest - raised).days, 1)))
    closed = min(closed, today)
    return status, closed, rng.choice(words.resolutions[status])


def insert(ctx: Context, rows: list[tuple]) -> None:
    ctx.insert(Commitment, FIELDS, rows)
