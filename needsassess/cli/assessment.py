"""The whole assessment from one assessment.toml: `run` (everything), `workbook` and `draft` (one output each).

No `from __future__ import annotations` (see `needsassess.cli`).
"""

from pathlib import Path
from typing import Annotated

import typer

from needsassess.cli.common import CacheOption, ForceOption, OfflineOption, reports_errors, require_suffix

AssessmentArgument = Annotated[Path, typer.Argument(help="The assessment.toml describing the assessment.")]


@reports_errors
def run(
    assessment: AssessmentArgument,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder for the outputs (default: the one in the config)."),
    ] = None,
    offline: OfflineOption = False,
    cache: CacheOption = None,
    force: ForceOption = False,
) -> None:
    """Run the whole needs assessment from one config: workbook, drafts and manifest.

    Example: needsassess run samples/northmere/assessment.toml
    """
    from needsassess.background import second_process
    from needsassess.config import load_config

    config = load_config(assessment)
    config.offline, config.cache_dir = offline, cache
    # The worker starts before the heavy imports below, and makes those it needs meanwhile: reading the
    # police extract is its first work (pipeline.start_police).
    with second_process("needsassess.police.options"):
        from needsassess.pipeline import run_assessment, write_outputs
        from needsassess.report.summary import summary_lines
        from needsassess.report.terminal import print_lines

        result = run_assessment(config)
        written = write_outputs(result, output or config.output_dir, force)
    print_lines(summary_lines(result) + ["Wrote:"] + [f"  {p}" for p in written])


@reports_errors
def workbook(
    assessment: AssessmentArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write (.xlsx).")],
    offline: OfflineOption = False,
    cache: CacheOption = None,
    force: ForceOption = False,
) -> None:
    """Write only the needs-assessment workbook.

    Example: needsassess workbook samples/northmere/assessment.toml -o northmere.xlsx
    """
    from needsassess.config import load_config
    from needsassess.pipeline import run_assessment, write_workbook_file

    require_suffix(output, (".xlsx",), "the workbook must be an .xlsx file")
    config = load_config(assessment)
    config.offline, config.cache_dir = offline, cache
    result = run_assessment(config)
    write_workbook_file(result, output, force)
    typer.echo(f"Wrote {output}")


def _section_ids() -> list[str]:
    from needsassess.report.draft import section_ids  # light: jinja2 and the rest load when used

    return section_ids()


@reports_errors
def draft(
    assessment: AssessmentArgument,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The draft to write: .md, .html or .docx (by extension).")
    ],
    sections: Annotated[
        list[str] | None,
        typer.Option(
            "--sections",
            "-s",
            help="Only these sections, repeatable or comma-separated: " + ", ".join(_section_ids()) + ".",
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Your templates folder; its files override the built-in ones of the same name.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    consultation: Annotated[
        bool | None,
        typer.Option(
            "--consultation/--no-consultation",
            help="Consultation draft: status header, numbered paragraphs, questions (default: [draft]).",
        ),
    ] = None,
    draft_version: Annotated[
        str | None, typer.Option("--draft-version", help='Version shown in the header, e.g. "0.3".')
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write strategy sections from the assessment: Markdown, standalone HTML or Word.

    Example: needsassess draft samples/northmere/assessment.toml -o northmere.docx --consultation
    """
    from needsassess.background import second_process
    from needsassess.config import load_config
    from needsassess.pipeline import run_assessment
    from needsassess.report.draft import FORMATS, DraftOptions, check_sections, write_draft

    require_suffix(output, {f".{f}" for f in FORMATS}, "the draft must be a .md, .html or .docx file")
    config = load_config(assessment)
    options = DraftOptions.from_config(config)
    if sections:
        try:
            options.sections = check_sections(",".join(sections))
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--sections") from None
    options.templates_dir = templates or options.templates_dir
    options.consultation = options.consultation if consultation is None else consultation
    options.version = draft_version or options.version
    # the police extract first, then the charts (as for run)
    with second_process("needsassess.police.options"):
        written = write_draft(run_assessment(config), options, output, force)
    typer.echo("Wrote " + ", ".join(str(p) for p in written))
