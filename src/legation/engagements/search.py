"""Full-text search of engagement subjects, summaries and notes, indexed on both databases.

The index and how a term is matched through it belong to `legation.core.db.text` (SQLite: an
FTS5 table with the trigram tokenizer, substrings in any script, Chinese included; PostgreSQL: a
pg_trgm GIN index on the same text). Terms shorter than three characters cannot use a trigram
index and fall back to a plain substring scan, still within visible_to.
"""

from __future__ import annotations

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
