"""The letter's layout, read back from real renders: the closing and the signature stay with the
last paragraph (PDF pages, Word paragraph properties); Word letters name a Chinese font Word has,
tag East Asian text zh-CN and indent 此致 as the PDF does."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from docx import Document
from pypdf import PdfReader

from legation.core.access import SYSTEM
from legation.letters.compose.letter import Layout, compose
from legation.letters.compose.letter_template import find_template, parse_template
from legation.letters.merge import production as merge
from legation.letters.render.pdf import Typesetter
from legation.letters.render.word import WordTemplate
from tests.letters.conftest import LETTER_DATE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LAYOUT = Layout(
    "中华人民共和国驻美利坚合众国大使馆",
    "Embassy of the People's Republic of China in the United States of America",
)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# Per language: a body paragraph, the last paragraph (its last words are what the signature's page
# must hold), the closing, the sender, the date, the salutation.
LETTERS = {
    "en": {
        "para": (
            "During my tenure I have travelled to many states, met friends in business, academia "
            "and government, and worked with colleagues on trade, education and culture, which "
            "has taught me how much our two peoples have in common."
        ),
        "last": "I look forward to your continued support and wish you every success in the year ahead.",
        "closing": "Sincerely,",
        "sender": ("Qin Gang", "Ambassador"),
        "date": "December 30, 2022",
        "salutation": "Dear President Carter,",
    },
    "zh": {
        "para": (
            "在任期间，我同各界朋友和同事密切合作，推动两国对话与合作，致力于两国关系的稳定和"
            "改善，深为许多勤劳、友善、才华横溢的朋友所感动，这段经历将成为我的宝贵记忆。"
        ),
        "last": "无论何时何地，我都将一如既往关心和支持两国关系的发展，也期待继续得到您的支持。",
        "closing": "此致 / 敬礼！",
        "sender": ("秦刚", "大使"),
        "date": "2022年12月30日",
        "salutation": "尊敬的卡特总统：",
    },
}


def squash(text: str) -> str:
    """Text read back from a PDF without its white space (Chinese comes back spaced out)."""
    return re.sub(r"\s+", "", text)


def make_letter(language: str, paragraphs: int, *, closing: bool = True, last: str = ""):
    spec = LETTERS[language]
    front = f"---\nlanguage: {language}\n"
    # Without a closing of its own a letter takes the complimentary close of its kind and
    # recipient; "none" is a letter with no close at all.
    front += f"closing: {spec['closing'] if closing else 'none'}\n"
    body = "\n\n".join([spec["para"]] * paragraphs + [last or spec["last"]])
    name, title = spec["sender"]
    context = {
        "recipient": {"salutation": spec["salutation"]},
        "sender": {"name": name, "title": title},
        "date": spec["date"],
    }
    return compose(parse_template(f"{front}---\n{body}\n"), context, LAYOUT)


@pytest.fixture(scope="module")
def typesetter():
    return Typesetter()


def pdf_pages(pdf: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def signature_page(pages: list[str], language: str) -> str:
    name, title = LETTERS[language]["sender"]
    holding = [p for p in pages if squash(name + title) in p]
    assert len(holding) == 1, pages
    return holding[0]


@pytest.mark.parametrize(
    ("language", "closing"),
    [("en", True), ("en", False), ("zh", True)],
    ids=["en", "en-no-close", "zh"],
)
def test_the_closing_and_the_signature_never_stand_alone_on_a_page(typesetter, language, closing):
    """Letters from one page to two, a paragraph longer each time: wherever the page ends, the
    page holding the signature holds the closing and the end of the last paragraph."""
    spec = LETTERS[language]
    end = squash(spec["last"])[-12:]
    two_pages = 0
    for paragraphs in range(3, 15):
        pages = pdf_pages(typesetter.pdf(make_letter(language, paragraphs, closing=closing)))
        two_pages += len(pages) > 1
        page = signature_page(pages, language)
        assert end in page, (paragraphs, pages)
        if closing:
            for line in spec["closing"].split(" / "):
                assert squash(line) in page, (paragraphs, pages)
        if language == "zh":  # dated under the signature
            assert squash(spec["date"]) in page
    assert two_pages >= 3  # the sweep did reach the second page


def test_a_last_paragraph_longer_than_a_page_still_breaks_and_ends_with_the_signature(typesetter):
    long_last = " ".join(["Our work together went on through every season of the year."] * 70)
    long_last += " These are the last words."
    pages = pdf_pages(typesetter.pdf(make_letter("en", 2, last=long_last)))
    assert len(pages) >= 2
    assert "Thesearethelastwords.Sincerely,QinGangAmbassador" in pages[-1]
    # Nothing overflowed the page: every sentence is there.
    assert "".join(pages).count("Ourworktogetherwenton") == 70


def test_a_chinese_pdf_indents_the_closing_two_characters(typesetter):
    """此致 two characters in (2 × 11.5 pt), 敬礼！ flush left under it: the layout the Word
    template copies (460 twips = 23 pt)."""
    pdf = typesetter.pdf(make_letter("zh", 1))
    words = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    start = LETTERS["zh"]["last"][:4]
    x = {}
    for text in ("此致", "敬礼！", start):
        match = re.search(rf'xMin="([\d.]+)"[^>]*>{re.escape(text)}', words)
        assert match, (text, words)
        x[text] = float(match.group(1))
    assert x["此致"] - x["敬礼！"] == pytest.approx(23, abs=0.5)
    assert x["此致"] == pytest.approx(x[start], abs=0.5)  # as a paragraph's first line


# Word


def docx_paragraphs(data: bytes):
    return [p for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_word_keeps_the_last_paragraph_the_closing_and_the_signature_together(language):
    spec = LETTERS[language]
    paragraphs = docx_paragraphs(WordTemplate().render(make_letter(language, 4)))
    texts = [p.text for p in paragraphs]
    last = texts.index(spec["last"])
    _name, title = spec["sender"]
    closing = spec["closing"].split(" / ")
    assert texts[last + 1 : last + 1 + len(closing)] == closing
    chain = paragraphs[last : texts.index(title)]  # the last paragraph to the sender's title
    assert all(p.paragraph_format.keep_with_next for p in chain), [p.text for p in chain]
    for p in paragraphs[last + 1 : texts.index(title) + 1]:  # the closing and the signature
        assert p.paragraph_format.keep_together, p.text
    # Only the end is chained: the body before it breaks freely.
    assert not any(
        p.paragraph_format.keep_with_next
        for p in paragraphs[2:last]
        if p.text != spec["salutation"]
    )
    # Word's widow control (two lines at least) is on in the paragraphs' style.
    assert (
        Document(io.BytesIO(WordTemplate().render(make_letter(language, 1))))
        .styles["Normal"]
        .paragraph_format.widow_control
    )


def test_word_keeps_the_signature_with_the_body_when_there_is_no_closing():
    paragraphs = docx_paragraphs(WordTemplate().render(make_letter("en", 2, closing=False)))
    texts = [p.text for p in paragraphs]
    assert texts[-3:] == [LETTERS["en"]["last"], "Qin Gang", "Ambassador"]
    assert paragraphs[-3].paragraph_format.keep_with_next
    assert paragraphs[-2].paragraph_format.keep_with_next


def _xml(data: bytes, part: str):
    from lxml import etree

    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part))


def _effective(run, attribute: str, tag: str = "rFonts"):
    """A property set on the run itself (the hint must be; the language may also come from the
    styles, checked apart)."""
    element = run.find(f"{W}rPr/{W}{tag}")
    return None if element is None else element.get(f"{W}{attribute}")


def test_word_styles_name_simsun_and_tag_east_asian_text_zh_cn():
    data = WordTemplate().render(make_letter("en", 1))
    styles = _xml(data, "word/styles.xml")
    for where in (f"{W}docDefaults/{W}rPrDefault/{W}rPr", f"{W}style[@{W}styleId='Normal']/{W}rPr"):
        rpr = styles.find(where)
        fonts, lang = rpr.find(f"{W}rFonts"), rpr.find(f"{W}lang")
        assert fonts.get(f"{W}eastAsia") == "SimSun", where
        assert fonts.get(f"{W}ascii") == "Times New Roman"
        # A theme font would win over the named one (python-docx's stock theme names Japanese ones).
        assert not [k for k in fonts.attrib if "heme" in k], fonts.attrib
        assert lang.get(f"{W}eastAsia") == "zh-CN" and lang.get(f"{W}val") == "en-US"
    # Word substitutes a missing font from the font table: SimSun's Chinese name, GB2312.
    table = _xml(data, "word/fontTable.xml")
    simsun = table.find(f"{W}font[@{W}name='SimSun']")
    assert simsun.find(f"{W}altName").get(f"{W}val") == "宋体"
    assert simsun.find(f"{W}charset").get(f"{W}val") == "86"
    assert table.find(f"{W}font[@{W}name='ＭＳ 明朝']") is None


@pytest.mark.django_db
def test_a_chinese_word_letter_tags_every_chinese_run_and_hints_shared_punctuation(
    tmp_path, posting, farewell_world
):
    """Through the real pipeline (context, renderer process, the shipped template): every run
    holding Chinese says zh-CN and asks for the East Asian font for “”·—, and 此致 is indented
    two characters while 敬礼！ is flush left."""
    out = tmp_path / "letter.docx"
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template("farewell.zh"), person=farewell_world,
        posting=posting, letter_date=LETTER_DATE, fmt="docx", out=out,
        personal="我们关于“希望”的谈话令我难忘——吉米·卡特先生……", draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    data = out.read_bytes()
    body = _xml(data, "word/document.xml").find(f"{W}body")
    chinese_runs = 0
    for run in body.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if not CJK.search(text):
            continue
        chinese_runs += 1
        assert _effective(run, "hint") == "eastAsia", text
        assert _effective(run, "eastAsia", "lang") == "zh-CN", text
    assert chinese_runs >= 8
    texts = {}
    for p in body.iter(f"{W}p"):
        texts["".join(t.text or "" for t in p.iter(f"{W}t"))] = p
    ind = texts["此致"].find(f"{W}pPr/{W}ind")
    assert ind.get(f"{W}firstLineChars") == "200" and ind.get(f"{W}firstLine") == "460"
    assert texts["敬礼！"].find(f"{W}pPr/{W}ind") is None
    assert texts["敬礼！"].find(f"{W}pPr/{W}jc") is None  # left, as 此致 (the signature is right)
    personal = next(p for text, p in texts.items() if "吉米·卡特" in text)
    assert personal.find(f"{W}pPr/{W}ind").get(f"{W}firstLineChars") == "200"


def test_an_english_word_letter_sets_its_chinese_letterhead_as_chinese():
    data = WordTemplate().render(make_letter("en", 1))
    body = _xml(data, "word/document.xml").find(f"{W}body")
    head = next(
        r
        for r in body.iter(f"{W}r")
        if "".join(t.text or "" for t in r.iter(f"{W}t")) == LAYOUT.letterhead_zh
    )
    assert _effective(head, "hint") == "eastAsia"
    assert _effective(head, "eastAsia", "lang") == "zh-CN"
    # English body runs keep Latin punctuation in the Latin font (no East Asian hint).
    last = next(
        r
        for r in body.iter(f"{W}r")
        if "".join(t.text or "" for t in r.iter(f"{W}t")) == LETTERS["en"]["last"]
    )
    assert _effective(last, "hint") is None
    assert _effective(last, "eastAsia", "lang") == "zh-CN"
