"""The drafts written: templates rendered in jinja2's sandbox to Markdown, then HTML or Word, then files.

templates/draft.md.j2 frames the document and includes templates/sections/<id>.md.j2, one file per
section. The filters (share, percent, money, per_head, count, suppressed) come from needsassess.phrasing.
Every template, built-in or the user's (`--templates DIR`, whose files override the built-in ones by
name), renders in the sandbox with StrictUndefined, so a missing figure fails loudly and a template
cannot reach Python internals. The Markdown is rendered once for every format; HTML is made here
(markdown-it, charts embedded as data: URIs, styles inline, nothing fetched), Word in word.py.

This is the only module that imports jinja2; it, markdown-it and python-docx are imported inside functions.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.errors import NeedsAssessError
from needsassess.outputs import write_atomic
from needsassess.report.draft.context import (
    SECTIONS,
    DraftContext,
    DraftOptions,
    build_context,
    draft_title,
    section_ids,
    status_line,
)
from needsassess.report.draft.markdown import markdown_parser, number_paragraphs
from needsassess.report.draft.values import CHART_SCHEME, and_list
from needsassess.resources import templates_dir

if TYPE_CHECKING:
    from needsassess.assessment import Assessment

FRAME_TEMPLATE = "draft.md.j2"
HTML_TEMPLATE = "draft.html.j2"
WORD_TEMPLATE = "strategy_template.docx"


class DraftError(NeedsAssessError):
    """A template that cannot be rendered: its name, line and what went wrong."""


# --------------------------------------------------------------------------------------------------------
# Rendering


def _environment(user_dir: Path | None) -> Any:
    """A sandboxed jinja2 environment: the user's templates first, then the built-in ones."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loaders = [FileSystemLoader(str(user_dir))] if user_dir else []
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_filters())
    return env


def _filters() -> dict[str, Callable[..., str]]:
    """Words from numbers, from needsassess.phrasing; `count` also reads suppression markers ("<5")."""
    from needsassess import phrasing

    def count(value: Any) -> str:
        if isinstance(value, str):
            return phrasing.suppressed_phrase(value)
        return phrasing.count_phrase(value, "none")  # values arrive already rounded for publication

    def share_of(value: float) -> str:
        """The share as it stands before a plural noun: "one in seven children", "almost one third of children"."""
        words = phrasing.share_phrase(value)
        return words if " in " in words else f"{words} of"

    def rate(value: float, decimals: int = 1) -> str:
        """A rate as published: 34.26 -> "34.3" (halves up)."""
        from needsassess.rounding import round_half_up

        return f"{round_half_up(float(value), 10**-decimals):,.{decimals}f}"

    return {
        "rate": rate,
        "number_words": phrasing.number_words,
        "share": phrasing.share_phrase,
        "share_of": share_of,
        "percent": phrasing.percent,
        "money": phrasing.money_phrase,
        "per_head": phrasing.per_head_phrase,
        "count": count,
        "suppressed": phrasing.suppressed_phrase,
        "and_list": and_list,
    }


