"""Figures kept for a while: keyed by who asks, for what date, and the state of what they read.

A figure is computed from what the user may see, so the key holds the user, their clearance and
their missions (and the language: reasons are written in words). It also holds the *version* of
each of those missions, and of the rows every mission shares (sectors, regions, shared facts):
numbers the database changes whenever one of those rows changes (`insight/versions.py`: triggers
on every table a figure reads, so services, imports, merges, deletions, undeletes, restores and
raw bulk loads all move them). A cached figure is therefore only ever a copy of the answer the
same query would give now, and a write in another mission leaves it cached.

The granularity is the mission: any change to a mission's engagements, their links and
commitments, its people, organisations, postings, facts, or the mission itself, is a new
version of every figure of that mission's users (a person no figure reads included: the quiet
list and the handover brief read people's titles, so telling which person a figure read would
cost as much as the figure). A user of two missions has figures keyed on both.

Reading the versions is one indexed lookup (the missions' rows of `insight_ledgerversion`).

Across processes: the key holds the versions, never a process's memory of them, so each process
may keep its own copy (Django's default per-process `LocMemCache`) and none ever serves a figure
older than the ledger; a cache shared by several processes or servers (`CACHES`) is equally
correct and only saves the computing. On PostgreSQL a version moves when the writing
transaction commits; inside a transaction that has written to one of the missions, figures are
computed and not kept (they may roll back).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils import translation

from legation.core import access

T = TypeVar("T")
TIMEOUT = 60 * 60
#: the version of the rows every mission shares: sectors, regions, facts of no mission
SHARED = 0


def versions(missions: Iterable[int]) -> tuple[tuple[int, int], ...] | None:
    """(mission, version) of the given missions and of the shared rows, in order; None while
    this transaction has written to one of them and not committed (PostgreSQL)."""
    wanted = sorted({SHARED, *missions})
    marks = ", ".join(["%s"] * len(wanted))
    sql = f"SELECT mission_id, version FROM insight_ledgerversion WHERE mission_id IN ({marks})"  # noqa: S608 - placeholders only
    params: list[Any] = list(wanted)
    if connection.vendor == "postgresql":
        sql += (
            " UNION ALL SELECT -1, count(*) FROM insight_ledgertouch "  # noqa: S608
            f"WHERE txid = txid_current_if_assigned() AND mission_id IN ({marks})"
        )
        params += wanted
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = dict(cursor.fetchall())
    if found.pop(-1, 0):
        return None
    return tuple((m, found.get(m, 0)) for m in wanted)


def key(name: str, user: Any, *parts: Any) -> str | None:
    """The cache key of a figure, or None when it must not be kept (see `versions`)."""
    missions = sorted(access.mission_ids(user))
    state = versions(missions)
    if state is None:
        return None
    language = translation.get_language()
    raw = repr((name, user.pk, access.clearance(user), missions, language, parts, state))
    return "legation:figure:" + hashlib.sha256(raw.encode()).hexdigest()


def remembered(name: str, user: Any, parts: tuple, compute: Callable[[], T]) -> T:
    """The figure from the cache when none of the missions it reads changed since, else
    computed and kept."""
    # The costliest figures are computed again by the worker when the ledger changes
    # (`insight.warm`): noted whenever asked for.
    from legation.insight import warm

    warm.note(name, user, parts)
    k = key(name, user, *parts)
    if k is None:
        return compute()
    found = cache.get(k)
    if found is None:
        found = compute()
        cache.set(k, found, TIMEOUT)
    return found
