from pathlib import Path

import legation.people.address as address

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_forms_of_address_page_matches_the_rules_in_the_code():
    page = (DOCS / "forms-of-address.md").read_text()
    assert address.__doc__.strip() in page
