"""Build templates/strategy_template.docx, the Word document every .docx draft is written on.

    python templates/make_word_template.py            # rewrites strategy_template.docx beside this file

The draft writer keeps this document's page set-up, header, footer and styles, empties its body and
writes the draft with these styles only:

    Title, Heading 1, Heading 2, Heading 3   document title and section headings
    Body Text                                paragraphs
    Numbered Paragraph                       paragraphs of a consultation draft ("3.2<tab>text")
    List Bullet, List Number                 lists
    Note                                     notes (Markdown block quotes)
    Caption                                  table titles (a paragraph wholly in italics)
    Figure                                   charts
    Needs Table                              tables (header row repeated on each page)
    Hyperlink                                links

A council restyles the template in Word rather than changing code: open strategy_template.docx, change
the fonts and colours of those styles (Home > Styles > Modify), put its logo in the header, keep the
text [draft status] where the draft's status line should go, save it into its own templates folder and
run `needsassess draft ... --templates FOLDER`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Arial"
INK = RGBColor(0x1B, 0x1B, 0x1B)
ACCENT = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x50, 0x5A, 0x5F)
LINK = RGBColor(0x1D, 0x70, 0xB8)
HANG = Cm(1.3)


def _plain_fonts(style) -> None:
    """Name the font outright: theme fonts in the default template would override it."""
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)


def _paragraph_style(doc, name: str, base: str | None = None):
    styles = doc.styles
    style = (
        styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    if base:
        style.base_style = styles[base]
    style.quick_style = True
    _plain_fonts(style)
    return style


def _set_spacing(style, before: float = 0, after: float = 6, line: float | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line:
        fmt.line_spacing = line


def _left_border(style, colour: str) -> None:
    p_pr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", colour)):
        left.set(qn(key), value)
    borders.append(left)
    p_pr.append(borders)


def _table_style(doc) -> None:
    """Needs Table: thin grey grid, bold shaded header row; restyle it in Word's Table Design."""
    style = doc.styles.add_style("Needs Table", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Table Grid"]
    style.font.name = FONT
    style.font.size = Pt(9.5)
    style.quick_style = True
    element = style.element
    tbl_pr = element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        element.append(tbl_pr)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "B1B4B6")):
            edge.set(qn(key), value)
        borders.append(edge)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("left", "80"), ("right", "80")):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), width)
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.append(margins)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    r_pr = OxmlElement("w:rPr")
    r_pr.append(OxmlElement("w:b"))
    first.append(r_pr)
    tc_pr = OxmlElement("w:tcPr")
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "E8EBEE")):
        shading.set(qn(key), value)
    tc_pr.append(shading)
    first.append(tc_pr)
    element.append(first)


def _page_field(paragraph) -> None:
    paragraph.add_run("Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def build(path: Path) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.3))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.0)

    normal = _paragraph_style(doc, "Normal")
    normal.font.size, normal.font.color.rgb = Pt(11), INK
    _set_spacing(normal, 0, 6, 1.15)

    body = _paragraph_style(doc, "Body Text", "Normal")
    _set_spacing(body, 0, 8, 1.15)

    title = _paragraph_style(doc, "Title", "Normal")
    title.font.size, title.font.bold, title.font.color.rgb = Pt(24), True, ACCENT
    _set_spacing(title, 0, 12, 1.0)

    for name, size, before, after in (
        ("Heading 1", 16, 18, 6),
        ("Heading 2", 13, 12, 4),
        ("Heading 3", 11.5, 10, 3),
        ("Heading 4", 11, 8, 2),
    ):
        heading = _paragraph_style(doc, name, "Normal")
        heading.font.size, heading.font.bold, heading.font.italic = Pt(size), True, False
        heading.font.color.rgb = ACCENT
        _set_spacing(heading, before, after, 1.0)
        heading.paragraph_format.keep_with_next = True

    numbered = _paragraph_style(doc, "Numbered Paragraph", "Body Text")
    numbered.paragraph_format.left_indent = HANG
    numbered.paragraph_format.first_line_indent = -HANG
    numbered.paragraph_format.tab_stops.add_tab_stop(HANG, WD_TAB_ALIGNMENT.LEFT)

    for name in ("List Bullet", "List Number"):
        _set_spacing(_paragraph_style(doc, name), 0, 4, 1.15)

    note = _paragraph_style(doc, "Note", "Body Text")
    note.font.size, note.font.color.rgb = Pt(10), GREY
    note.paragraph_format.left_indent = Cm(0.5)
    _left_border(note, "B1B4B6")

    caption = _paragraph_style(doc, "Caption", "Normal")
    caption.font.size, caption.font.bold, caption.font.italic = Pt(9.5), True, False
    caption.font.color.rgb = ACCENT
    caption.paragraph_format.keep_with_next = True
    _set_spacing(caption, 6, 3, 1.0)

    figure = _paragraph_style(doc, "Figure", "Normal")
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.keep_together = True
    _set_spacing(figure, 6, 10, 1.0)

    for name in ("Header", "Footer"):
        style = _paragraph_style(doc, name, "Normal")
        style.font.size, style.font.color.rgb = Pt(9), GREY

    link = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb, link.font.underline = LINK, True

    _table_style(doc)

    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run("[draft status]").bold = True
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)

    doc.add_paragraph(
        "needsassess strategy template. Restyle Title, Heading 1-3, Body Text, Numbered Paragraph, List Bullet, "
        "List Number, Note, Caption, Figure, Hyperlink and the Needs Table table style; put your logo in the header and "
        "keep [draft status] where the status line goes. The body of this document is replaced by each draft.",
        style="Note",
    )
    props = doc.core_properties
    props.title, props.author, props.comments = (
        "Strategy draft",
        "needsassess",
        "Word template for needsassess drafts",
    )
    doc.save(str(path))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("strategy_template.docx")
    print(build(target))
