"""What the person and organisation pages show of the engagements app (the engagements through
the relations they declare, the open commitments card from `engagements_tags`), each within the
reader's clearance."""

from __future__ import annotations

from legation.core.models import Sensitivity
from legation.engagements.models import Commitment, Engagement
from tests import factories


def _more_commitments(mission, ledger) -> None:
    talk0 = Engagement.objects.get(subject="Talk 0")
    factories.CommitmentFactory(
        engagement=talk0, description="Restricted promise", sensitivity=Sensitivity.RESTRICTED
    )
    factories.CommitmentFactory(
        engagement=talk0, description="Closed promise", status=Commitment.Status.DONE
    )
    elsewhere = factories.EngagementFactory(
        mission=mission, subject="Without Carter", people=[ledger["wang"]]
    )
    factories.CommitmentFactory(
        engagement=elsewhere, description="Asked by Carter", requested_by=ledger["carter"]
    )


def test_person_page_sections_within_clearance(client, mission, internal_officer, officer, ledger):
    _more_commitments(mission, ledger)
    url = f"/people/{ledger['carter'].pk}/"

    client.force_login(internal_officer)
    page = client.get(url).content.decode()
    assert 'id="h-commitments"' in page
    assert "Talk 0" in page and "Talk 1" in page and "Talk 2" not in page
    assert "Without Carter" not in page  # the timeline: engagements the person took part in
    assert "Follow up 0" in page and "Follow up 1" in page
    assert "Follow up 2" not in page  # raised in a restricted engagement
    assert "Restricted promise" not in page
    assert "Asked by Carter" in page
    assert "Closed promise" not in page  # open commitments only

    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Talk 2" in page and "Follow up 2" in page and "Restricted promise" in page
    assert "Closed promise" not in page


def test_organisation_page_engagements_within_clearance(client, internal_officer, officer, ledger):
    url = f"/people/organisations/{ledger['senate'].pk}/"
    client.force_login(internal_officer)
    page = client.get(url).content.decode()
    assert "Talk 0" in page and "Talk 1" in page and "Talk 2" not in page
    client.force_login(officer)
    assert "Talk 2" in client.get(url).content.decode()
