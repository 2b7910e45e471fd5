"""The full-text indexes: engagements' text and people's names.

Engagements: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL, created by migration engagements
0003 (its SQL frozen there); this module is what runtime code needs of it: the condition that
matches a term through the index, and how a bulk load sets the index aside and fills it in one
statement. Terms shorter than three characters cannot use a trigram index: callers scan for them.

People's names (migration people 0009): ``search_keys`` in a trigram index (FTS5 / pg_trgm) for
words of three characters or more, and ``search_grams`` (every one- and two-character substring
of those words, ``names.search_grams``) indexed word by word for shorter ones (FTS5 unicode61 /
a GIN index over its words), so that a name search never walks the people table. On SQLite the
FTS5 tables read their content from the people table and are kept by triggers.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import Expression, RawSQL

from legation.core.db.setaside import SetAside

TABLE = "engagements_engagement"
COLUMNS = ("subject", "summary", "notes")
#: SQLite: the FTS5 table (content = the engagements table) and the trigger filling it on insert
FTS_TABLE = "engagement_fts"
FTS_INSERT_TRIGGER = "engagement_fts_ai"
#: PostgreSQL: the GIN index over this expression (the query must repeat it to use the index)
TRGM_INDEX = "engagement_text_trgm"
TEXT_SQL = "(subject || ' ' || summary || ' ' || notes)"
#: the shortest term a trigram index can answer
MIN_TERM = 3


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def indexed_match(terms: str | list[str], probe: bool = False) -> RawSQL | None:
    """A condition (for `QuerySet.filter`) true for engagements whose text contains `terms` (a
    term, or every one of several: on SQLite one FTS5 query, the words ANDed, which FTS5 answers
    far quicker than each word's rows intersected), answered by the index; None on a database
    without one.

    `probe` (SQLite): the matching rows are only looked up, never the plan's first step, so that
    a query in another order (the newest first) walks that order and stops at its LIMIT: for
    words many engagements contain (`newest_first_plan`), instead of reading and sorting them."""
    words = [terms] if isinstance(terms, str) else list(terms)
    if connection.vendor == "sqlite":
        plus = "+" if probe else ""
        return RawSQL(  # noqa: S611 - constant names, the terms bound
            f"{plus}{connection.ops.quote_name(TABLE)}.id IN "  # noqa: S608
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [" AND ".join(_fts_phrase(t) for t in words)],
            output_field=BooleanField(),
        )
    if connection.vendor == "postgresql":
        conditions, params = [], []
        for term in words:
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(f"{TEXT_SQL} ILIKE %s")
            params.append(f"%{escaped}%")
        return RawSQL(  # noqa: S611 - constant names, the terms bound
            " AND ".join(conditions), params, output_field=BooleanField()
        )
    return None


#: the most engagements `newest_first_plan` counts
FEW_MAX = 5000


def newest_first_plan(terms: list[str], limit: int) -> str:
    """SQLite: how best to find the newest `limit` engagements containing every term, from how
    many contain them (one FTS5 query, its words ANDed, counting up to a bound) out of about
    how many there are (the highest id), and how many of the latest thousand:

    - "index": few match (up to sqrt(limit x engagements), 4,500 of 1,000,000 for 20): read
      them through the index and sort them;
    - "probe": more match: walk the engagements newest first, looking each up in the index
      (`indexed_match(probe=True)`), about engagements / matches x limit rows;
    - "scan": one in twenty or more match: walk newest first matching the text itself, the
      first `limit` come within a few hundred rows.

    Elsewhere "index": PostgreSQL's planner weighs this itself."""
    phrases = [_fts_phrase(t) for t in terms if len(t) >= MIN_TERM]
    if connection.vendor != "sqlite" or not phrases:
        return "index"
    match, sample = " AND ".join(phrases), 1000
    with connection.cursor() as cursor:
        # One statement, whatever the answer: the highest id, the matches counted up to the
        # largest "few" the large demo has (sqrt(20 x 1,000,000)), the latest thousand's.
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {TABLE}), "  # noqa: S608 - constant names
            f"(SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s LIMIT %s)), "
            f"(SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND rowid > (SELECT coalesce(max(id), 0) FROM {TABLE}) - %s)",
            [match, FEW_MAX + 1, match, sample],
        )
        total, count, recent = cursor.fetchone()
    if count <= min(FEW_MAX, int((limit * (total or 0)) ** 0.5)):
        return "index"
    return "scan" if recent * 20 >= min(sample, total or 0) else "probe"


class TextIndexSetAside:
    """The text index set aside for a bulk load of engagements, filled and put back by `restore`.

    SQLite: the insert trigger is dropped, and the new rows are added to the FTS table in one
    ``INSERT … SELECT``; the delete and update triggers stay. PostgreSQL: the GIN index is
    dropped and built again from its own definition.
    """

    def __init__(self) -> None:
        self.saved = SetAside()
        if connection.vendor == "sqlite":
            self.saved.triggers(FTS_INSERT_TRIGGER.replace("_", "\\_"))
        elif connection.vendor == "postgresql":
            self.saved.index(TRGM_INDEX)

    def __bool__(self) -> bool:
        return bool(self.saved.statements)

    def restore(self, first_id: int) -> None:
        """Index the engagements from `first_id` on, and put the trigger or index back."""
        if not self.saved.statements:
            return
        if connection.vendor == "sqlite":
            columns = ", ".join(COLUMNS)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, {columns}) "  # noqa: S608 - constant names
                    f"SELECT id, {columns} FROM {TABLE} WHERE id >= %s",
                    [first_id],
                )
        self.saved.restore()


