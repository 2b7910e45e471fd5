"""Fixed personas with and without access, and a seeded database, for every test."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest

from legation.core.models import Sensitivity
from tests import factories


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing():
    """Passwords hashed with Argon2 at its lowest cost in the test process (tests/hashers.py);
    the production hashers still verify older hashes."""
    from django.conf import settings
    from django.test.utils import override_settings

    hashers = ["tests.hashers.QuickArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(autouse=True, scope="session")
def _cache_in_process():
    """In the test process, the per-process cache: most tests use no database, and the cache is
    cleared around each (the database's cache, the default, is tested where it matters:
    tests/core/test_cache_setting.py, tests/insight/test_figures_ahead.py)."""
    from django.test.utils import override_settings

    from legation.settings import _cache

    with override_settings(CACHES={"default": _cache("locmem://")}):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache(_cache_in_process):
    """Each test starts with an empty cache (figures are cached across requests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test ends in the default language: a request in Chinese leaves it active in the
    thread, and the next test would read Chinese where it expects English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The test client speaks plain HTTP; production settings would redirect it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


def seed() -> None:
    """Vocabularies and roles, as `legation init` leaves them."""
    from legation.core.access import sync_roles
    from legation.core.vocab import seed_regions, seed_sectors

    seed_sectors()
    seed_regions("US")
    sync_roles()


@pytest.fixture
def seeded(db):
    """Vocabularies and roles, as `legation init` leaves them."""
    seed()


@contextmanager
def rows_for_the_group(django_db_blocker, build):
    """What `build()` writes and returns, kept for a group of tests (a class-scoped fixture's)
    and rolled back after the last of them, as Django's `TestCase.setUpTestData`: `build` writes
    inside an outer transaction, and each test's own transaction is a savepoint within it,
    rolled back after the test. For an expensive set-up (an import of the 540-row congress
    file) that the tests only read, or change in their own transaction; not for tests marked
    `transaction=True`."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def embassy():
    """The mission of most tests (the `mission` fixture's), for fixtures of a wider scope."""
    return factories.MissionFactory(
        ref="EMB-US", name_en="Embassy in the United States", name_zh="驻美国大使馆"
    )


@pytest.fixture
def mission(seeded):
    return embassy()


@pytest.fixture
def other_mission(seeded):
    return factories.MissionFactory(
        ref="CG-SF", name_en="Consulate General in San Francisco", name_zh="驻旧金山总领事馆"
    )


@pytest.fixture
def head(mission):
    return factories.user_with_role("head", "head_of_mission", [mission], Sensitivity.PUBLIC)


#: the personas of the mission: fixture name -> (user name, role, clearance)
PERSONAS = {
    "officer": ("officer", "officer", Sensitivity.RESTRICTED),
    "internal_officer": ("officer2", "officer", Sensitivity.INTERNAL),
    "assistant": ("assistant", "assistant", Sensitivity.RESTRICTED),
    "reader": ("reader", "reader", Sensitivity.RESTRICTED),
    "public_reader": ("public", "reader", Sensitivity.PUBLIC),
}


def persona(name: str, mission):
    """The persona the fixture `name` gives, for fixtures of a wider scope."""
    username, role, clearance = PERSONAS[name]
    return factories.user_with_role(username, role, [mission], clearance)


@pytest.fixture
def officer(mission):
    return persona("officer", mission)


@pytest.fixture
def internal_officer(mission):
    return persona("internal_officer", mission)


@pytest.fixture
def assistant(mission):
    return persona("assistant", mission)


@pytest.fixture
def reader(mission):
    return persona("reader", mission)


@pytest.fixture
def public_reader(mission):
    return persona("public_reader", mission)


@pytest.fixture
def outsider(other_mission):
    """An officer of another mission, fully cleared there."""
    return factories.user_with_role("outsider", "officer", [other_mission], Sensitivity.RESTRICTED)


@pytest.fixture
def ambassador_posting(mission):
    return ambassador(mission)


def ambassador(mission):
    """The head of mission's posting (the `ambassador_posting` fixture's)."""
    person = factories.PersonFactory(
        mission=mission,
        family_name="Qin",
        given_name="Gang",
        name_zh="秦刚",
        name_order="eastern",
        title="Ambassador",
    )
    return factories.PostingFactory(
        mission=mission,
        person=person,
        ref="P-HOM",
        role="head_of_mission",
        title="Ambassador",
        arrival=dt.date(2021, 7, 28),
        departure=dt.date(2022, 12, 30),
    )
