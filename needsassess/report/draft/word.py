"""The Word draft: Markdown tokens -> python-docx, on a template document a council can restyle.

The writer keeps the template's page set-up, header, footer and styles, empties its body and writes the
draft with named styles only (Title, Heading 1-3, Body Text, Numbered Paragraph, List Bullet, List
Number, Note, Caption, Figure, the Needs Table table style, Hyperlink), so restyling the template
restyles every draft. Headings are real Word headings, tables real Word tables (header row repeated on
each page), charts pictures with alt text. In a consultation draft the header's [draft status] marker
becomes "DRAFT FOR CONSULTATION · Version ... · date" and numbered paragraphs hang their numbers.
templates/make_word_template.py builds the shipped template. python-docx is imported inside functions.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from needsassess import __version__
from needsassess.report.draft.context import DraftContext, draft_title, status_line
from needsassess.report.draft.markdown import NUMBER_PREFIX, is_caption, is_figure, markdown_parser
from needsassess.report.draft.values import CHART_SCHEME

STATUS_MARKER = "[draft status]"  # replaced in the Word template's header by the draft's status line


HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2", 4: "Heading 3", 5: "Heading 4", 6: "Heading 4"}
PARAGRAPH_STYLE = "Body Text"
NUMBERED_STYLE = "Numbered Paragraph"
NOTE_STYLE = "Note"
CAPTION_STYLE = "Caption"
FIGURE_STYLE = "Figure"
TABLE_STYLE = "Needs Table"
LIST_STYLES = {"bullet_list_open": "List Bullet", "ordered_list_open": "List Number"}


def write_word(context: DraftContext, markdown: str, template: Path, out: Path) -> None:
    """Write `markdown` (a rendered draft) as a Word document on `template`, to `out`."""
    _DocxWriter(context, template).write(markdown, out)


class _DocxWriter:
    """Markdown tokens -> python-docx, using only styles the template defines (so it can be restyled)."""

    def __init__(self, context: DraftContext, template: Path) -> None:
        self.context = context
        self.template = template

    def write(self, text: str, out: Path) -> None:
        from docx import Document
        from docx.enum.style import WD_STYLE_TYPE

        self.doc = Document(str(self.template))
        body = self.doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        self.styles = {s.name: s for s in self.doc.styles}
        self.paragraph_type = WD_STYLE_TYPE.PARAGRAPH
        self.default_paragraph = self.doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self.list_indent = self._list_indent()
        self._header()
        self._properties()
        self._blocks(markdown_parser().parse(text))
        self.doc.save(str(out))

    def _list_indent(self) -> Any:
        """In a consultation draft, lists sit under the text of numbered paragraphs, not their numbers."""
        from docx.shared import Cm

        if NUMBERED_STYLE not in self.styles:
            return None
        indent = self.doc.styles[NUMBERED_STYLE].paragraph_format.left_indent
        return None if indent is None else indent + Cm(0.63)

    def _text_width(self) -> int:
        """The width between the margins of the last section (A4 with 2.3 cm margins if unset)."""
        from docx.shared import Cm

        s = self.doc.sections[-1]
        page, left, right = s.page_width or Cm(21.0), s.left_margin or Cm(2.3), s.right_margin or Cm(2.3)
        return int(page - left - right)

    def _paragraph(self, style: str, text: str = "") -> Any:
        """A new paragraph at the end of the body, in the template's `style` (Normal if it has none).

        The style id is set directly, as python-docx would set it: its style setter looks for the default
        style among all the template's styles on every paragraph, a third of this writer's time.
        """
        paragraph = self.doc.add_paragraph(text)
        chosen = self._style(style)
        if isinstance(chosen, str) or chosen.type != self.paragraph_type:
            paragraph.style = chosen  # not a paragraph style of the template: python-docx says what is wrong
        else:
            default = self.default_paragraph is not None and chosen.element is self.default_paragraph.element
            paragraph._p.style = None if default else chosen.style_id
        return paragraph

    def _style(self, name: str, fallback: str = "Normal") -> Any:
        """The template's style object (python-docx looks a style up by name on every paragraph otherwise)."""
        for candidate in (name, fallback):
            if candidate in self.styles:
                return self.styles[candidate]
        return fallback

    def _header(self) -> None:
        line = status_line(self.context)
        for section in self.doc.sections:
            replaced = False
            for paragraph in section.header.paragraphs:
                for run in paragraph.runs:  # a logo beside the marker, in its own run, is kept
                    if STATUS_MARKER in run.text:
                        run.text = run.text.replace(STATUS_MARKER, line)
                        replaced = True
            if not replaced:
                section.header.add_paragraph(line, style=self._style("Header"))

    def _properties(self) -> None:
        props = self.doc.core_properties
        values = self.context.values
        props.title = draft_title(self.context)
        props.author = re.sub(r"\\(.)", r"\1", values["author"]) or "needsassess"
        props.version = values["draft"]["version"]
        props.comments = f"{status_line(self.context)}. Generated by needsassess {__version__}."
        props.keywords = "domestic abuse; needs assessment; strategy"

    def _blocks(self, tokens: list[Any]) -> None:
        consultation = self.context.values["draft"]["consultation"]
        lists: list[str] = []
        quote = 0
        in_section = False
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.type == "heading_open":
                level = int(t.tag[1])
                in_section = in_section or level == 2
                paragraph = self._paragraph(HEADING_STYLES[level])
                self._inline(paragraph, tokens[i + 1].children or [])
                i += 3
                continue
            if t.type in LIST_STYLES:
                lists.append(LIST_STYLES[t.type])
            elif t.type in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif t.type == "blockquote_open":
                quote += 1
            elif t.type == "blockquote_close":
                quote -= 1
            elif t.type == "table_open":
                end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
                self._table(tokens[i : end + 1])
                i = end + 1
                continue
            elif t.type == "paragraph_open":
                children = tokens[i + 1].children or []
                if is_figure(children):
                    for image in (c for c in children if c.type == "image"):
                        self._picture(image)
                elif lists:
                    paragraph = self._paragraph(lists[-1])
                    if consultation and in_section and not quote and self.list_indent is not None:
                        paragraph.paragraph_format.left_indent = self.list_indent
                    self._inline(paragraph, children)
                elif is_caption(children) and not quote:
                    self._inline(self._paragraph(CAPTION_STYLE), children[1:-1])
                elif quote:
                    self._inline(self._paragraph(NOTE_STYLE), children)
                else:
                    number = (
                        NUMBER_PREFIX.match(tokens[i + 1].content) if consultation and t.level == 0 else None
                    )
                    if number:
                        paragraph = self._paragraph(NUMBERED_STYLE)
                        paragraph.add_run(f"{number.group(1)}\t")
                        children = _strip_prefix(children, number.group(0))
                    else:
                        paragraph = self._paragraph(PARAGRAPH_STYLE)
                    self._inline(paragraph, children)
                i += 3
                continue
            elif t.type == "hr":
                self._paragraph(PARAGRAPH_STYLE)
            i += 1

    def _inline(self, paragraph: Any, children: list[Any]) -> None:
        bold = italic = False
        link: str | None = None
        for c in children:
            if c.type == "strong_open":
                bold = True
            elif c.type == "strong_close":
                bold = False
            elif c.type == "em_open":
                italic = True
            elif c.type == "em_close":
                italic = False
            elif c.type == "link_open":
                link = str(c.attrs.get("href", ""))
            elif c.type == "link_close":
                link = None
            elif c.type in ("text", "code_inline"):
                if link:
                    _add_hyperlink(paragraph, c.content, link, "Hyperlink" in self.styles)
                else:
                    run = paragraph.add_run(c.content)
                    run.bold = bold or None
                    run.italic = italic or None
            elif c.type == "softbreak":
                paragraph.add_run(" ")
            elif c.type == "hardbreak":
                paragraph.add_run().add_break()
            elif c.type == "image":
                self._picture(c)

    def _picture(self, token: Any) -> None:
        from docx.shared import Cm

        src = str(token.attrs.get("src", ""))
        image = (
            self.context.charts.get(src.removeprefix(CHART_SCHEME)) if src.startswith(CHART_SCHEME) else None
        )
        if image is None:
            self._paragraph(NOTE_STYLE, f"[Image not embedded: {token.content}]")
            return
        paragraph = self._paragraph(FIGURE_STYLE)
        shape = paragraph.add_run().add_picture(io.BytesIO(image.png), width=min(self._text_width(), Cm(16)))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", image.alt)
        doc_pr.set("title", image.title)

    def _table(self, tokens: list[Any]) -> None:
        rows: list[list[tuple[list[Any], bool]]] = []
        header_rows = 0
        in_head = False
        for i, t in enumerate(tokens):
            if t.type == "thead_open":
                in_head = True
            elif t.type == "thead_close":
                in_head = False
            elif t.type == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif t.type in ("th_open", "td_open"):
                right = "text-align:right" in str(t.attrs.get("style", ""))
                rows[-1].append((tokens[i + 1].children or [], right))
        if not rows:
            return
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        columns = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = self._style(TABLE_STYLE, "Table Grid")
        widths = _column_widths(rows, columns, self._text_width())
        table.autofit = False
        for c, column in enumerate(table.columns):
            column.width = widths[c]
        for r, (row, table_row) in enumerate(zip(rows, table.rows, strict=True)):
            cells = table_row.cells  # once a row: table.cell(r, c) walks the whole table each call
            for c, (children, right) in enumerate(row):
                cell = cells[c]
                cell.width = widths[c]
                paragraph = cell.paragraphs[0]
                self._inline(paragraph, children)
                if right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            tr_pr = table_row._tr.get_or_add_trPr()
            keep = OxmlElement("w:cantSplit")  # a row is never split across two pages
            keep.set(qn("w:val"), "true")
            tr_pr.append(keep)
            if r < header_rows:  # repeat the header row on each page
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                tr_pr.append(header)
        self._paragraph(PARAGRAPH_STYLE)


def _column_widths(rows: list[list[tuple[list[Any], bool]]], columns: int, usable: int) -> list[int]:
    """Share the text width by how much each column holds (its longest cell, header words counted one by
    one so a long header wraps rather than widening a column of figures), within sensible bounds."""
    need = [9.0] * columns
    for r, row in enumerate(rows):
        for c, (children, _right) in enumerate(row):
            text = "".join(ch.content for ch in children)
            size = max((len(w) + 2 for w in text.split()), default=0) if r == 0 else len(text)
            need[c] = max(need[c], min(size + 2.0, 40.0))
    total = sum(need)
    return [int(usable * n / total) for n in need]


def _strip_prefix(children: list[Any], prefix: str) -> list[Any]:
    """Drop the paragraph number from the first text token (it is written as its own run)."""
    out = list(children)
    if out and out[0].type == "text" and out[0].content.startswith(prefix):
        out[0] = out[0].copy(content=out[0].content[len(prefix) :])
    return out


def _add_hyperlink(paragraph: Any, text: str, url: str, styled: bool) -> None:
    """A real Word hyperlink (python-docx has no call for one): a relationship and a w:hyperlink run."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    if styled:
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        props.append(style)
        run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)
