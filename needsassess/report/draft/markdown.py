"""The Markdown a draft is made of: numbered for consultation, and parsed the same way for HTML and Word.

markdown-it (CommonMark with tables, raw HTML escaped) is imported inside functions. Both the HTML page
(render.py) and the Word document (word.py) read the draft through `markdown_parser`, and tell charts and
table captions from paragraphs with `is_figure` and `is_caption`, so all three formats agree.
"""

from __future__ import annotations

import re
from typing import Any

NUMBER_PREFIX = re.compile(r"^(\d+(?:\.\d+)+) ")


def markdown_parser() -> Any:
    """CommonMark with pipe tables; raw HTML in a template or an input is escaped, never passed through."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def number_paragraphs(text: str) -> str:
    """Number level-two headings (1, 2, ...) and the top-level paragraphs under them (1.1, 1.2, ...).

    Charts (paragraphs holding only an image) are not numbered. The numbers are written into the
    Markdown, so HTML and Word show the same ones.
    """
    lines = text.split("\n")
    section = paragraph = 0
    edits: dict[int, tuple[str, str]] = {}
    tokens = markdown_parser().parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            section, paragraph = section + 1, 0
            edits[token.map[0]] = ("## ", f"## {section}. ")
        elif token.type == "paragraph_open" and token.level == 0 and section and token.map:
            if is_figure(tokens[i + 1].children) or is_caption(tokens[i + 1].children):
                continue
            paragraph += 1
            edits[token.map[0]] = ("", f"{section}.{paragraph} ")
    for line_no, (old, new) in edits.items():
        line = lines[line_no]
        lines[line_no] = new + line[len(old) :] if line.startswith(old) else line
    return "\n".join(lines)


def is_figure(children: list[Any] | None) -> bool:
    """A paragraph holding only images (a chart)."""
    children = children or []
    return any(c.type == "image" for c in children) and all(
        c.type in ("image", "softbreak") or not c.content.strip() for c in children
    )


def is_caption(children: list[Any] | None) -> bool:
    """A paragraph wholly in italics: a table's caption (`*Estimated residents ...*`)."""
    children = children or []
    return len(children) >= 3 and children[0].type == "em_open" and children[-1].type == "em_close"
