"""Template files: front matter, light Markdown, shipped templates."""

from __future__ import annotations

import pytest

from legation.letters.compose import markup
from legation.letters.compose.letter_template import available_templates, parse_template
from legation.letters.compose.sandbox import LetterTemplateError


def test_front_matter_sets_name_language_kind_subject_and_closing():
    t = parse_template("---\nname: thanks\nlanguage: zh\nkind: thanks\nsubject: 致谢\n"
                       "closing: 此致 / 敬礼！\n---\n感谢。\n")  # fmt: skip
    assert (t.name, t.language, t.kind, t.subject, t.closing) == (
        "thanks", "zh", "thanks", "致谢", ("此致", "敬礼！")
    )  # fmt: skip
    assert t.body == "感谢。\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\nlanguage: fr\n---\nx", "language"),
        ("---\nkind: ransom\n---\nx", "kind"),
        ("---\ncolour: red\n---\nx", "unknown front matter"),
        ("---\nname: x\nbody", "closing"),
        ("{% macro m() %}{% endmacro %}", "not allowed"),
        ("{{ unclosed", "line 1"),
    ],
)
def test_a_bad_template_is_refused_with_the_reason(text, message):
    with pytest.raises(LetterTemplateError, match=message):
        parse_template(text)


def test_light_markdown_gives_paragraphs_emphasis_and_lists():
    blocks = markup.parse("One *two* **three**\nfour\n\n- a\n- b\n\n3. c\n")
    assert blocks[0] == {"t": "p", "runs": [["One ", 0], ["two", 1], [" ", 0], ["three", 2],
                                            [" four", 0]]}  # fmt: skip
    assert blocks[1] == {"t": "ul", "start": 1, "items": [[["a", 0]], [["b", 0]]]}
    assert blocks[2]["t"] == "ol" and blocks[2]["start"] == 3


def test_shipped_templates_exist_in_english_and_chinese():
    labels = {t.label for t in available_templates()}
    for name in ("farewell", "greeting", "thanks"):
        assert {f"{name}.en", f"{name}.zh"} <= labels
