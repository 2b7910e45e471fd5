"""Every annotated sentence of the corpus, in English and Chinese, checked against the ledger."""

from __future__ import annotations

import pytest

from tests.claims.conftest import ledger_for_module
from tests.claims.corpus import check_sentence, load, score
from tests.claims.world import build_world

LIBRARY, SENTENCES = load()


@pytest.fixture(scope="module")
def corpus_world(django_db_setup, django_db_blocker):
    """The corpus ledger, built once for the module inside a transaction rolled back at its end
    (each test still runs in its own savepoint)."""
    with ledger_for_module(django_db_blocker, build_world) as ledger:
        yield ledger


def test_the_corpus_has_at_least_sixty_sentences_in_both_languages():
    chinese = [s for s in SENTENCES if any("\u4e00" <= ch <= "\u9fff" for ch in s.text)]
    assert len(SENTENCES) >= 60 and len(chinese) >= 20 and len(SENTENCES) - len(chinese) >= 20


def test_every_contradiction_is_caught_and_precision_is_over_ninety_percent(corpus_world, db):
    outcomes = [check_sentence(LIBRARY, s) for s in SENTENCES]
    scores = score(outcomes)
    problems = [f"{o.sentence.text}: {p}" for o in outcomes for p in o.problems]
    assert scores.contradictions >= 20
    assert scores.contradiction_recall == 1.0, problems
    assert scores.precision > 0.9, problems
    assert scores.recall > 0.9, problems


@pytest.mark.parametrize("sentence", SENTENCES, ids=lambda s: s.id)
def test_sentence_gets_the_annotated_claims_and_verdicts(corpus_world, db, sentence):
    outcome = check_sentence(LIBRARY, sentence)
    assert outcome.problems == []
