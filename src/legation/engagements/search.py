"""Full-text search of engagement subjects, summaries and notes, indexed on both databases.

The index and how a term is matched through it belong to `legation.core.db.text` (SQLite: an
FTS5 table with the trigram tokenizer, substrings in any script, Chinese included; PostgreSQL: a
pg_trgm GIN index on the same text). Terms shorter than three characters cannot use a trigram
index and fall back to a plain substring scan, still within visible_to.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from legation.core.db import text as text_index

# The shortest term a trigram index can answer.
MIN_TEXT_TERM = text_index.MIN_TERM


def matching_text(queryset: QuerySet, text: str, plan: str = "index") -> QuerySet:
    """Engagements whose subject, summary or notes contain every word of `text`.

    `plan` (`text.newest_first_plan`, for a query wanting only the newest few): "index" finds
    them through the index; "probe" looks each row up in the index along the query's own order;
    "scan" matches the text itself along that order (most engagements match)."""
    indexed = [t for t in text.split() if len(t) >= MIN_TEXT_TERM] if plan != "scan" else []
    if indexed:
        condition = text_index.indexed_match(indexed, probe=plan == "probe")
        if condition is not None:
            queryset = queryset.filter(condition)
        else:
            indexed = []
    for term in text.split():
        if term not in indexed:
            queryset = queryset.filter(
                Q(subject__icontains=term) | Q(summary__icontains=term) | Q(notes__icontains=term)
            )
    return queryset


#: PostgreSQL: how many of the newest engagements the planner may walk looking for matches
#: before the rest are found through the index (`newest_matching`)
WALK_BOUND = 20_000
#: above this many missions, no bound is looked up (one look-up per mission)
MANY_MISSIONS = 5


def newest_matching(
    queryset: QuerySet, text: str, limit: int, fields: tuple[str, ...], missions: list[int]
) -> list:
    """The newest `limit` engagements of `queryset` whose text contains every word of `text`,
    newest first, reading as few rows as the words allow.

    SQLite: `text.newest_first_plan` chooses from counts in the FTS5 index. PostgreSQL weighs it
    itself (the text index's statistics, engagements migration 0014): for a word in one
    engagement of a hundred it walks the newest first and stops at twenty, for a rare one it
    reads the few matches. A walk has no end of its own (a word of one past season, taken for a
    common one, would be looked for through a million engagements, 700 ms), so here it is
    bounded: first among the newest WALK_BOUND engagements of `missions` (a date found in the
    (mission, start) index alone), then, if fewer than `limit` were there, the older ones, read
    through the index (`in_list`: the planner cannot turn that into a walk) and sorted.
    """
    order = ("-start", "-pk")
    words = text.split()
    if connection.vendor != "postgresql" or not any(len(w) >= MIN_TEXT_TERM for w in words):
        plan = text_index.newest_first_plan(words, limit)
        return list(matching_text(queryset, text, plan).only(*fields).order_by(*order)[:limit])
    # The latest of each mission's WALK_BOUND-th newest dates (one index range each): at least
    # that many engagements are newer. Read from all the mission's rows whatever their
    # sensitivity: only a date that splits the query on `queryset`, never shown. Users of many
    # missions (the operator) leave it to the planner.
    manager = queryset.model._default_manager
    bounds = [
        manager.filter(mission_id=mission)
        .order_by("-start")
        .values_list("start", flat=True)[WALK_BOUND : WALK_BOUND + 1]
        .first()
        for mission in (missions if len(missions) <= MANY_MISSIONS else [])
    ]
    bound = max((b for b in bounds if b is not None), default=None)
    if bound is None:  # as few engagements as the bound (or many missions): the planner's plan
        return list(matching_text(queryset, text).only(*fields).order_by(*order)[:limit])
    newest = list(
        matching_text(queryset.filter(start__gte=bound), text)
        .only(*fields)
        .order_by(*order)[:limit]
    )
    if len(newest) == limit:
        return newest
    older = matching_text(queryset.filter(start__lt=bound), text).order_by().values("pk")
    return newest + list(
        queryset.filter(pk__in_list=older).only(*fields).order_by(*order)[: limit - len(newest)]
    )
