"""One reproducible run: config -> stages -> an Assessment result -> writers -> manifest.

This module is the order of the run and nothing more: each stage lives beside its concept
(`<concept>/stage.py`), reads its section of assessment.toml and stores its result on the Assessment
(assessment.py); the writers in report/ only read the Assessment. Nothing imports this module but the
command line (see README, "Architecture" and "Adding a stage").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.assessment import Assessment, Stage
from needsassess.clients.stage import agencies_stage
from needsassess.config import AssessmentConfig
from needsassess.costs.stage import cost_stage
from needsassess.disclosure import Rule
from needsassess.errors import OutputError
from needsassess.outputs import sha256_file, write_atomic, write_text
from needsassess.police.stage import large_inputs, police_stage, start_police
from needsassess.population.stage import population_stage
from needsassess.prevalence.stage import prevalence_stage
from needsassess.profile.client_profile import profile_clients
from needsassess.profile.publish import PublishedProfile, publish_profile
from needsassess.profile.stage import profile_stage
from needsassess.provision.stage import provision_stage, reach_stage
from needsassess.tables import prefetch

if TYPE_CHECKING:
    import pandas as pd


PREVALENCE_STAGES: list[Stage] = [population_stage, prevalence_stage]


def prepare_charts(assessment: Assessment) -> None:
    """Have the second process import the plotting library next, after reading the police extract and
    while the agency and profile stages run here: the draft's charts are drawn there once the stages end."""
    from needsassess import background

    if assessment.config.section("draft").get("enabled", True) is not False:
        from needsassess.report.charts import PLOTTING_MODULES

        background.warm_up(*PLOTTING_MODULES)


STAGES: list[Stage] = [
    start_police,
    prepare_charts,
    population_stage,
    prevalence_stage,
    cost_stage,
    agencies_stage,
    profile_stage,
    police_stage,
    provision_stage,
    reach_stage,
]


def run_assessment(config: AssessmentConfig, stages: list[Stage] | None = None) -> Assessment:
    """Run every stage in order and return the result; nothing is written."""
    assessment = Assessment(config=config, created=datetime.now(UTC))
    with prefetch(large_inputs(config)):
        for stage in stages or STAGES:
            stage(assessment)
    return assessment


def write_workbook_file(assessment: Assessment, path: Path, force: bool = False) -> Path:
    """Write the needs-assessment workbook alone."""
    from needsassess.report.sheets import build_cover, build_sheets
    from needsassess.report.workbook import write_workbook

    cover, sheets = build_cover(assessment), build_sheets(assessment)
    return write_atomic(path, lambda tmp: write_workbook(tmp, cover, sheets), force)


def write_profile_summary(
    clients: pd.DataFrame, path: Path, rule: Rule, force: bool = False
) -> PublishedProfile:
    """Profile a merged client table and write it, suppressed, to .xlsx (sheets, notes and suppression
    log) or .csv (every published table, long: table, title, row, column, value)."""
    from needsassess.report.csv import write_csv
    from needsassess.report.sheets import build_profile_summary
    from needsassess.report.workbook import write_workbook

    profile = profile_clients(clients)
    published = publish_profile(profile, rule)
    if path.suffix.lower() == ".csv":
        write_csv(published.long_frame(), path, force)
    else:
        cover, sheets = build_profile_summary(
            profile, published, "Needs profile of domestic abuse clients", datetime.now(UTC)
        )
        write_atomic(path, lambda tmp: write_workbook(tmp, cover, sheets), force)
    return published


def _merged_clients_writer(assessment: Assessment, out_dir: Path, force: bool) -> list[Path]:
    """[clients] merged = "clients.parquet": the merged pseudonymised client table, beside the workbook."""
    from needsassess.report.clients import write_merged

    name = assessment.config.section("clients").get("merged")
    if not name or assessment.agencies is None:
        return []
    return [write_merged(assessment.agencies.clients, out_dir / str(name), force)]


def write_outputs(assessment: Assessment, out_dir: Path, force: bool = False) -> list[Path]:
    """Check every output can be written, then write them all and the manifest into out_dir: the workbook,
    the merged client table if asked for, and the draft in each format of [draft] formats."""
    from needsassess.report.draft import DraftOptions, build_context, write_context

    options = DraftOptions.from_config(assessment.config)  # a bad [draft] fails before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    if manifest_path.exists() and not force:
        raise OutputError(
            f"{out_dir} already holds an assessment ({manifest_path.name}); use --force to overwrite it"
        )
    slug = _slug(assessment.area_name)
    # The draft's values first: its charts are drawn (in the second process, needsassess.background) while
    # the workbook is written here.
    context = build_context(assessment, options) if options.enabled else None
    written = [write_workbook_file(assessment, out_dir / f"{slug}_needs_assessment.xlsx", force)]
    written += _merged_clients_writer(assessment, out_dir, force)
    if context is not None:
        written += write_context(context, options, out_dir / f"{slug}_draft", force)
    manifest_path = out_dir / "manifest.json"
    # default=str: TOML dates in the settings (such as [clients] as_of) are written as ISO text.
    manifest = json.dumps(build_manifest(assessment, written), indent=2, default=str)
    write_text(manifest_path, manifest + "\n", force)
    written.append(manifest_path)
    return written


def build_manifest(assessment: Assessment, outputs: list[Path]) -> dict[str, Any]:
    """What was run, on which inputs and packs, producing which files: enough to repeat and to audit."""
    config = assessment.config
    return {
        "tool": "needsassess",
        "version": __version__,
        "created": assessment.created.isoformat(timespec="seconds"),
        "config": {"path": str(config.path), "sha256": sha256_file(config.path), "settings": config.raw},
        "area": {"code": assessment.area_code, "name": assessment.area_name},
        "inputs": [
            {"role": i.role, "path": str(i.path), "sha256": i.sha256, "detail": i.detail}
            for i in assessment.inputs
        ],
        "downloads": [
            {"role": d.role, "title": d.title, "detail": d.detail, "requests": d.sources}
            for d in assessment.downloads
        ],
        "packs": [
            {
                "id": p.id,
                "kind": p.kind.value,
                "title": p.title,
                "url": p.meta.get("url"),
                "statuses": p.statuses,
                "sha256": sha256_file(p.path / str(p.meta["data"])),
            }
            for p in assessment.packs.values()
        ],
        "warnings": assessment.warnings,
        "outputs": [{"path": str(p), "sha256": sha256_file(p)} for p in outputs],
    }


def _slug(text: str) -> str:
    return "".join(c.lower() if c.isalnum() else "_" for c in text).strip("_") or "assessment"
