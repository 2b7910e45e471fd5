"""Build the default Word letter template with python-docx.

Run ``python -m legation.letters.docx_default [PATH]`` to (re)write it; a mission that finishes its
letters in Word starts from this file, keeps the placeholders and restyles the rest. The
placeholders are listed in ``legation.letters.render_docx``.
"""

from __future__ import annotations

import sys
from pathlib import Path

LATIN_FONT = "Times New Roman"
CJK_FONT = "Noto Serif CJK SC"


def _fonts(run: object, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT  # type: ignore[attr-defined]
    if size:
        run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.bold = bold  # type: ignore[attr-defined]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), CJK_FONT)


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
    ppr.append(borders)


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


def build(path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)
    section.left_margin = section.right_margin = Cm(2.7)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(11.5)
    normal.paragraph_format.space_after = Pt(8)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", CJK_FONT
    )
    doc.core_properties.title = "{{ subject }}"
    doc.core_properties.author = "{{ letterhead_en }}"

    def para(text: str = "", *, align: object = None, size: float | None = None, bold=False):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if text:
            _fonts(p.add_run(text), size, bold)
        return p

    head = para("{{ letterhead_zh }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=17, bold=True)
    head.paragraph_format.space_after = Pt(2)
    rule = para("{{ letterhead_en }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=12.5)
    _rule(rule)
    rule.paragraph_format.space_after = Pt(22)
    para("{%p if top_date %}")
    para("{{ top_date }}")
    para("{%p endif %}")
    para("{%p for line in inside_address %}")
    para("{{ line }}").paragraph_format.space_after = Pt(0)
    para("{%p endfor %}")
    para("{{ salutation }}")
    para("{%p for p in paragraphs_en %}")
    para("{{r p }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para("{%p endfor %}")
    para("{%p for p in paragraphs_zh %}")
    indented = para("{{r p }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    indented.paragraph_format.first_line_indent = Pt(23)
    para("{%p endfor %}")
    para("{%p for line in closing %}")
    para("{{ line }}")
    para("{%p endfor %}")
    spacer = para()
    spacer.paragraph_format.space_after = Pt(28)
    para("{%p for line in signature_left %}")
    para("{{ line }}").paragraph_format.space_after = Pt(0)
    para("{%p endfor %}")
    para("{%p for line in signature_right %}")
    para("{{ line }}", align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.space_after = Pt(0)
    para("{%p endfor %}")
    para("{%p if bottom_date %}")
    para("{{ bottom_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("{%p endif %}")
    _slim(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "docx/letter.docx"
    print(build(target))
