"""One reproducible run: config -> stages -> an Assessment result -> writers -> manifest.

Stages are small functions run in order; each reads its section of assessment.toml, computes with the
pure estimators and stores its result on the Assessment. Writers only read the Assessment. To add a
capability: write a stage function, append it to STAGES, add a field for its result, and add a sheet
builder in report/sheets.py (see README, "Architecture").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from needsassess import __version__
from needsassess.clients.agencies import AgencyResult
from needsassess.config import AssessmentConfig
from needsassess.costs import (
    METHOD_LABELS,
    CostResult,
    cost_per_crime,
    cost_per_victim,
    find_deflators,
    read_crime_counts,
    victims_from_prevalence,
)
from needsassess.errors import ConfigError, OutputError, Problem
from needsassess.outputs import sha256_file, write_atomic, write_text
from needsassess.packs import MAX_AGE, Kind, Pack, load_pack
from needsassess.population import Population, population_in_ages, read_population, select_area
from needsassess.prevalence import PrevalenceResult, estimate_prevalence
from needsassess.rounding import parse_rounding


@dataclass
class InputFile:
    """An input the assessment read, recorded with its hash so a rerun can prove it used the same data."""

    role: str
    path: Path
    detail: str = ""
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256 and self.path.is_file():
            self.sha256 = sha256_file(self.path)


@dataclass
class Download:
    """Public data fetched over the network (or read from the download cache) for this run."""

    role: str
    title: str
    detail: str
    sources: list[dict[str, Any]]  # url, retrieved (ISO), from_cache, sha256 of the body

    @property
    def from_cache(self) -> bool:
        return bool(self.sources) and all(s["from_cache"] for s in self.sources)

    @property
    def retrieved(self) -> str:
        return min(str(s["retrieved"]) for s in self.sources) if self.sources else ""


@dataclass
class Assessment:
    """Everything a run computed; writers read this and nothing else."""

    config: AssessmentConfig
    created: datetime
    population: Population | None = None  # the chosen area
    all_areas: Population | None = None  # the whole file, for peers and batch views
    prevalence: list[PrevalenceResult] = field(default_factory=list)
    costs: list[CostResult] = field(default_factory=list)
    agencies: AgencyResult | None = None  # merged, pseudonymised agency client records
    inputs: list[InputFile] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    packs: dict[str, Pack] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def area_name(self) -> str:
        if self.population is not None and len(self.population.frame):
            return str(self.population.frame["area_name"].iloc[0])
        return self.config.area

    @property
    def area_code(self) -> str:
        if self.population is not None and len(self.population.frame):
            return str(self.population.frame["area_code"].iloc[0])
        return ""

    @property
    def pack_dirs(self) -> list[Path]:
        return [self.config.resolve(d) for d in self.config.section("prevalence").get("pack_dirs", [])]

    def use_pack(self, ref: str, kind: Kind) -> Pack:
        """Load a pack once per run, from the shipped packs or the config's pack_dirs."""
        if ref in self.packs:
            return self.packs[ref]
        pack = load_pack(ref, extra_dirs=self.pack_dirs, kind=kind)
        self.packs[pack.id] = pack
        return pack


Stage = Callable[[Assessment], None]


CLIENTS_KEYS = {"secret_file", "as_of", "merged"}


def agencies_stage(assessment: Assessment) -> None:
    """Read every [[agencies]] file into one pseudonymised client table, accounting for every row."""
    import datetime as dt

    from needsassess.clients.agencies import mappings_from_entries, merge_agencies
    from needsassess.clients.merge import load_secret

    config = assessment.config
    entries = config.raw.get("agencies")
    if not entries:
        return
    settings = config.section("clients")
    unknown = sorted(set(settings) - CLIENTS_KEYS)
    if unknown:
        raise ConfigError(
            config.path,
            [
                Problem(
                    "unknown-key",
                    f"[clients] has no setting {k}; expected one of " + ", ".join(sorted(CLIENTS_KEYS)),
                )
                for k in unknown
            ],
        )
    as_of = settings.get("as_of")
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            pass
    if as_of is not None and not isinstance(as_of, dt.date):
        raise config.error("bad-value", f"[clients] as_of = {as_of!r}; expected a date such as 2016-04-30")
    mappings, mapping_files = mappings_from_entries(entries, config.path)
    secret_file = settings.get("secret_file")
    secret = load_secret(config.resolve(secret_file) if secret_file else None)
    result = merge_agencies(mappings, secret, as_of=as_of)
    assessment.agencies = result
    for path in mapping_files:
        assessment.inputs.append(InputFile("agency mapping", path))
    for mapping, account in zip(mappings, result.reconciliation.files, strict=True):
        sheet = f', sheet "{account.sheet}"' if account.sheet else ""
        assessment.inputs.append(
            InputFile(
                "agency data",
                mapping.file,
                f"{account.agency}{sheet}: {account.rows_read} rows read, {account.rows_used} used, "
                f"{account.rows_rejected} rejected, {account.rows_set_aside} set aside",
            )
        )
    rejected = sum(f.rows_rejected for f in result.reconciliation.files)
    if rejected:
        assessment.warnings.append(
            f"{rejected} agency row{'s' if rejected != 1 else ''} rejected; the Data quality sheet lists "
            "each with its file, row and reason"
        )