def _render(env: Any, name: str, values: dict[str, Any]) -> str:
    """Render one template; any failure names the template and line where it happened."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    try:
        return str(env.get_template(name).render(values))
    except TemplateNotFound as exc:
        raise DraftError(f"template {exc.name} not found in the templates folder") from None
    except TemplateSyntaxError as exc:
        raise DraftError(f"template {exc.name or name}, line {exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        where = _template_frame(exc, env) or name
        problem = f"not allowed in the sandbox: {exc}" if isinstance(exc, SecurityError) else str(exc.message)
        raise DraftError(f"template {where}: {problem}") from None


def _template_frame(exc: BaseException, env: Any) -> str:
    """'sections/prevalence.md.j2, line 2': the innermost template frame of a rendering error."""
    bases = [Path(p).resolve() for loader in env.loader.loaders for p in loader.searchpath]
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            path = Path(filename).resolve()
            name = next((path.relative_to(b).as_posix() for b in bases if path.is_relative_to(b)), path.name)
            found = f"{name}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return found


def render_section(context: DraftContext, section_id: str, templates: Path | None = None) -> str:
    """One section alone, as Markdown (chart images still refer to chart:<id>)."""
    spec = next((s for s in SECTIONS if s.id == section_id), None)
    if spec is None:
        raise DraftError(f"unknown section {section_id!r}; expected one of {', '.join(section_ids())}")
    if section_id not in context.values:
        reason = next((s["reason"] for s in context.values["left_out"] if s["id"] == section_id), "not built")
        raise DraftError(f"section {section_id!r} has no data: {reason}")
    text = _render(_environment(templates), spec.template, context.values)
    return _tidy(text)


def render_markdown(context: DraftContext, templates: Path | None = None) -> str:
    """The whole draft as Markdown; numbered for consultation (chart images refer to chart:<id>)."""
    text = _tidy(_render(_environment(templates), FRAME_TEMPLATE, context.values))
    if context.values["draft"]["consultation"]:
        text = number_paragraphs(text)
    return text


def _tidy(text: str) -> str:
    """Tidy the Markdown a template made, whatever its whitespace: no trailing or stray leading spaces
    (a paragraph's text is never indented into a code block; indented list items stay), headings set off
    by blank lines, at most one blank line between blocks, one newline at the end."""
    text = re.sub(r"[ \t]+\n", "\n", text.strip("\n") + "\n")
    text = re.sub(r"(?m)^[ \t]+(?=[^\s\-*+\d|])", "", text)
    text = re.sub(r"(?m)^(#{1,6} .*)\n(?=[^\n])", r"\1\n\n", text)
    text = re.sub(r"(?m)(?<=[^\n])\n(?=#{1,6} )", "\n\n", text)
    return re.sub(r"\n{3,}", "\n\n", text)


# --------------------------------------------------------------------------------------------------------
# Writing

# Each writer takes the draft already rendered as Markdown (render_markdown), so that writing several formats
# renders the templates once.


def write_markdown(
    context: DraftContext, markdown: str, path: Path, templates: Path | None = None, force: bool = False
) -> list[Path]:
    """The draft as Markdown, with its charts as PNG files in <name>_charts/ beside it."""
    text = markdown
    folder = f"{path.stem}_charts"
    used = [cid for cid in context.charts if f"]({CHART_SCHEME}{cid})" in text]
    for cid in used:
        text = text.replace(f"]({CHART_SCHEME}{cid})", f"]({folder}/{context.charts[cid].filename})")
    written = [write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), force)]
    for cid in used:
        written.append(
            _write_png(path.parent / folder / context.charts[cid].filename, context.charts[cid].png, force)
        )
    return written


def _write_png(path: Path, png: bytes, force: bool) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_bytes(png), force)


def render_html(context: DraftContext, templates: Path | None = None, markdown: str | None = None) -> str:
    """A standalone HTML page: charts embedded as data: URIs, print styles inline, nothing fetched."""
    body = markdown_parser().render(markdown if markdown is not None else render_markdown(context, templates))
    for cid, image in context.charts.items():
        uri = "data:image/png;base64," + base64.b64encode(image.png).decode("ascii")
        body = body.replace(f'src="{CHART_SCHEME}{cid}"', f'src="{uri}"')
    if context.values["draft"]["consultation"]:
        body = re.sub(r"<p>(\d+(?:\.\d+)+) ", r'<p class="numbered"><span class="number">\1</span> ', body)
    values = {
        **context.values,
        "body": body,
        "page_title": html.escape(draft_title(context)),
        "status_line": html.escape(status_line(context)),
    }
    return _tidy(_render(_environment(templates), HTML_TEMPLATE, values))


def write_html(
    context: DraftContext, markdown: str, path: Path, templates: Path | None = None, force: bool = False
) -> list[Path]:
    text = render_html(context, templates, markdown)
    return [write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), force)]


def write_docx(
    context: DraftContext, markdown: str, path: Path, templates: Path | None = None, force: bool = False
) -> list[Path]:
    """The draft as a Word document built on the Word template (the user's, if their folder has one)."""
    template = templates_dir() / WORD_TEMPLATE
    if templates is not None and (templates / WORD_TEMPLATE).is_file():
        template = templates / WORD_TEMPLATE
    from needsassess.report.draft.word import write_word

    return [write_atomic(path, lambda tmp: write_word(context, markdown, template, tmp), force)]


WRITERS_BY_FORMAT = {"md": write_markdown, "html": write_html, "docx": write_docx}


def write_draft(assessment: Assessment, options: DraftOptions, path: Path, force: bool = False) -> list[Path]:
    """Write one draft; the format is taken from the file's extension (.md, .html or .docx)."""
    fmt = path.suffix.lower().lstrip(".")
    fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
    if fmt not in WRITERS_BY_FORMAT:
        raise DraftError(
            f"{path.name}: a draft is written as .md, .html or .docx, not {path.suffix or 'no extension'}"
        )
    context = build_context(assessment, options)
    markdown = render_markdown(context, options.templates_dir)
    return WRITERS_BY_FORMAT[fmt](context, markdown, path, options.templates_dir, force)


def write_drafts(
    assessment: Assessment, options: DraftOptions, stem: Path, force: bool = False
) -> list[Path]:
    """Write the draft in each of options.formats, as <stem>.md, <stem>.html and <stem>.docx."""
    return write_context(build_context(assessment, options), options, stem, force)


def write_context(
    context: DraftContext, options: DraftOptions, stem: Path, force: bool = False
) -> list[Path]:
    """Write a built draft in each of options.formats (its charts are waited for only here)."""
    markdown = render_markdown(context, options.templates_dir)  # once, for every format
    written: list[Path] = []
    for fmt in options.formats:
        path = stem.with_suffix(f".{fmt}")
        written += WRITERS_BY_FORMAT[fmt](context, markdown, path, options.templates_dir, force)
    return written
