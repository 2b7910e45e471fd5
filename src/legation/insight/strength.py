"""Relationship strength: an explainable score from frequency, kind, recency and seniority.

score (0–100) = frequency (up to 40) + recency (up to 30) + seniority (up to 30)

- frequency: each engagement weighs by its kind (a meeting, site visit or event 3, a speech,
  interview or call 2, a letter received 1, other 1), plus 1 for an in-person engagement of
  two hours or more (a dinner); the weighted sum W gives 40 × min(1, ln(1 + W) / ln(1 + 60)).
  Letters the mission sends and emails do not count (RELATIONSHIP_KINDS): a merge to a list
  must not raise a score.
- recency: 30 × 0.5 ^ (days since the last engagement / 180): halves every six months.
- seniority: 30 × the weight of the person's title and office (a head of state 1.0, a governor
  or senator 0.85, a representative or mayor 0.65, a director or professor 0.45, anyone else 0.25).

A quiet relationship is a strong one gone silent: its *standing* (frequency + seniority, the score
without recency, which a quiet relationship has lost by definition) is at least 35 of 70, it has
at least four engagements, and the days since the last one exceed both twice its usual rhythm
(the median interval between its engagements) and a floor of 90 days. See docs/insight.md.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import re
import statistics
from collections import defaultdict
from typing import Any, TypedDict

from django.db import connection
from django.db.models import Case, CharField, Count, F, FloatField, Max, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import ngettext

from legation.core.db.stats import materialized
from legation.engagements.models import (
    IN_PERSON_KINDS,
    RELATIONSHIP_KINDS,
    Engagement,
    Kind,
    Posting,
)
from legation.insight.common import day_end, instant, local_date, posting_activity, scope
from legation.insight.models import PostingActivity
from legation.people.models import Person

# The kinds a relationship is measured by (engagements/models.py, RELATIONSHIP_KINDS): a letter
# the mission sends (one-off or merged to a list) and an email count for nothing, neither as
# frequency nor as the last engagement.
KIND_WEIGHTS: dict[str, float] = {
    Kind.MEETING: 3,
    Kind.SITE_VISIT: 3,
    Kind.EVENT: 3,
    Kind.SPEECH: 2,
    Kind.INTERVIEW: 2,
    Kind.CALL: 2,
    Kind.LETTER_RECEIVED: 1,
    Kind.OTHER: 1,
}
assert set(KIND_WEIGHTS) == set(RELATIONSHIP_KINDS)
LONG_ENGAGEMENT = dt.timedelta(hours=2)
FREQUENCY_POINTS, RECENCY_POINTS, SENIORITY_POINTS = 40, 30, 30
FREQUENCY_SATURATION = 60.0
RECENCY_HALF_LIFE = 180
STRONG_STANDING = 35.0
QUIET_FLOOR_DAYS = 90
QUIET_RHYTHM_FACTOR = 2
RHYTHM_BATCH = 200
SENIORITY_CHUNK = 5000

# (weight, pattern on "title office"), first match wins. Former office holders keep the weight:
# a former president is still received as one.
SENIORITY: list[tuple[float, str, re.Pattern[str]]] = [
    (
        1.0,
        N_("head of state or government"),
        re.compile(r"^(President|Prime Minister|King|Queen)\b|\bHead of State\b"),
    ),
    (
        0.85,
        N_("governor, senator, cabinet member or ambassador"),
        re.compile(
            r"^(Governor|Senator|Secretary|Speaker|Chief Justice|Vice President|Ambassador)\b"
            r"|United States Senator|(?<!Lieutenant )\bGovernor of\b|^Secretary of\b"
        ),
    ),
    (
        0.65,
        N_("representative, mayor, lieutenant governor or chief executive"),
        re.compile(
            r"^(Representative|Mayor|Lieutenant Governor|Under Secretary|Chief Executive)\b"
            r"|\b(Mayor of|Chief Executive|CEO|Chair(man|woman)?|State Senator|President,)\b"
        ),
    ),
    (
        0.45,
        N_("director, professor, editor or legislator of a state"),
        re.compile(
            r"^(Director|Professor|Assistant Secretary)\b|^Dr\.(?!\w)"
            r"|\b(Director|Professor|Editor|Dean|State Representative|Commissioner)\b"
        ),
    ),
]
DEFAULT_SENIORITY = (0.25, N_("other title or office"))


class Strength(TypedDict):
    person_id: int
    engagements: int
    weight: float
    first: str
    last: str
    days_since: int
    frequency: float
    recency: float
    seniority: float
    seniority_label: str
    score: float
    standing: float


def seniority_of(title: str, office: str) -> tuple[float, str]:
    """The seniority weight of a title and office, and the rule that gave it."""
    text = f"{title or ''} {office or ''}".strip()
    for weight, label, pattern in SENIORITY:
        if pattern.search(text):
            return weight, label
    return DEFAULT_SENIORITY


def _kind_weight() -> Any:
    """The weight of one engagement: its kind's, plus one for a long in-person engagement.

    Kinds of equal weight share one branch, and the bonus is a second CASE: few branches per
    row, which is most of the cost of the GROUP BY at a million engagements. The weights are
    typed as floating point: PostgreSQL reads a bare 3.0 as NUMERIC, whose sums cost a third
    more over a posting's 180,000 participations.
    """

    def weight(w: float) -> Any:
        return Cast(Value(w), output_field=FloatField())

    by_weight: dict[float, list[str]] = defaultdict(list)
    for kind, w in KIND_WEIGHTS.items():
        by_weight[float(w)].append(kind)
    base = Case(
        *[When(kind__in=kinds, then=weight(w)) for w, kinds in by_weight.items()],
        default=weight(1.0),
        output_field=FloatField(),
    )
    bonus = Case(
        When(kind__in=IN_PERSON_KINDS, duration__gte=LONG_ENGAGEMENT, then=weight(1.0)),
        default=weight(0.0),
        output_field=FloatField(),
    )
    return base + bonus


def relationship_scope(
    user: Any, *, posting: Posting | None = None, end: dt.date | None = None
) -> Any:
    """The engagements a relationship is measured by: `scope` without what the mission sends."""
    return scope(user, posting=posting, end=end).filter(kind__in=RELATIONSHIP_KINDS)


def _utc_day(value: Any) -> dt.date:
    """The UTC day of a raw timestamp (SQLite's text or PostgreSQL's datetime)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.astimezone(dt.UTC).date()