def population_stage(assessment: Assessment) -> None:
    config = assessment.config
    if config.population_nomis:
        everything = _population_from_nomis(assessment)
        assessment.all_areas = everything
        assessment.population = select_area(everything, config.area)
        return
    if config.population_file is None:
        raise config.error("missing-key", '[population] needs file = "<path>"')
    everything = read_population(
        config.population_file, sheet=config.population_sheet, year=config.population_year
    )
    assessment.all_areas = everything
    assessment.population = select_area(everything, config.area)
    years = everything.years
    assessment.inputs.append(
        InputFile(
            "population",
            config.population_file,
            f"{everything.layout} layout, mid-{years[0] if years else 'year not stated'}, "
            f"{len(everything.areas)} areas",
        )
    )


def _population_from_nomis(assessment: Assessment) -> Population:
    """`population = { nomis = CODE, year = Y }`: the ONS estimates from NOMIS, or the cached copy offline."""
    from needsassess.http import Fetcher
    from needsassess.nomis import DATASET, OFFLINE_HINT, SOURCE_TITLE, fetch_population
    from needsassess.population import population_from_frame

    config = assessment.config
    assert config.population_nomis is not None
    with Fetcher(cache_dir=config.cache_dir, offline=config.offline, offline_hint=OFFLINE_HINT) as fetcher:
        fetched = fetch_population(config.population_nomis, config.population_year, fetcher=fetcher)
        cached_body = fetcher.cache_paths(fetched.sources[0]["url"])[0]
    assessment.downloads.append(
        Download(
            "population",
            SOURCE_TITLE,
            f"{fetched.area.name} ({fetched.area.code}), mid-{fetched.year}, {fetched.total:,} people",
            fetched.sources,
        )
    )
    return population_from_frame(fetched.frame, cached_body, f"nomis-api {DATASET}")


def prevalence_stage(assessment: Assessment) -> None:
    section = assessment.config.section("prevalence")
    if section.get("enabled", True) is False:
        return
    packs = section.get("packs", ["csew-2015-16to59"])
    if isinstance(packs, str):
        packs = [packs]
    ages: dict[str, str] = section.get("ages", {})
    if not isinstance(ages, dict):
        raise assessment.config.error(
            "bad-value", '[prevalence] ages must be a table such as { "nspcc-radford-2011" = "0-15" }'
        )
    try:
        rounding = parse_rounding(section.get("rounding"))
    except ConfigError as exc:
        raise ConfigError(
            assessment.config.path, [Problem(p.slug, f"[prevalence] {p.message}") for p in exc.problems]
        ) from None
    assert assessment.population is not None
    for ref in packs:
        pack = assessment.use_pack(ref, Kind.PREVALENCE)
        result = estimate_prevalence(assessment.population, pack, ages.get(pack.id), rounding)
        assessment.prevalence.append(result)
        _warn_if_not_verified(assessment, pack)


def _warn_if_not_verified(assessment: Assessment, pack: Pack) -> None:
    if not pack.all_verified:
        assessment.warnings.append(
            f'pack "{pack.id}" includes figures not seen in the primary publication '
            f"({', '.join(s for s in pack.statuses if s != 'verified')}); the Sources sheet marks them"
        )


COST_KEYS = {
    "enabled",
    "per_victim_pack",
    "victims_from",
    "crimes",
    "crimes_sheet",
    "per_crime_pack",
    "price_year",
    "deflators",
}
PER_VICTIM_PACK = "ho-horr107-2019"
PER_CRIME_PACK = "ho-horr99-2018"


