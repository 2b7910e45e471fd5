"""PDF and Word output, read back: Chinese intact, names never read as markup."""

from __future__ import annotations

import io
import subprocess

import pytest
from docx import Document

from legation.core.access import SYSTEM
from legation.letters.compose.letter import Layout, compose
from legation.letters.compose.letter_template import find_template, parse_template
from legation.letters.merge import production as merge
from legation.letters.render.word import DocxError, WordTemplate
from tests import factories
from tests.letters.conftest import LETTER_DATE, PERSONAL, add_address


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def render(tmp_path, posting, person, fmt, name="farewell.en", personal=PERSONAL):
    out = tmp_path / f"letter.{fmt}"
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template(name), person=person, posting=posting,
        letter_date=LETTER_DATE, fmt=fmt, out=out, personal=personal, draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    return out


def test_pdf_letter_keeps_the_chinese_letterhead_intact(tmp_path, posting, farewell_world):
    text = pdf_text(render(tmp_path, posting, farewell_world, "pdf"))
    assert "中华人民共和国驻美利坚合众国大使馆" in text
    assert "Embassy of the People's Republic of China" in text
    assert "Dear President Carter," in text
    assert "500-plus days" in text


def test_chinese_pdf_letter_is_set_in_a_cjk_font(tmp_path, posting, farewell_world):
    text = pdf_text(render(tmp_path, posting, farewell_world, "pdf", "farewell.zh", "谢谢。"))
    assert "尊敬的卡特前总统：" in text
    assert "2022年12月30日" in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(tmp_path / "letter.pdf")], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    assert "NotoSerifCJK" in fonts


def test_a_name_full_of_typst_markup_renders_literally(tmp_path, embassy, posting):
    person = factories.PersonFactory(
        mission=embassy, family_name='#import "x": *] $y$ #panic("no")', given_name="Eve",
        title="Dr.",
    )  # fmt: skip
    add_address(person)
    text = pdf_text(render(tmp_path, posting, person, "pdf", personal="#set page(width: 1cm) ]"))
    assert '#import "x": *] $y$ #panic("no")' in " ".join(text.split())
    assert "#set page(width: 1cm) ]" in text


def test_word_letter_has_letterhead_salutation_and_personal_line(tmp_path, posting, farewell_world):
    document = Document(str(render(tmp_path, posting, farewell_world, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "中华人民共和国驻美利坚合众国大使馆"
    assert "Dear President Carter," in paragraphs
    assert any(PERSONAL in p for p in paragraphs)
    assert "Qin Gang" in paragraphs


def test_a_word_template_cannot_escape_the_sandbox(tmp_path):
    from docx import Document as NewDocument

    evil = NewDocument()
    evil.add_paragraph("{{ salutation.__class__.__mro__ }}")
    path = tmp_path / "evil.docx"
    evil.save(str(path))
    letter = compose(parse_template("Hello.\n"), {"recipient": {"salutation": "Dear X,"}},
                     Layout("中文", "English"))  # fmt: skip
    with pytest.raises(DocxError):
        WordTemplate(path).render(letter)


def test_a_word_template_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"not a zip" * 10)
    with pytest.raises(DocxError, match="not a Word"):
        WordTemplate(path)


def test_email_letter_carries_the_pdf(tmp_path, posting, farewell_world):
    from email import message_from_bytes, policy

    message = message_from_bytes(
        render(tmp_path, posting, farewell_world, "eml").read_bytes(), policy=policy.default
    )
    assert message["To"].addresses[0].addr_spec == "jimmy@example.org"
    attachments = list(message.iter_attachments())
    assert attachments[0].get_content_type() == "application/pdf"
    assert "Dear President Carter," in message.get_body(("plain",)).get_content()
    assert io.BytesIO(attachments[0].get_content()).read(5) == b"%PDF-"
