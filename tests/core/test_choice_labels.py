"""get_FOO_display() through the labels table made once per field: the language of the moment
decides, every model with choices that the pages show uses it, and a value outside the choices
is shown as it is."""

from __future__ import annotations

from django.utils import translation

from legation.core.choices import ChoiceLabels, Sensitivity
from legation.core.models import Profile
from legation.engagements.models import Commitment, Engagement, Kind, Posting
from legation.letters.models import MergeJob
from legation.people.models import Organisation, Person


def test_labels_follow_the_language_of_the_moment():
    engagement = Engagement(kind="site_visit", sensitivity=Sensitivity.RESTRICTED)
    commitment = Commitment(status=Commitment.Status.IN_PROGRESS)
    posting = Posting(role=Posting.Role.HEAD)
    seen = {}
    for language in ("en", "zh-hans", "en"):
        with translation.override(language):
            seen.setdefault(language, []).append(
                (
                    engagement.get_kind_display(),
                    engagement.get_sensitivity_display(),
                    commitment.get_status_display(),
                    posting.get_role_display(),
                )
            )
    english, chinese = seen["en"][0], seen["zh-hans"][0]
    assert english == ("site visit", "restricted", "in progress", "head of mission")
    assert seen["en"][1] == english  # the table holds no language
    assert all(zh != en for zh, en in zip(chinese, english, strict=True)), chinese
    with translation.override("zh-hans"):
        assert engagement.get_kind_display() == str(Kind.SITE_VISIT.label)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Engagement(kind="unheard-of").get_kind_display() == "unheard-of"
    assert Engagement(kind=None).get_kind_display() is None


def test_the_shown_models_use_the_table():
    for model in (Engagement, Commitment, Posting, Person, Organisation, MergeJob, Profile):
        assert issubclass(model, ChoiceLabels), model
