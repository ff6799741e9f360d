"""Strategy sections and consultation drafts from an assessment: Markdown, HTML and Word.

Officers paste needs-assessment findings into a strategy and send it out for consultation. This package
writes those sections from the assessment, in the voice of a council strategy ("Applying the figures
from the latest Crime Survey ... it is estimated that in Hartlepool: 2,200 women & 1,000 men ...").

1. `build_context` (context.py) collects each section's values, already computed, rounded or suppressed,
   and its charts. A section's builder sits in the module of its family, beside the others that read the
   same results, and feeds the template of the same name in templates/sections/ (user-editable):
   - prevalence.py: `prevalence`, `children`, `barriers` (the survey rates applied to the area)
   - cost.py: `cost`
   - police.py: `police`
   - services.py: `reporting` (the reach funnel) and `provision` (against benchmarks)
   - profile.py: `victims`, `perpetrators`, `accommodation` (the published client profile)
   - sources.py: `introduction`, `quality`, `sources` (the evidence itself)
   values.py holds what they share (charts, the disclosure and rounding rules, text for tables).
2. render.py, the only jinja2 user, renders templates/draft.md.j2 and the sections in the sandbox to
   Markdown; in consultation mode markdown.py numbers sections and paragraphs (3, 3.1, 3.2 ...) in the
   Markdown itself, so all three formats carry the same numbers for consultees to cite.
3. The Markdown becomes HTML (render.py) or Word (word.py, python-docx on templates/strategy_template.docx),
   and the writers put the files down atomically.

The statutory framing follows the area code: Part 4 of the Domestic Abuse Act 2021 in England, the
VAWDASV (Wales) Act 2015 in Wales (`framing_for`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from needsassess.report.draft.context import (
    FORMATS,
    DraftContext,
    DraftOptions,
    build_context,
    check_sections,
    framing_for,
    section_ids,
)

if TYPE_CHECKING:
    from needsassess.report.draft.render import (
        DraftError,
        render_html,
        render_markdown,
        render_section,
        write_context,
        write_draft,
        write_drafts,
    )

__all__ = [
    "FORMATS",
    "DraftContext",
    "DraftError",
    "DraftOptions",
    "build_context",
    "check_sections",
    "framing_for",
    "render_html",
    "render_markdown",
    "render_section",
    "section_ids",
    "write_context",
    "write_draft",
    "write_drafts",
]

# The writers (render.py) bring base64, html, hashlib and tempfile with them, so they are loaded when first
# asked for: the command line lists section_ids() in its --help and should start as fast without them.
_WRITERS = {
    "DraftError",
    "render_html",
    "render_markdown",
    "render_section",
    "write_context",
    "write_draft",
    "write_drafts",
}


def __getattr__(name: str) -> Any:
    if name in _WRITERS:
        from needsassess.report.draft import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
