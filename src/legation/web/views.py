"""Page chrome: home, search, language, health."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from legation.core.models import Profile
from legation.core.schema import pending_migrations
from legation.engagements.models import Commitment, Engagement, Posting
from legation.engagements.selectors import default_posting
from legation.insight.cache import remembered
from legation.insight.figures import day_end, quiet_relationships
from legation.web.search import search_all

HOME_ITEMS = 12  # commitments shown in each list of the home page
WEEK_ITEMS = 20  # engagements of this week shown


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    week_start = today - dt.timedelta(days=today.weekday())
    open_commitments = (
        Commitment.objects.visible_to(user)
        .filter(status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS])
        .select_related("engagement", "owner__person")
        .order_by(F("due").asc(nulls_last=True), "pk")
    )
    # The user's own first (owned by any of their postings), most urgent first: overdue, then
    # by due date; then the rest of the mission's due in the next two weeks.
    # Each list shows its first few and says how many there are, with a link to them all.
    own = Posting.objects.ids_of(user)
    mine_all = open_commitments.filter(owner_id__in=own)
    mine = list(mine_all[:HOME_ITEMS])
    due_by = today + dt.timedelta(days=14)
    due_all = open_commitments.exclude(owner_id__in=own).filter(due__lte=due_by)
    commitments = list(due_all[:HOME_ITEMS])
    week_end = week_start + dt.timedelta(days=6)
    week_all = Engagement.objects.visible_to(user).filter(
        start__gte=day_end(week_start - dt.timedelta(days=1)), start__lt=day_end(week_end)
    )
    this_week = list(week_all.select_related("region").order_by("start")[:WEEK_ITEMS])
    recent = Engagement.objects.visible_to(user).select_related("region").order_by("-pk")[:8]
    return render(
        request,
        "web/home.html",
        {
            "mine": mine,
            "mine_total": len(mine) if len(mine) < HOME_ITEMS else mine_all.count(),
            "commitments": commitments,
            # The link to them all lists the user's own too.
            "due_total": open_commitments.filter(due__lte=due_by).count(),
            "due_query": f"?status=unfinished&due_before={due_by.isoformat()}",
            "this_week": this_week,
            "week_total": len(this_week) if len(this_week) < WEEK_ITEMS else week_all.count(),
            "week_query": f"?since={week_start.isoformat()}&until={week_end.isoformat()}&sort=start",
            "recent": recent,
            "today": today,
        },
    )


@login_required
def home_quiet(request: HttpRequest) -> HttpResponse:
    """The home page's quiet relationships, loaded after the page (htmx) and kept in the cache.

    Whose relationships: the user's own posting in force, else the mission's current head of
    mission (the same default as the insight pages), else the whole mission. Relationship
    strength reads every engagement in scope: the page itself answers at once, and the box
    fills in when the figure is ready (or from the cache, until the ledger changes).
    """
    user, today = request.user, timezone.localdate()
    posting = default_posting(user)
    quiet = remembered(
        "home-quiet",
        user,
        (today, posting.pk if posting else None),
        lambda: quiet_relationships(user, as_of=today, limit=8, posting=posting),
    )
    own = posting is not None and posting.user_id == user.pk
    return render(request, "web/_quiet.html", {"quiet": quiet, "posting": posting, "own": own})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = search_all(request.user, query) if query else None
    return render(request, "web/search.html", {"query": query, "results": results})


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the language, and remember it for the user on every device."""
    code = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if code not in {c for c, _ in settings.LANGUAGES}:
        return response
    if request.user.is_authenticated:
        Profile.objects.update_or_create(user=request.user, defaults={"language": code})
    translation.activate(code)
    response.set_cookie(
        "django_language",
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers requests. Touches nothing else (no database), so a busy or
    restarting database does not get every server killed by its supervisor."""
    return JsonResponse({"status": "ok"})


health_log = logging.getLogger("legation.health")
_migrations_applied = False


def _unapplied_migrations() -> int:
    """How many of the code's migrations the database has not run. Once none, the answer holds
    for the life of the process (new migrations come with new code, so with a restart)."""
    global _migrations_applied
    if _migrations_applied:
        return 0
    pending = pending_migrations()
    _migrations_applied = not pending
    return pending


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers and has every migration of this code (`legation init`
    ran). 503 otherwise, so a load balancer sends no user here. The reason is a word, never the
    error's text (no host names or credentials to anonymous callers); the log has the details."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        health_log.exception("readiness: database unreachable")
        checks["database"] = "unreachable"
    if checks["database"] == "ok":
        try:
            missing = _unapplied_migrations()
        except DatabaseError:
            health_log.exception("readiness: migrations unreadable")
            missing = -1
        checks["migrations"] = "ok" if missing == 0 else "pending"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", **checks}, status=200 if ready else 503
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the admin, error pages)."""
    from django.templatetags.static import static

    return redirect(static("ui/favicon.svg"), permanent=True)