def cost_stage(assessment: Assessment) -> None:
    """Cost per victim (from the prevalence estimates) and per recorded crime (from [cost] crimes)."""
    config = assessment.config
    section = config.section("cost")
    if not section or section.get("enabled", True) is False:
        return
    unknown = sorted(set(section) - COST_KEYS)
    if unknown:
        raise ConfigError(
            config.path,
            [
                Problem(
                    "unknown-key",
                    f"[cost] has no setting {k}; expected one of " + ", ".join(sorted(COST_KEYS)),
                )
                for k in unknown
            ],
        )
    price_year = section.get("price_year")
    deflators = _deflators(assessment, price_year, section.get("deflators"))
    per_victim_pack = section.get("per_victim_pack", PER_VICTIM_PACK)
    if per_victim_pack and assessment.prevalence:
        pack = assessment.use_pack(per_victim_pack, Kind.UNIT_COSTS)
        assessment.costs.append(
            cost_victims(assessment, pack, price_year, deflators, section.get("victims_from"))
        )
    crimes = section.get("crimes")
    if crimes:
        path = config.resolve(crimes)
        if not path.is_file():
            raise config.error("missing-file", f"[cost] crimes file {crimes} not found (looked in {path})")
        counts = read_crime_counts(path, section.get("crimes_sheet"))
        assessment.inputs.append(
            InputFile(
                "crimes", path, f"{len(counts)} rows, {counts['count'].sum():,.0f} crimes by offence type"
            )
        )
        pack = assessment.use_pack(section.get("per_crime_pack", PER_CRIME_PACK), Kind.UNIT_COSTS)
        result = cost_per_crime(
            counts, pack, population=_residents(assessment), price_year=price_year, deflators=deflators
        )
        assessment.costs.append(result)
        if len(result.not_costed):
            assessment.warnings.append(
                f'{result.not_costed["count"].sum():,.0f} crimes of types pack "{pack.id}" does not cost are '
                "listed as not costed on the Cost sheet"
            )
    for pack_id in dict.fromkeys(r.pack_id for r in assessment.costs):
        _warn_if_not_verified(assessment, assessment.packs[pack_id])


def cost_victims(
    assessment: Assessment,
    pack: Pack,
    price_year: Any = None,
    deflators: Pack | None = None,
    victims_from: str | None = None,
) -> CostResult:
    """The per-victim cost of the victims estimated by the prevalence stage (one pack's last-year estimates)."""
    results = assessment.prevalence
    if victims_from is not None:
        results = [r for r in results if r.pack.id == victims_from]
        if not results:
            raise assessment.config.error(
                "bad-value",
                f'[cost] victims_from = "{victims_from}" is not one of the prevalence packs: '
                + ", ".join(r.pack.id for r in assessment.prevalence),
            )
    if not results:
        raise assessment.config.error(
            "missing-key", "the per-victim method needs prevalence estimates: add a [prevalence] pack"
        )
    victims, described = victims_from_prevalence(results[0])
    return cost_per_victim(
        victims,
        pack,
        population=_residents(assessment),
        price_year=price_year,
        deflators=deflators,
        counts_source=described,
    )


def residents(population: Population) -> float:
    """All residents of the area, all ages: the denominator of cost per head."""
    return float(population_in_ages(population, 0, MAX_AGE))


def _residents(assessment: Assessment) -> float | None:
    return residents(assessment.population) if assessment.population is not None else None


def _deflators(assessment: Assessment, price_year: Any, ref: str | None) -> Pack | None:
    """The deflator pack for an uplift (registered so Sources lists it); None without a price year."""
    if price_year is None:
        return None
    pack = find_deflators(ref, assessment.pack_dirs)
    if pack is not None:
        assessment.packs.setdefault(pack.id, pack)
    return pack


STAGES: list[Stage] = [population_stage, prevalence_stage, cost_stage, agencies_stage]
PREVALENCE_STAGES: list[Stage] = [population_stage, prevalence_stage]


def run_assessment(config: AssessmentConfig, stages: list[Stage] | None = None) -> Assessment:
    """Run every stage in order and return the result; nothing is written."""
    assessment = Assessment(config=config, created=datetime.now(UTC))
    for stage in stages or STAGES:
        stage(assessment)
    return assessment


