"""Figures computed ahead: what users asked for, computed again by the job worker when the
ledger they read changes, so that the next look answers from the cache.

A figure is kept under a key holding its user and the version of every mission it reads
(`insight.cache`): any write to one of those missions makes the next look compute it again, and
in an active mission that is nearly every look. The handover brief takes about a second to
compute at a million engagements, and the tenure dashboard a third of one. So `remembered`
notes which of these figures a user asked for (`FigureWanted`: the user, the figure, its
arguments, the language), and the worker (`legation worker`, started by `serve` and `demo`)
looks every LEGATION_WARM_SECONDS (20) for noted figures missing from the cache, newest asked
first, and computes them as that user, within 15 seconds of computing per round (at most about
half of one core), and only for missions whose ledger stood still since the last round (an
import's thousands of writes are followed by one computing, once it is done). What it keeps is what
the page itself would compute under the same key: the same user, missions, clearance, language
and ledger versions. Notes not asked for in two weeks are dropped.

The cache must be one the worker and the web processes share: the database's (the default) or
Redis (`LEGATION_CACHE_URL`); with the per-process cache (`locmem://`) nothing is computed ahead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, connection, connections, transaction
from django.db.utils import OperationalError
from django.utils import timezone, translation

log = logging.getLogger("legation.insight.warm")

#: how long a note lasts without being asked for again
KEEP = dt.timedelta(days=14)
#: a note's "asked" is written again at most this often (seconds)
NOTE_EVERY = 6 * 3600
#: the most figures noted for one user (their latest): one user cannot fill the worker's rounds
PER_USER = 8
#: the most noted figures one round looks at, and the seconds of computing it may spend
ROUND_LIMIT = 200
ROUND_BUDGET = 15.0


def _report(kind: str) -> Callable[..., Any]:
    def compute(user: Any, posting_pk: int | None, as_of: dt.date, start: dt.date | None) -> Any:
        from legation.engagements.models import Posting
        from legation.insight import reports

        posting = None
        if posting_pk is not None:
            posting = Posting.objects.visible_to(user).labelled().filter(pk=posting_pk).first()
            if posting is None:  # no longer the user's to see
                return None
        return reports.build(kind, user=user, posting=posting, as_of=as_of, start=start)

    return compute


#: the figures computed ahead, by their `remembered` name: (user, *parts) -> the figure. Those
#: whose first computing takes longer than a page should (docs/insight.md).
FIGURES: dict[str, Callable[..., Any]] = {
    "report-handover": _report("handover"),
    "report-tenure": _report("tenure"),
}


def encode(parts: tuple, today: dt.date) -> str:
    """`parts` as JSON; a date that is `today` written as "today"."""
    out: list[Any] = []
    for p in parts:
        if isinstance(p, dt.date):
            out.append({"today": True} if p == today else {"date": p.isoformat()})
        else:
            out.append(p)
    return json.dumps(out, separators=(",", ":"))


def decode(text: str, today: dt.date) -> tuple:
    out: list[Any] = []
    for p in json.loads(text):
        if isinstance(p, dict):
            out.append(today if p.get("today") else dt.date.fromisoformat(p["date"]))
        else:
            out.append(p)
    return tuple(out)


def _mark(user_id: int, name: str, spec: str, language: str) -> str:
    """The cache key marking a note as written in the last NOTE_EVERY seconds."""
    digest = hashlib.sha256(repr((user_id, name, spec, language)).encode()).hexdigest()
    return f"legation:figure-noted:{digest}"


def note(name: str, user: Any, parts: tuple) -> None:
    """Note that `user` asked for the figure `name` with `parts` (at most every NOTE_EVERY).

    Only a figure as of today is noted (the look a user comes back to; a brief as of some past
    day is computed when asked), and only the user's PER_USER latest notes are kept."""
    if name not in FIGURES or not getattr(user, "is_authenticated", False):
        return
    today = timezone.localdate()
    dates = [p for p in parts if isinstance(p, dt.date)]
    if not dates or any(d != today for d in dates):
        return
    from legation.insight.models import FigureWanted

    spec = encode(parts, today)
    language = translation.get_language() or "en"
    if not cache.add(_mark(user.pk, name, spec, language), True, NOTE_EVERY):
        return
    try:
        with transaction.atomic():
            FigureWanted.objects.update_or_create(
                user_id=user.pk,
                name=name,
                parts=spec,
                language=language,
                defaults={"asked": timezone.now()},
            )
            mine = FigureWanted.objects.filter(user_id=user.pk).order_by("-asked", "-pk")
            dropped = list(mine.values_list("pk", "name", "parts", "language")[PER_USER:])
            FigureWanted.objects.filter(pk__in_list=[row[0] for row in dropped]).delete()
        # A dropped note's mark goes with it: its next look notes it again at once.
        cache.delete_many([_mark(user.pk, *row[1:]) for row in dropped])
    except IntegrityError:  # the same note written at the same moment by another process
        pass
    except OperationalError:
        # SQLite's write lock held past the wait by a long write: the page answers all the
        # same, and the next look notes it (its mark dropped).
        cache.delete(_mark(user.pk, name, spec, language))


