"""The Simplified Chinese catalogue is complete, compiled, and used by the pages."""

from __future__ import annotations

from pathlib import Path

import polib

import legation

LOCALE = Path(legation.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_chinese_catalogue_has_no_missing_or_fuzzy_translations():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert missing == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in mo}
    for entry in po.translated_entries():
        expected = entry.msgstr or entry.msgstr_plural.get(0)
        assert compiled.get((entry.msgctxt, entry.msgid)) == expected, entry.msgid


def test_pages_speak_chinese_when_chosen(client, officer, ledger):
    client.force_login(officer)
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    page = client.get("/people/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert "人员" in page and "People</a>" not in page
    page = client.get(f"/people/{ledger['carter'].pk}/").content.decode()
    assert "历史记录" in page


def test_regions_and_sectors_show_their_chinese_names_in_chinese(client, officer, ledger):
    client.force_login(officer)
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    page = client.get(f"/people/{ledger['carter'].pk}/").content.decode()
    assert "佐治亚州" in page and "行政部门" in page
    client.post("/language/", {"language": "en", "next": "/"})
    page = client.get(f"/people/{ledger['carter'].pk}/").content.decode()
    assert "Georgia" in page and "Executive government" in page