def write_workbook_file(assessment: Assessment, path: Path, force: bool = False) -> Path:
    """Write the needs-assessment workbook alone."""
    from needsassess.report.sheets import build_cover, build_sheets
    from needsassess.report.workbook import write_workbook

    cover, sheets = build_cover(assessment), build_sheets(assessment)
    return write_atomic(path, lambda tmp: write_workbook(tmp, cover, sheets), force)


# Writers run by `needsassess run`, each given (assessment, out_dir, force) and returning the paths written.
Writer = Callable[[Assessment, Path, bool], list[Path]]


def _workbook_writer(assessment: Assessment, out_dir: Path, force: bool) -> list[Path]:
    path = out_dir / f"{_slug(assessment.area_name)}_needs_assessment.xlsx"
    return [write_workbook_file(assessment, path, force)]


def _draft_writer(assessment: Assessment, out_dir: Path, force: bool) -> list[Path]:
    """The strategy draft in each format of [draft] formats (Markdown, HTML and Word by default)."""
    from needsassess.report.draft import DraftOptions, write_drafts

    options = DraftOptions.from_config(assessment.config)
    if not options.enabled:
        return []
    return write_drafts(assessment, options, out_dir / f"{_slug(assessment.area_name)}_draft", force)


def _merged_clients_writer(assessment: Assessment, out_dir: Path, force: bool) -> list[Path]:
    """[clients] merged = "clients.parquet": the merged pseudonymised client table, beside the workbook."""
    from needsassess.report.clients import write_merged

    name = assessment.config.section("clients").get("merged")
    if not name or assessment.agencies is None:
        return []
    return [write_merged(assessment.agencies.clients, out_dir / str(name), force)]


WRITERS: list[Writer] = [_workbook_writer, _merged_clients_writer, _draft_writer]


def write_outputs(assessment: Assessment, out_dir: Path, force: bool = False) -> list[Path]:
    """Check every output can be written, then write them all and the manifest into out_dir."""
    from needsassess.report.draft import DraftOptions

    DraftOptions.from_config(assessment.config)  # a bad [draft] section fails before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    if manifest_path.exists() and not force:
        raise OutputError(
            f"{out_dir} already holds an assessment ({manifest_path.name}); use --force to overwrite it"
        )
    written: list[Path] = []
    for writer in WRITERS:
        written += writer(assessment, out_dir, force)
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


def summary_lines(assessment: Assessment) -> list[str]:
    """A few lines for the terminal after a run: what was estimated and anything to check."""
    lines = [f"{assessment.config.title}", f"Area: {assessment.area_name} ({assessment.area_code})"]
    for d in assessment.downloads:
        if d.from_cache:
            why = "offline" if assessment.config.offline else "cache"
            lines.append(f"{d.role.capitalize()}: {d.detail}; cached copy ({why}), retrieved {d.retrieved}")
        else:
            lines.append(f"{d.role.capitalize()}: {d.detail}; downloaded {d.retrieved}")
    for result in assessment.prevalence:
        for measure in ("da_last_year", "da_since_16"):
            women, men = result.headline(measure, "female"), result.headline(measure, "male")
            if women is not None and men is not None:
                label = result.estimates.loc[result.estimates["measure"] == measure, "label"].iloc[0]
                lines.append(f"  {label}: {women:,.0f} women and {men:,.0f} men ({result.pack.id})")
    for cost in assessment.costs:
        per_head = f", £{cost.per_head_gbp:,.2f} per head" if cost.per_head_gbp is not None else ""
        lines.append(
            f"  Cost, {METHOD_LABELS[cost.method]}: £{cost.total_gbp:,.0f}{per_head} "
            f"({cost.price_year} prices, {cost.pack_id})"
        )
    if assessment.agencies is not None:
        files = assessment.agencies.reconciliation.files
        people = assessment.agencies.people
        victims = people[(people["agency"] == "All agencies") & (people["record_type"] == "victim")]
        lines.append(
            f"  Agencies: {len({f.file for f in files})} files ({len(files)} tables), "
            f"{sum(f.rows_read for f in files):,} rows read, "
            f"{sum(f.rows_used for f in files):,} used, {sum(f.rows_rejected for f in files):,} rejected, "
            f"{sum(f.rows_set_aside for f in files):,} set aside"
            + (f"; {int(victims['people'].iloc[0]):,} people" if len(victims) else "")
        )
    lines += [f"Warning: {w}" for w in assessment.warnings]
    return lines


def _slug(text: str) -> str:
    return "".join(c.lower() if c.isalnum() else "_" for c in text).strip("_") or "assessment"
