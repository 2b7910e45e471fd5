"""Build the default Word letter template with python-docx.

Run ``python -m legation.letters.render.word_default [PATH]`` to (re)write it; a mission that finishes its
letters in Word starts from this file, keeps the placeholders and restyles the rest. The
placeholders are listed in ``legation.letters.render.word``.
"""

from __future__ import annotations

import sys
from pathlib import Path

LATIN_FONT = "Times New Roman"
# Word takes one East Asian font per run, with no list of fallbacks: SimSun (宋体) is a Song face
# like the PDF's Noto Serif CJK, on every Windows 10 and 11 PC whatever its language (simsun.ttc is
# in the base install, not in the optional Chinese font pack). The font table says what it is
# (GB2312 character set, Chinese name, PANOSE class), which is what Word (e.g. on a Mac without
# it) substitutes from; the zh-CN language tag lets fontconfig (LibreOffice) substitute Noto Serif
# CJK SC. See docs/letters.md, "Word: Chinese fonts and languages".
CJK_FONT = "SimSun"
CJK_FONT_ZH = "宋体"
LANGUAGE = "en-US"  # Latin text
LANGUAGE_CJK = "zh-CN"  # East Asian text
# Two characters of first-line indent (Word's "首行缩进 2 字符"), and the same in twentieths of a
# point for readers that ignore character units: 2 × 11.5 pt, as in the PDF.
INDENT_CHARS = 200
INDENT_TWIPS = 460
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _set_fonts(rpr: object, *, zh: bool = False) -> None:
    """Latin and East Asian fonts and languages on a run's (or a style's) properties; ``zh``
    adds the hint that sets shared punctuation (“”·—…) in the East Asian font."""
    from docx.oxml import OxmlElement

    fonts = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
    for key in list(fonts.attrib):
        if key.endswith("Theme") or key.endswith("theme"):
            del fonts.attrib[key]
    for key in ("ascii", "hAnsi", "cs"):
        fonts.set(f"{W}{key}", LATIN_FONT)
    fonts.set(f"{W}eastAsia", CJK_FONT)
    if zh:
        fonts.set(f"{W}hint", "eastAsia")
    lang = rpr.find(f"{W}lang")  # type: ignore[attr-defined]
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")  # type: ignore[attr-defined]
    lang.set(f"{W}val", LANGUAGE)
    lang.set(f"{W}eastAsia", LANGUAGE_CJK)


def _fonts(run: object, size: float | None = None, bold: bool = False, zh: bool = False) -> None:
    from docx.shared import Pt

    if size:
        run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.bold = bold  # type: ignore[attr-defined]
    _set_fonts(run._element.get_or_add_rPr(), zh=zh)  # type: ignore[attr-defined]


def _indent_chars(paragraph: object) -> None:
    """First line indented two characters (Chinese paragraphs, 此致)."""
    from docx.shared import Twips

    paragraph.paragraph_format.first_line_indent = Twips(INDENT_TWIPS)  # type: ignore[attr-defined]
    ind = paragraph._p.pPr.find(f"{W}ind")  # type: ignore[attr-defined]
    ind.set(f"{W}firstLineChars", str(INDENT_CHARS))


def _keep(paragraph: object, *, with_next: bool = True) -> None:
    """Never a page break inside this paragraph, nor (``with_next``) between it and the next."""
    fmt = paragraph.paragraph_format  # type: ignore[attr-defined]
    fmt.keep_together = True
    fmt.keep_with_next = True if with_next else None


# The font table is what Word reads to substitute a missing font: SimSun's Chinese name, PANOSE
# class, GB2312 character set and Unicode ranges, as Word itself writes them.
FONT_TABLE = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>'
    '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="E0002AFF" w:usb1="C0007841" w:usb2="00000009" w:usb3="00000000"'
    ' w:csb0="000001FF" w:csb1="00000000"/></w:font>'
    f'<w:font w:name="{CJK_FONT}"><w:altName w:val="{CJK_FONT_ZH}"/>'
    '<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/>'
    '<w:family w:val="auto"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="00000003" w:usb1="288F0000" w:usb2="00000016" w:usb3="00000000"'
    ' w:csb0="00040001" w:csb1="00000000"/></w:font>'
    "</w:fonts>"
)


