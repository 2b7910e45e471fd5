"""Full-text search of engagement subjects, summaries and notes, indexed on both databases.

SQLite: an FTS5 table with the trigram tokenizer (substrings in any script, Chinese included),
kept in step with the engagements table by triggers. PostgreSQL: a pg_trgm GIN index on the
same text. Terms shorter than three characters cannot use a trigram index and fall back to a
plain substring scan, still within visible_to.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

TEXT_SQL = "(subject || ' ' || summary || ' ' || notes)"
# The shortest term a trigram index can answer.
MIN_TEXT_TERM = 3


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def matching_text(queryset: QuerySet, text: str) -> QuerySet:
    """Engagements whose subject, summary or notes contain every word of `text`."""
    for term in text.split():
        if len(term) < MIN_TEXT_TERM:
            queryset = queryset.filter(
                Q(subject__icontains=term) | Q(summary__icontains=term) | Q(notes__icontains=term)
            )
        elif connection.vendor == "sqlite":
            queryset = queryset.extra(
                where=[
                    "engagements_engagement.id IN "
                    "(SELECT rowid FROM engagement_fts WHERE engagement_fts MATCH %s)"
                ],
                params=[_fts_phrase(term)],
            )
        elif connection.vendor == "postgresql":
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            queryset = queryset.extra(  # noqa: S610 - parameters are bound
                where=[f"{TEXT_SQL} ILIKE %s"], params=[f"%{escaped}%"]
            )
        else:  # pragma: no cover - other databases scan
            queryset = queryset.filter(
                Q(subject__icontains=term) | Q(summary__icontains=term) | Q(notes__icontains=term)
            )
    return queryset