def ledger_versions() -> dict[int, int]:
    """Every mission's ledger version (and the shared rows', mission 0)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT mission_id, version FROM insight_ledgerversion")
        return dict(cursor.fetchall())


def warm_once(
    *,
    budget: float = ROUND_BUDGET,
    limit: int = ROUND_LIMIT,
    previous: dict[int, int] | None = None,
) -> int:
    """Compute the noted figures missing from the cache, newest asked first, until `budget`
    seconds are spent. Returns how many were computed.

    With `previous` (the versions the last round saw), a figure reading a mission being written
    right now (its version moved since) waits for a round in which it stood still: an import of
    thousands of rows is not followed by a brief computed again every round."""
    from legation.core import access
    from legation.insight.cache import SHARED, TIMEOUT, key
    from legation.insight.models import FigureWanted

    started = time.monotonic()
    moving: set[int] = set()
    if previous is not None:
        now = ledger_versions()
        moving = {m for m in {*now, *previous} if now.get(m) != previous.get(m)}
    FigureWanted.objects.filter(asked__lt=timezone.now() - KEEP).delete()
    today = timezone.localdate()
    computed = 0
    wanted = (
        FigureWanted.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("-asked")[:limit]
    )
    for item in wanted:
        compute = FIGURES.get(item.name)
        if compute is None:
            continue
        if moving & {SHARED, *access.mission_ids(item.user)}:
            continue
        parts = decode(item.parts, today)
        with translation.override(item.language):
            k = key(item.name, item.user, *parts)
            if k is None or cache.get(k) is not None:
                continue
            value = compute(item.user, *parts)
            if value is None:
                continue
            cache.set(k, value, TIMEOUT)
            computed += 1
        if time.monotonic() - started > budget:
            break
    return computed


def run_forever(interval: float, stop: threading.Event | None = None) -> None:
    """Rounds of `warm_once` every `interval` seconds, for the worker's thread: a busy database
    or a failing figure is logged and the next round comes."""
    stop = stop or threading.Event()
    seen: dict[int, int] | None = None
    while not stop.wait(interval):
        try:
            last, seen = seen, ledger_versions()
            count = warm_once(previous=last)
            if count:
                log.info("Computed %d figure(s) ahead.", count)
        except OperationalError as exc:
            log.warning("The database is busy (%s): figures are computed next round.", exc)
        except Exception:
            log.exception("Computing figures ahead failed; trying again next round.")
        finally:
            connections.close_all()  # this thread's connections only


def start_thread(interval: float) -> threading.Thread | None:
    """The worker's thread computing figures ahead (none when `interval` is 0)."""
    if interval <= 0:
        return None
    thread = threading.Thread(
        target=run_forever, args=(interval,), name="legation-figures-ahead", daemon=True
    )
    thread.start()
    return thread
