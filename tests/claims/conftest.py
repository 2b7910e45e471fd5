"""The corpus ledger, built once per test from factories."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.claims.world import build_world

# The farewell scenario of the letters tests (President Carter with an address, 22 states), for
# the merge gate.
from tests.letters.conftest import carter, embassy, farewell_world, posting  # noqa: F401


@pytest.fixture
def world(seeded):
    return build_world()


@pytest.fixture
def example_facts(db):
    """The facts the example letter cites: diplomatic relations and the two peoples' number."""
    import datetime as dt
    from decimal import Decimal

    from legation.engagements.models import Fact

    return [
        Fact.objects.create(
            key="diplomatic-relations", label_en="Diplomatic relations established",
            label_zh="中美建交", date=dt.date(1979, 1, 1),
        ),
        Fact.objects.create(
            key="population", label_en="Population of China and the United States",
            label_zh="中美两国人口", value=Decimal("1740000000"), unit="people",
            aliases=["Chinese and American people", "两国人民"],
        ),
    ]  # fmt: skip


@contextlib.contextmanager
def ledger_for_module(django_db_blocker: Any, build: Callable[[], Any]) -> Iterator[Any]:
    """A ledger built once for a test module, inside a transaction rolled back at its end (each
    test still runs in its own savepoint)."""
    from django.db import transaction

    from legation.core.vocab import seed_regions, seed_sectors

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_sectors()
            seed_regions("US")
            yield build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