def _rule(paragraph: object) -> None:
    """A dark red double rule under the letterhead (a paragraph border)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"val": "double", "sz": "6", "space": "4", "color": "8B1A1A"}.items():
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    # In the schema's order (Word refuses a border after the alignment).
    ppr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange",
    )  # fmt: skip


_DROPPED_PARTS = ("stylesWithEffects", "webSettings", "customXml", "thumbnail", "numbering")
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


def _slim(doc: object) -> None:
    """Keep only what the letter uses: python-docx's stock template carries 800 kB of styles
    and parts that Word does not need, and every letter would parse and write them again."""
    from docx.oxml.ns import qn

    for rels in (doc.part.rels, doc.part.package.rels):  # type: ignore[attr-defined]
        for r_id, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _DROPPED_PARTS:
                del rels[r_id]
    styles = doc.styles.element  # type: ignore[attr-defined]
    for child in list(styles):
        if child.tag == qn("w:latentStyles") or (
            child.tag == qn("w:style") and child.get(qn("w:styleId")) not in _KEPT_STYLES
        ):
            styles.remove(child)


def _styles(doc: object) -> None:
    """Document defaults and Normal: the fonts by name (no theme fonts: python-docx's stock theme
    names Japanese ones) and the languages, widow control."""
    from docx.shared import Pt

    styles = doc.styles  # type: ignore[attr-defined]
    defaults = styles.element.find(f"{W}docDefaults")
    _set_fonts(defaults.find(f"{W}rPrDefault").find(f"{W}rPr"))
    normal = styles["Normal"]
    normal.font.size = Pt(11.5)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.widow_control = True
    _set_fonts(normal.element.get_or_add_rPr())
    for rel in doc.part.rels.values():  # type: ignore[attr-defined]
        if rel.reltype.endswith("/fontTable"):
            rel.target_part._blob = FONT_TABLE.encode("utf-8")


def build(path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)
    section.left_margin = section.right_margin = Cm(2.7)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(2.2)
    _styles(doc)
    doc.core_properties.title = "{{ subject }}"
    doc.core_properties.author = "{{ letterhead_en }}"

    def para(text: str = "", *, align=None, size: float | None = None, bold=False, zh=False):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if text:
            _fonts(p.add_run(text), size, bold, zh)
        return p

    def tag(text: str) -> None:
        para(text)

    right = WD_ALIGN_PARAGRAPH.RIGHT
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    head = para("{{ letterhead_zh }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=17, bold=True, zh=True)
    head.paragraph_format.space_after = Pt(2)
    rule = para("{{ letterhead_en }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=12.5)
    _rule(rule)
    rule.paragraph_format.space_after = Pt(22)
    tag("{%p if top_date %}")
    para("{{ top_date }}")
    tag("{%p endif %}")
    tag("{%p for line in inside_address %}")
    para("{{ line }}").paragraph_format.space_after = Pt(0)
    tag("{%p endfor %}")
    # The salutation of a letter without a body keeps with the closing too.
    tag('{%p if language == "zh" %}')
    _keep(para("{{ salutation }}", zh=True))
    tag("{%p else %}")
    _keep(para("{{ salutation }}"))
    tag("{%p endif %}")
    # The closing and the signature never stand alone on a page: the last paragraph keeps with
    # the closing (its last lines at least: Word moves them with widow control), the closing and
    # the signature with each other, and none of them breaks.
    tag("{%p for p in paragraphs_en %}")
    tag("{%p if loop.last %}")
    para("{{r p }}", align=justify).paragraph_format.keep_with_next = True
    tag("{%p else %}")
    para("{{r p }}", align=justify)
    tag("{%p endif %}")
    tag("{%p endfor %}")
    tag("{%p for p in paragraphs_zh %}")
    tag("{%p if loop.last %}")
    last = para("{{r p }}", align=justify, zh=True)
    _indent_chars(last)
    last.paragraph_format.keep_with_next = True
    tag("{%p else %}")
    _indent_chars(para("{{r p }}", align=justify, zh=True))
    tag("{%p endif %}")
    tag("{%p endfor %}")
    tag("{%p for line in closing_en %}")
    _keep(para("{{ line }}"))
    tag("{%p endfor %}")
    # Chinese: 此致 indented two characters, 敬礼 flush left on the next line (as in the PDF).
    tag("{%p for line in closing_zh %}")
    tag("{%p if loop.first %}")
    first = para("{{ line }}", zh=True)
    _indent_chars(first)
    _keep(first)
    tag("{%p else %}")
    _keep(para("{{ line }}", zh=True))
    tag("{%p endif %}")
    tag("{%p endfor %}")
    spacer = para()
    spacer.paragraph_format.space_after = Pt(28)
    _keep(spacer)
    tag("{%p for line in signature_left %}")
    signed = para("{{ line }}")
    signed.paragraph_format.space_after = Pt(0)
    _keep(signed)
    tag("{%p endfor %}")
    tag("{%p for line in signature_right %}")
    signed = para("{{ line }}", align=right, zh=True)
    signed.paragraph_format.space_after = Pt(0)
    _keep(signed)
    tag("{%p endfor %}")
    tag("{%p if bottom_date %}")
    _keep(para("{{ bottom_date }}", align=right, zh=True), with_next=False)
    tag("{%p endif %}")
    _slim(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "docx/letter.docx"
    print(build(target))
