"""Figures computed ahead (insight/warm.py): the handover brief and the tenure dashboard a user
asked for are computed again by the worker after the ledger changes, for that user only, and
the next look answers from the cache."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone, translation

from legation.engagements import services as engagements
from legation.insight import reports, warm
from legation.insight.models import FigureWanted
from legation.settings import _cache

# Committed, as in use: on PostgreSQL a figure computed inside a transaction that wrote to its
# mission is never kept (insight/cache.py), and a test's own transaction wrote the ledger.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_cache():
    """The database's cache, the default outside the test process."""
    with override_settings(CACHES={"default": _cache("db://legation_cache")}):
        call_command("createcachetable", verbosity=0)  # as migrate makes it
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def computed(monkeypatch):
    """The reports computed, as (kind, user name, language)."""
    calls = []
    build = reports.build

    def counting(kind, *, user, **kw):
        calls.append((kind, user.username, translation.get_language()))
        return build(kind, user=user, **kw)

    monkeypatch.setattr(reports, "build", counting)
    return calls


def _page(user, url):
    c = Client()
    c.force_login(user)
    response = c.get(url)
    assert response.status_code == 200
    return response


def _change(actor, mission, book):
    engagements.engagement_create(
        actor=actor, mission=mission, kind="call", subject="One more call",
        start=timezone.now() - dt.timedelta(days=1), people=[book["scholar"]],
        staff=[book["hom"]],
    )  # fmt: skip


def test_a_brief_asked_for_is_computed_again_after_an_edit(
    shared_cache, computed, book, officer, mission
):
    url = f"/insight/handover/?posting={book['hom'].pk}"
    first = _page(officer, url).content.decode()
    assert computed == [("handover", "officer", "en")]
    noted = FigureWanted.objects.get()
    assert (noted.user, noted.name, noted.language) == (officer, "report-handover", "en")
    assert noted.parts == f'[{book["hom"].pk},{{"today":true}},null]'  # today, whichever day
    # Nothing changed: nothing to compute.
    assert warm.warm_once() == 0
    _change(officer, mission, book)
    assert warm.warm_once() == 1 and len(computed) == 2
    # The next look answers from what the worker kept: the same as computing it now.
    again = _page(officer, url).content.decode()
    assert len(computed) == 2
    assert "One more call" not in first
    assert again != first


def test_computed_for_the_user_who_asked_in_their_language_and_no_one_else(
    shared_cache, computed, book, officer, internal_officer, mission
):
    url = f"/insight/handover/?posting={book['hom'].pk}&format=json"
    c = Client()
    c.force_login(officer)
    c.post("/language/", {"language": "zh-hans", "next": "/"})
    assert c.get(url).status_code == 200
    assert {(w.user.username, w.language) for w in FigureWanted.objects.all()} == {
        ("officer", "zh-hans")
    }
    _change(officer, mission, book)
    warm.warm_once()
    assert computed[-1] == ("handover", "officer", "zh-hans")
    # Another user of the mission, less cleared: computed for them, never the officer's copy.
    theirs = _page(internal_officer, url).json()
    assert computed[-1] == ("handover", "officer2", "en")
    assert "Secret follow-up" not in str(theirs)


def test_no_longer_computed_for_a_user_turned_off_or_after_two_weeks(
    shared_cache, computed, book, officer
):
    _page(officer, f"/insight/?posting={book['hom'].pk}")
    assert FigureWanted.objects.get().name == "report-tenure"
    officer.is_active = False
    officer.save()
    cache.clear()  # the figure gone, as after an edit
    assert warm.warm_once() == 0
    officer.is_active = True
    officer.save()
    FigureWanted.objects.update(asked=timezone.now() - warm.KEEP - dt.timedelta(hours=1))
    assert warm.warm_once() == 0
    assert not FigureWanted.objects.exists()


def test_only_the_costly_figures_are_noted(shared_cache, book, officer):
    _page(officer, "/insight/coverage/")
    _page(officer, "/home/quiet/")
    assert not FigureWanted.objects.exists()


def test_the_notes_are_not_backed_up():
    from legation.intake.backup import backed_up_models

    assert FigureWanted not in backed_up_models()


def test_the_worker_thread_computes_them(shared_cache, computed, book, officer, mission):
    _page(officer, f"/insight/?posting={book['hom'].pk}")
    _change(officer, mission, book)
    stop = threading.Event()
    thread = threading.Thread(target=warm.run_forever, args=(0.05, stop), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while len(computed) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert len(computed) == 2
    assert warm.start_thread(0) is None


def test_a_mission_being_written_waits_for_a_round_it_stood_still(
    shared_cache, computed, book, officer, mission
):
    _page(officer, f"/insight/?posting={book['hom'].pk}")
    before = warm.ledger_versions()
    _change(officer, mission, book)  # written since the last round looked
    assert warm.warm_once(previous=before) == 0
    assert warm.warm_once(previous=warm.ledger_versions()) == 1  # still since: computed
    assert len(computed) == 2


def test_only_todays_figures_and_a_few_per_user_are_noted(shared_cache, book, officer, monkeypatch):
    hom = book["hom"].pk
    _page(officer, f"/insight/handover/?posting={hom}&as_of=2022-12-30")  # a past day: not noted
    assert not FigureWanted.objects.exists()
    for posting in (hom, book["counsellor"].pk):
        _page(officer, f"/insight/handover/?posting={posting}")
        _page(officer, f"/insight/?posting={posting}")
    assert FigureWanted.objects.count() == 4
    monkeypatch.setattr(warm, "PER_USER", 2)
    cache.clear()  # the marks that spare a note's rewriting gone too
    _page(officer, f"/insight/?posting={hom}")
    assert FigureWanted.objects.count() == 2  # the user's latest two
    latest = FigureWanted.objects.order_by("-asked").first()
    assert (latest.name, latest.parts) == ("report-tenure", f'[{hom},{{"today":true}},null]')
    # A look dropped from the notes is noted again at its next look, not six hours later.
    monkeypatch.setattr(warm, "PER_USER", 1)
    _page(officer, f"/insight/handover/?posting={hom}")  # the one kept; tenure's dropped
    assert FigureWanted.objects.get().name == "report-handover"
    _page(officer, f"/insight/?posting={hom}")
    assert FigureWanted.objects.get().name == "report-tenure"