#: SQLite: the FTS5 tables over the people's names (content = the people table)
PERSON_TABLE = "people_person"
PERSON_FTS = "person_fts"
PERSON_GRAM_FTS = "person_gram_fts"
#: PostgreSQL: the GIN indexes (the gram condition repeats the indexed expression)
PERSON_TRGM_INDEX = "person_search_keys_trgm"
PERSON_GRAM_INDEX = "person_search_grams_gin"


class _HasGram(Expression):
    """PostgreSQL: the person's ``search_grams`` holds `token` (the GIN index's expression)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, token: str) -> None:
        super().__init__()
        self.column = F("search_grams")
        self.token = token

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.column)
        return f"string_to_array({column}, ' ') @> ARRAY[%s]::text[]", [*params, self.token]


#: SQLite: above this many rows matching the words in the index (a tenth of the large demo's
#: people: "li", "a"), the search walks the rows in name order instead, the matches then dense
#: enough for the first page to come after a few hundred rows; below it, the matching rows are
#: read and sorted (a common surname, "wang": about 1,200 of 100,000 people, mostly late in the
#: alphabet, where a walk in name order would read almost every row first)
PERSON_CANDIDATES_MAX = 10_000
#: PostgreSQL: the same choice, made by reading the matches' ids (up to this many: "wang" has
#: 1,400 at the large size; past it the ids cost more than the walk they spare)
PERSON_CANDIDATE_IDS_MAX = 3_000


def few_people_by_id(people: Any) -> Any:
    """PostgreSQL: `people` (a person search, the user's rules applied) read by id when few.

    Its planner walks the name index for a first page, expecting matches all along it; a common
    surname's ("wang": 1,400 of 100,000 people, all late in the alphabet) then come after
    86,000 rows. As on SQLite (`_fewer_than_a_walk`) the way is chosen here: up to
    PERSON_CANDIDATE_IDS_MAX matches (one look-up in the trigram index finds them) are read by
    id and sorted; more, and a walk finds a page soon enough. Other databases: `people` as is.
    """
    if connection.vendor != "postgresql":
        return people
    most = PERSON_CANDIDATE_IDS_MAX
    ids = list(people.order_by().values_list("pk", flat=True)[: most + 1])
    return people.filter(pk__in_list=ids) if len(ids) <= most else people


def person_name_match(words: list[tuple[str, str]]) -> Q | Expression | None:
    """A condition (for `PersonQuerySet.filter`) that narrows the people to those whose search
    keys may contain every word, answered by the name indexes; None where the indexes should not
    answer. `words`: each folded query word with its token in ``search_grams`` (used for words
    shorter than three characters). Callers still match the keys themselves: the substring
    match is the rule, the index only narrows (though it is exact today).

    SQLite: the rows of the FTS5 tables matching every word, as a subquery; when more than
    `PERSON_CANDIDATES_MAX` people match (one query of the index asks), None, so the planner walks the
    name index and stops at the first page. PostgreSQL: the `search_keys LIKE` of long words uses
    the trigram index by itself; short words get the gram condition its GIN index answers, and
    the planner chooses between the indexes from its statistics.
    """
    words = [(term, gram) for term, gram in words if term]
    if not words:
        return None
    if connection.vendor == "sqlite":
        # One FTS5 query per table, its words joined by AND (FTS5 merges the lists itself, far
        # quicker than intersecting each word's rows), the two tables' rows intersected.
        phrases: dict[str, list[str]] = {PERSON_FTS: [], PERSON_GRAM_FTS: []}
        for term, gram in words:
            if len(term) >= MIN_TERM:
                phrases[PERSON_FTS].append(_fts_phrase(term))
            else:
                phrases[PERSON_GRAM_FTS].append(_fts_phrase(gram))
        selects, params = [], []
        for table, matches in phrases.items():
            if matches:
                selects.append(f"SELECT rowid FROM {table} WHERE {table} MATCH %s")  # noqa: S608
                params.append(" AND ".join(matches))
        return _fewer_than_a_walk(" INTERSECT ".join(selects), params)
    if connection.vendor == "postgresql":
        condition = Q()
        for term, gram in words:
            if len(term) < MIN_TERM:
                condition &= _HasGram(gram)
        return condition or None
    return None


def _fewer_than_a_walk(candidates: str, params: list[Any]) -> Q | None:
    """SQLite: `pk IN (candidates)` unless more than `PERSON_CANDIDATES_MAX` rows match (one
    query of the index asks): then None, and the planner walks the rows in name order, stopping
    at the first page."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({candidates} LIMIT %s)",  # noqa: S608
            [*params, PERSON_CANDIDATES_MAX + 1],
        )
        (count,) = cursor.fetchone()
    if count > PERSON_CANDIDATES_MAX:
        return None
    return Q(pk__in=RawSQL(candidates, params))  # noqa: S611 - constant names, terms bound


#: SQLite: the FTS5 trigram table over the organisations' names (content = their table)
ORGANISATION_FTS = "organisation_fts"
#: PostgreSQL: the trigram indexes over UPPER(name) (what `icontains` compares)
ORGANISATION_TRGM_INDEXES = ("organisation_name_en_trgm", "organisation_name_zh_trgm")


def organisation_name_match(text: str) -> Q | None:
    """A condition (for `OrganisationQuerySet.filter`) narrowing the organisations to those whose
    English or Chinese name may contain `text`, answered by the trigram index; None where the
    index should not answer (text shorter than three characters, many matches on SQLite) or
    need not (PostgreSQL: `icontains` itself uses the trigram indexes over UPPER(name)).
    Callers still match the names themselves (`icontains` decides)."""
    if connection.vendor != "sqlite" or len(text) < MIN_TERM:
        return None
    return _fewer_than_a_walk(
        f"SELECT rowid FROM {ORGANISATION_FTS} WHERE {ORGANISATION_FTS} MATCH %s",  # noqa: S608
        [_fts_phrase(text)],
    )