def person_activity(
    user: Any,
    *,
    posting: Posting | None = None,
    end: dt.date | None = None,
    people: Any = None,
    min_engagements: int | None = None,
    last_before: dt.datetime | None = None,
    raw: bool = False,
) -> list[Any]:
    """Per person: engagements, last start and their weighted sum (one GROUP BY).

    The engagements are those of `relationship_scope(user, posting=posting, end=end)`. `people` limits it to
    a few people (read through their own participations).

    `raw`: the rows as the database hands them back, (person id, count, last, weight) with
    `last` as UTC text (SQLite's, or PostgreSQL's for one posting) or PostgreSQL's datetime, for callers that read tens of
    thousands of them and convert only the few they keep (`_utc_day`, `common.instant`).

    Rows are plain dictionaries (person_id, n, last, weight), read without the ORM's per-row
    conversions: at a posting's 65,000 contacts those cost more than the query itself.
    """
    if posting is not None and people is None:
        sql, params = _posting_activity_sql(user, posting, end, min_engagements, last_before)
    else:
        sql, params = _engagement_activity_sql(
            relationship_scope(user, posting=posting, end=end), people, min_engagements, last_before
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if raw:
        return rows
    return [
        {"person_id": pid, "n": n, "last": instant(last), "weight": float(weight)}
        for pid, n, last, weight in rows
    ]


def _posting_activity_sql(
    user: Any,
    posting: Posting,
    end: dt.date | None,
    min_engagements: int | None,
    last_before: dt.datetime | None,
) -> tuple[str, tuple]:
    """One posting's people from the per-posting table: one range of its covering index.

    The last start is read as the database's UTC text: the tens of thousands of timestamps a
    posting's contacts bring back cost more to convert one by one than the query itself, and
    only the few kept are (`common.instant`).
    """
    body = (
        posting_activity(user, posting, PostingActivity.Facet.PERSON, end=end)
        .filter(kind__in=RELATIONSHIP_KINDS)
        .values("item_id")
        .annotate(
            n=Count("*"),
            last=Max("start"),
            last_text=Cast(Max("start"), output_field=CharField()),
            w=Sum(_kind_weight()),
        )
    )
    if min_engagements is not None:
        body = body.filter(n__gte=min_engagements)
    if last_before is not None:
        body = body.filter(last__lt=last_before)
    return body.values_list("item_id", "n", "last_text", "w").query.sql_with_params()


def _engagement_activity_sql(
    engagements: Any,
    people: Any,
    min_engagements: int | None,
    last_before: dt.datetime | None,
) -> tuple[str, tuple]:
    """Every engagement in scope joined to its participants (a whole mission, or a few people).

    The engagements in scope are read once, each with its weight, into a common table
    expression, then joined to their participants: a weight per engagement rather than per
    participant.
    """
    if people is not None:
        engagements = engagements.filter(engagementparticipant__person__in=people)
    body = engagements.annotate(w=_kind_weight()).values_list("id", "start", "w").order_by()
    scope_sql, params = body.query.get_compiler(connection=connection).as_sql()
    having, extra = [], []
    if min_engagements is not None:
        having.append("COUNT(*) >= %s")
        extra.append(min_engagements)
    if last_before is not None:
        having.append("MAX(s.t) < %s")
        extra.append(connection.ops.adapt_datetimefield_value(last_before))
    people_filter = ""
    if people is not None:
        ids = [getattr(p, "pk", p) for p in people]
        people_filter = f" WHERE p.person_id IN ({', '.join(['%s'] * len(ids))})"
        params = (*params, *ids)
    # SQLite is told to read the scope first; PostgreSQL plans best when it may fold the scope
    # into the join (it then runs in parallel).
    hint = materialized()
    # Only the ORM's own compilation is inlined; every value is a bound parameter.
    sql = (
        f"WITH s(id, t, w) AS {hint}({scope_sql}) "  # noqa: S608
        "SELECT p.person_id, COUNT(*), MAX(s.t), SUM(s.w) "
        f"FROM s JOIN engagements_engagementparticipant p ON p.engagement_id = s.id{people_filter} "
        "GROUP BY p.person_id" + (f" HAVING {' AND '.join(having)}" if having else "")
    )
    return sql, (*params, *extra)


def frequency_points(weight: float) -> float:
    return FREQUENCY_POINTS * min(1.0, math.log1p(weight) / math.log1p(FREQUENCY_SATURATION))


def recency_points(days: int) -> float:
    return RECENCY_POINTS * 0.5 ** (max(days, 0) / RECENCY_HALF_LIFE)


def score(
    *, person_id: int, n: int, weight: float, last: dt.datetime, as_of: dt.date, seniority: tuple
) -> Strength:
    days = (as_of - local_date(last)).days
    freq, rec = frequency_points(weight), recency_points(days)
    sen = SENIORITY_POINTS * seniority[0]
    return {
        "person_id": person_id,
        "engagements": n,
        "weight": round(weight, 1),
        "first": "",
        "last": local_date(last).isoformat(),
        "days_since": days,
        "frequency": round(freq, 1),
        "recency": round(rec, 1),
        "seniority": round(sen, 1),
        "seniority_label": seniority[1],
        "score": round(freq + rec + sen, 1),
        "standing": round(freq + sen, 1),
    }


def rank(s: Strength) -> tuple:
    """Strongest first; equal scores (frequency saturates) by the weight of engagement behind
    them, then by person, so a ranking never depends on the order rows came back in."""
    return (-s["score"], -s["weight"], s["person_id"])


def strengths(
    user: Any,
    *,
    as_of: dt.date | None = None,
    posting: Posting | None = None,
    limit: int = 25,
    activity: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """The strongest relationships (of one posting, or of everything visible), with reasons.

    Branch and bound: frequency and recency come from one GROUP BY; seniority (at most 30
    points) needs the person, so people are read only while they can still enter the top.
    `activity`: that GROUP BY's raw rows when the caller already has them
    (`person_activity(user, posting=posting, end=as_of, raw=True)`, as the handover brief
    shares them with its quiet relationships).
    """
    as_of = as_of or timezone.localdate()
    if activity is None:
        activity = person_activity(user, posting=posting, end=as_of, raw=True)
    # Tens of thousands of rows share a few hundred weights and days: score each value once.
    # The bound takes the day in UTC, a day nearer than it may be in local time, so it never
    # falls below the exact score (computed below for the few read in full).
    freq: dict[float, float] = {}
    rec: dict[Any, float] = {}
    partial = []
    for pid, n, last, w in activity:
        key = last[:10] if isinstance(last, str) else last  # the UTC day of text: its date part
        f = freq.get(w)
        if f is None:
            f = freq[w] = frequency_points(float(w))
        r = rec.get(key)
        if r is None:
            r = rec[key] = recency_points((as_of - _utc_day(last)).days - 1)
        partial.append((f + r + SENIORITY_POINTS, pid, n, last, w))
    partial.sort(key=lambda item: -item[0])
    people = Person.objects.visible_to(user)
    best: list[Strength] = []
    batch = max(limit * 4, 100)
    for i in range(0, len(partial), batch):
        chunk = partial[i : i + batch]
        # Scores are rounded to a tenth: a bound within 0.05 of the last kept score may still
        # round to it and tie, and ties are ranked by weight.
        if len(best) >= limit and best[limit - 1]["score"] > chunk[0][0] + 0.05:
            break
        titles = {
            pk: (title, office)
            for pk, title, office in people.filter(
                pk__in=[pid for _b, pid, *_ in chunk]
            ).values_list("pk", "title", "office")
        }
        for _bound, pid, n, last, w in chunk:
            if pid not in titles:
                continue  # not visible to this user
            best.append(
                score(
                    person_id=pid,
                    n=n,
                    weight=float(w),
                    last=instant(last),
                    as_of=as_of,
                    seniority=seniority_of(*titles[pid]),
                )
            )
        best.sort(key=rank)
        best = best[:limit]
    return explain(best, user, as_of=as_of, posting=posting)


def explain(
    rows: list[Strength], user: Any, *, as_of: dt.date, posting: Posting | None = None
) -> list[dict[str, Any]]:
    """Attach each person, their engagements by kind and the reasons in words."""
    ids = [r["person_id"] for r in rows]
    people = Person.objects.visible_to(user).select_related("sector", "region").in_bulk(ids)
    kinds: dict[int, dict[str, int]] = defaultdict(dict)
    # Driven from the people (their few engagements), not from every engagement in scope.
    for pid, kind, n in (
        _participations(user, ids, as_of, posting).values_list("pid", "kind").annotate(n=Count("*"))
    ):
        kinds[pid][kind] = n
    out = []
    for r in rows:
        by_kind = dict(sorted(kinds[r["person_id"]].items(), key=lambda kv: -kv[1]))
        out.append(
            {
                **r,
                "person": people.get(r["person_id"]),
                "by_kind": by_kind,
                "reasons": reasons(r, by_kind),
            }
        )
    return out


def reasons(r: Strength, by_kind: dict[str, int]) -> list[str]:
    labels = dict(Kind.choices)
    kinds = ", ".join(f"{n} {labels.get(k, k)}" for k, n in by_kind.items())
    return [
        ngettext(
            "%(n)d engagement (%(kinds)s), weighted %(w)s: %(p)s of 40 for frequency",
            "%(n)d engagements (%(kinds)s), weighted %(w)s: %(p)s of 40 for frequency",
            r["engagements"],
        )
        % {"n": r["engagements"], "kinds": kinds, "w": r["weight"], "p": r["frequency"]},
        ngettext(
            "last engaged %(d)d day ago: %(p)s of 30 for recency",
            "last engaged %(d)d days ago: %(p)s of 30 for recency",
            r["days_since"],
        )
        % {"d": r["days_since"], "p": r["recency"]},
        _("%(label)s: %(p)s of 30 for seniority")
        % {"label": _(r["seniority_label"]), "p": r["seniority"]},
    ]


class QuietRelationship(TypedDict):
    person: Any
    engagements: int
    last: dt.datetime
    days_quiet: int


def quiet_relationships(
    user: Any,
    *,
    as_of: dt.date,
    limit: int = 10,
    min_engagements: int = 4,
    quiet_days: int = QUIET_FLOOR_DAYS,
    posting: Posting | None = None,
    activity: list[Any] | None = None,
) -> list[QuietRelationship]:
    """Strong relationships not engaged for longer than their usual rhythm, strongest first.

    Candidates come from one GROUP BY (enough engagements, none in the last `quiet_days`);
    their standing needs the person's seniority, and their rhythm the dates of their
    engagements, both read only for the candidates.
    """
    cutoff = day_end(as_of - dt.timedelta(days=quiet_days))
    # Raw rows (person id, count, last start as the database hands it back, weight): tens of
    # thousands for a whole mission, of which only the few examined are converted.
    if activity is None:
        activity = person_activity(
            user,
            posting=posting,
            end=as_of,
            min_engagements=min_engagements,
            last_before=cutoff,
            raw=True,
        )
    else:
        # Every person's raw rows (`person_activity(..., raw=True)` without its conditions,
        # shared with `strengths`): the same conditions, applied here.
        activity = [
            row for row in activity if row[1] >= min_engagements and instant(row[2]) < cutoff
        ]
    # Standing is frequency + seniority, and seniority is at most 30 points: candidates are read
    # strongest bound (frequency + 30) first, their titles and offices a chunk at a time. A
    # candidate whose exact standing beats every bound not yet read can no longer be overtaken:
    # those are examined (scored in full, their rhythm read) in rank order, a batch at a time,
    # until the list is full. So neither every candidate's title nor every strong one's rhythm
    # is read; the list is the one ranking all of them would give. Frequency is computed once
    # per distinct weight.
    freq: dict[Any, float] = {}
    candidates = []
    for pid, n, last, w in activity:
        f = freq.get(w)
        if f is None:
            f = freq[w] = frequency_points(float(w))
        if f + SENIORITY_POINTS >= STRONG_STANDING:
            candidates.append((f + SENIORITY_POINTS, pid, n, last, float(w), f))
    candidates.sort(key=lambda c: -c[0])
    people_qs = Person.objects.visible_to(user)
    # (rank key, the candidate): the rank key is that of the list (standing, then the weight
    # as `score` rounds it, then the person), computed without the dates `score` converts,
    # which only the candidates examined need.
    pending: list[tuple[tuple, tuple]] = []
    chosen: list[tuple[Strength, dict[str, Any], float | None, float]] = []
    read = 0
    titles_read = examined = False
    while len(chosen) < limit:
        # Scores are rounded to a tenth: an unread candidate's standing is at most its bound
        # plus 0.05, so a standing above that ranks before every unread candidate.
        bound = candidates[read][0] + 0.05 if read < len(candidates) else -math.inf
        ready = []
        while pending and -pending[0][0][0] > bound and len(ready) < RHYTHM_BATCH:
            ready.append(heapq.heappop(pending)[1])
        if ready:
            examined = True
            chosen.extend(_quiet_ones(user, ready, as_of, posting, quiet_days))
            continue
        if read < len(candidates) or not titles_read:
            # `or [0]`: the queries run even with no candidate, so a page's query count does
            # not depend on the data (tests/web/test_query_counts.py).
            titles_read = True
            chunk = candidates[read : read + SENIORITY_CHUNK]
            read += len(chunk)
            titles = {
                pk: seniority_of(title, office)
                for pk, title, office in people_qs.filter(
                    pk__in=[c[1] for c in chunk] or [0]
                ).values_list("pk", "title", "office")
            }
            for _bound, pid, n, last, w, f in chunk:
                seniority = titles.get(pid)
                if seniority is None:
                    continue  # not visible to this user
                standing = round(f + SENIORITY_POINTS * seniority[0], 1)
                if standing >= STRONG_STANDING:
                    key = (-standing, -round(w, 1), pid)
                    heapq.heappush(pending, (key, (pid, n, last, w, seniority)))
            continue
        if not examined:
            _quiet_ones(user, [], as_of, posting, quiet_days)
        break
    chosen = chosen[:limit]
    people = people_qs.in_bulk([st["person_id"] for st, *_ in chosen] or [0])
    return [
        {
            "person": people[st["person_id"]],
            "engagements": row["n"],
            "last": row["last"],
            "days_quiet": st["days_since"],
            "rhythm_days": usual,
            "threshold_days": threshold,
            "standing": st["standing"],
            "score": st["score"],
            "strength": st,
            "reason": quiet_reason(st, usual, threshold),
        }  # type: ignore[typeddict-unknown-key]
        for st, row, usual, threshold in chosen
    ]


def _quiet_ones(
    user: Any,
    batch: list[tuple],
    as_of: dt.date,
    posting: Posting | None,
    quiet_days: int,
) -> list[tuple[Strength, dict[str, Any], float | None, float]]:
    """Of strong candidates (person, count, raw last start, weight, seniority) in rank order,
    those silent for longer than both twice their rhythm and `quiet_days`, scored in full."""
    rhythm = _rhythms(user, [item[0] for item in batch], as_of, posting)
    out = []
    for pid, n, last, w, seniority in batch:
        last = instant(last)
        st = score(person_id=pid, n=n, weight=w, last=last, as_of=as_of, seniority=seniority)
        usual = rhythm.get(pid)
        threshold = max(quiet_days, QUIET_RHYTHM_FACTOR * usual) if usual else quiet_days
        if st["days_since"] > threshold:
            out.append(
                (st, {"person_id": pid, "n": n, "last": last, "weight": w}, usual, threshold)
            )
    return out


def _participations(user: Any, ids: list[int], as_of: dt.date, posting: Posting | None) -> Any:
    """One row per engagement of `relationship_scope(user, posting=posting, end=as_of)` and
    participant among `ids`, with `pid` (the person), `kind` and `start`, unordered.

    One posting's are its person rows in the per-posting table (each person one range of its
    covering index: the posting, the facet, the person, then the start); the whole mission's
    are the engagements joined to their participants.
    """
    ids = ids or [0]
    if posting is not None:
        return (
            posting_activity(user, posting, PostingActivity.Facet.PERSON, end=as_of)
            .filter(kind__in=RELATIONSHIP_KINDS, item_id__in=ids)
            .annotate(pid=F("item_id"))
        )
    return (
        relationship_scope(user, end=as_of)
        .filter(engagementparticipant__person_id__in=ids)
        .annotate(pid=F("engagementparticipant__person_id"))
    )


def _rhythms(
    user: Any, ids: list[int], as_of: dt.date, posting: Posting | None
) -> dict[int, float]:
    """The median interval in days between each person's engagements."""
    dates: dict[int, list[dt.date]] = defaultdict(list)
    # Driven from the people (their few engagements), not from every engagement in scope.
    rows = (
        _participations(user, ids, as_of, posting)
        .values_list("pid", "start")
        .order_by("pid", "start")
    )
    for pid, start in rows:
        dates[pid].append(local_date(start))
    out = {}
    for pid, ds in dates.items():
        gaps = [(b - a).days for a, b in itertools.pairwise(ds)]
        if gaps:
            out[pid] = float(statistics.median(gaps))
    return out


def quiet_reason(s: Strength, usual: float | None, threshold: float) -> str:
    if usual:
        return _(
            "standing %(standing)s of 70; usually engaged every %(usual)d days, "
            "now quiet for %(days)d days (threshold %(threshold)d)"
        ) % {
            "standing": s["standing"],
            "usual": round(usual),
            "days": s["days_since"],
            "threshold": round(threshold),
        }
    return _("standing %(standing)s of 70; quiet for %(days)d days") % {
        "standing": s["standing"],
        "days": s["days_since"],
    }


def last_engagement_with(person: Any, user: Any) -> Engagement | None:
    """The most recent engagement with a person that the user may see."""
    return (
        Engagement.objects.visible_to(user)
        .filter(engagementparticipant__person=person)
        .order_by("-start")
        .first()
    )


def relationship_strength(
    person: Person, user: Any, *, as_of: dt.date | None = None, posting: Posting | None = None
) -> dict[str, Any] | None:
    """One person's strength with its reasons (None: no visible engagement)."""
    as_of = as_of or timezone.localdate()
    rows = person_activity(user, posting=posting, end=as_of, people=[person.pk])
    if not rows:
        return None
    row = rows[0]
    s = score(
        person_id=person.pk,
        n=row["n"],
        weight=row["weight"],
        last=row["last"],
        as_of=as_of,
        seniority=seniority_of(person.title, person.office),
    )
    return explain([s], user, as_of=as_of, posting=posting)[0]
