"""One reproducible run: config -> stages -> an Assessment result -> writers -> manifest.

Stages are small functions run in order; each reads its section of assessment.toml, computes with the
pure estimators and stores its result on the Assessment. Writers only read the Assessment. To add a
capability: write a stage function, append it to STAGES, add a field for its result, and add a sheet
builder in report/sheets.py (see README, "Architecture").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.assessment import Assessment, InputFile, Stage, config_errors
from needsassess.clients.stage import agencies_stage
from needsassess.config import AssessmentConfig
from needsassess.costs.stage import cost_stage
from needsassess.disclosure import Rule
from needsassess.errors import OutputError
from needsassess.outputs import sha256_file, write_atomic, write_text
from needsassess.population.stage import population_stage
from needsassess.prevalence.stage import prevalence_stage
from needsassess.profile.client_profile import profile_clients
from needsassess.profile.publish import PublishedProfile, publish_profile
from needsassess.profile.stage import profile_stage
from needsassess.provision.stage import provision_stage, reach_stage
from needsassess.tables import prefetch

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.background import Pending
    from needsassess.police import PoliceInputs
    from needsassess.report.model import Sheet


PREVALENCE_STAGES: list[Stage] = [population_stage, prevalence_stage]


def _police_section(config: AssessmentConfig) -> dict[str, Any] | None:
    """The [police] section, or None when there is none or it says enabled = false."""
    section = config.section("police")
    if not section or section.get("enabled", True) is False:
        return None
    return section


def start_police(assessment: Assessment) -> None:
    """Start reading the police extract, which needs nothing from the other stages: in the second process,
    while the agency and profile stages run here, when there is one (needsassess.background)."""
    if _police_section(assessment.config) is None:
        return
    try:
        assessment.police_reading = _read_police(assessment.config)
    except Exception:  # a wrong [police] section is reported by police_stage, in its turn
        return


def _read_police(config: AssessmentConfig) -> Pending[PoliceInputs]:
    from needsassess import background
    from needsassess.clients.merge import load_secret
    from needsassess.police import police_options, read_police

    # victim keys are pseudonymised with the agency data's secret, when there is one
    secret_file = config.section("clients").get("secret_file")
    secret = load_secret(config.resolve(secret_file) if secret_file else None)
    with config_errors(config):
        options = police_options(_police_section(config) or {}, config.resolve)
    return background.submit(read_police, options, secret)


def prepare_charts(assessment: Assessment) -> None:
    """Have the second process import the plotting library next, after reading the police extract and
    while the agency and profile stages run here: the draft's charts are drawn there once the stages end."""
    from needsassess import background

    if assessment.config.section("draft").get("enabled", True) is not False:
        from needsassess.report.charts import PLOTTING_MODULES

        background.warm_up(*PLOTTING_MODULES)


def police_stage(assessment: Assessment) -> None:
    """Measure the police extract named in [police] (skipped when there is no [police])."""
    from needsassess.police import analyse_inputs
    from needsassess.report.police_sheets import police_sheet_for

    config = assessment.config
    if _police_section(config) is None:
        return
    assert assessment.all_areas is not None
    reading = assessment.police_reading or _read_police(config)
    with config_errors(config):
        run = analyse_inputs(reading.result(), assessment.all_areas, config.area)
    options = run.options
    assessment.police = run.result
    _publish(assessment, "police", police_sheet_for(run.result, assessment.disclosure_rule))
    incidents = run.incidents
    first, last = incidents.frame["date"].min(), incidents.frame["date"].max()
    assessment.inputs.append(
        InputFile(
            "police incidents",
            options.file,
            f"{incidents.rows_read:,} rows, {first:%d %b %Y} to {last:%d %b %Y}"
            + (f', sheet "{incidents.sheet}"' if incidents.sheet else ""),
        )
    )
    if run.deprivation is not None and options.deprivation is not None:
        assessment.inputs.append(
            InputFile(
                "deprivation", options.deprivation, f"{len(run.deprivation.frame)} {run.deprivation.level}s"
            )
        )
    if run.peer_counts is not None and options.peer_counts is not None:
        assessment.inputs.append(
            InputFile("police peer counts", options.peer_counts, f"{len(run.peer_counts.frame)} areas")
        )


def _publish(assessment: Assessment, key: str, sheet: Sheet) -> None:
    """Keep a stage's sheet as published (counts suppressed) and add its hidden cells to the log."""
    from needsassess.report.police_sheets import published_log

    assessment.published[key] = sheet
    assessment.suppression_log.extend(published_log(sheet, assessment.disclosure_rule))


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
    with prefetch(_large_inputs(config)):
        for stage in stages or STAGES:
            stage(assessment)
    return assessment


def _large_inputs(config: AssessmentConfig) -> list[tuple[Path, str | int | None]]:
    """Sheets worth reading in a thread from the start: the police extract, often the largest input, is read
    while the population, cost, agency and profile stages run. Not when a second process is running: it
    reads the extract itself (start_police)."""
    from needsassess import background
    from needsassess.police import police_options

    section = _police_section(config)
    if section is None or background.running():
        return []
    try:
        options = police_options(section, config.resolve)
    except Exception:  # the police stage reports a bad [police] section, in its turn
        return []
    return [(options.file, options.sheet)]


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
