"""One reproducible run: config -> stages -> an Assessment result -> writers -> manifest.

Stages are small functions run in order; each reads its section of assessment.toml, computes with the
pure estimators and stores its result on the Assessment. Writers only read the Assessment. To add a
capability: write a stage function, append it to STAGES, add a field for its result, and add a sheet
builder in report/sheets.py (see README, "Architecture").
"""

from __future__ import annotations

import json
import numbers
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.assessment import Assessment, Download, InputFile, Stage
from needsassess.client_profile import (
    PublishedProfile,
    parse_population_shares,
    population_shares_from,
    profile_clients,
    publish_profile,
)
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
from needsassess.disclosure import Rule
from needsassess.errors import ConfigError, OutputError, Problem
from needsassess.outputs import sha256_file, write_atomic, write_text
from needsassess.packs import MAX_AGE, Kind, Pack
from needsassess.police.stage import large_inputs, police_stage, start_police
from needsassess.population import Population, population_in_ages, read_population, select_area
from needsassess.prevalence import estimate_prevalence
from needsassess.rounding import parse_rounding
from needsassess.tables import prefetch

if TYPE_CHECKING:
    import pandas as pd


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
        assessment.warn_if_not_verified(pack)


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
        assessment.warn_if_not_verified(assessment.packs[pack_id])


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


def profile_stage(assessment: Assessment) -> None:
    """Needs profile of victims and perpetrators and the Part 4 tables, published through disclosure control."""
    section = assessment.config.section("profile")
    if section.get("enabled", True) is False:
        return
    clients = assessment.clients
    if clients is None or clients.empty:
        return
    try:
        population = parse_population_shares(section.get("population_shares", {}))
    except ConfigError as exc:
        raise ConfigError(
            assessment.config.path, [Problem(p.slug, f"[profile] {p.message}") for p in exc.problems]
        ) from None
    if assessment.population is not None:
        known = {p.column for p in population}
        population = [
            p for p in population_shares_from(assessment.population.frame) if p.column not in known
        ] + population
    rule = assessment.disclosure_rule
    assessment.client_profile = profile_clients(clients, population)
    assessment.published_profile = publish_profile(assessment.client_profile, rule)
    assessment.suppression_log.extend(assessment.published_profile.log)


PREVALENCE_STAGES: list[Stage] = [population_stage, prevalence_stage]


def prepare_charts(assessment: Assessment) -> None:
    """Have the second process import the plotting library next, after reading the police extract and
    while the agency and profile stages run here: the draft's charts are drawn there once the stages end."""
    from needsassess import background

    if assessment.config.section("draft").get("enabled", True) is not False:
        from needsassess.report.charts import PLOTTING_MODULES

        background.warm_up(*PLOTTING_MODULES)


def provision_stage(assessment: Assessment) -> None:
    """Expected provision from a benchmarks pack against [provision] (skipped when there is no [provision])."""
    from needsassess.provision import STATED_KEYS, assess_provision, check_stated
    from needsassess.report.provision_sheets import provision_sheet_for
    from needsassess.report.publish import publish_sheet

    config = assessment.config
    section = config.section("provision")
    if not section or section.get("enabled", True) is False:
        return
    stated, problems = check_stated(section)
    allowed = {"enabled", "pack", "period", *STATED_KEYS}
    for key in section:
        if key not in allowed:
            problems.append(
                Problem(
                    "unknown-key",
                    f'[provision] unknown key "{key}"; expected one of ' + ", ".join(sorted(allowed)),
                )
            )
    if problems:
        raise ConfigError(config.path, problems)
    assert assessment.population is not None
    pack = assessment.use_pack(str(section.get("pack", "safelives-benchmarks")), Kind.BENCHMARKS)
    counted = {k: v for k, v in _agency_volumes(assessment).items() if k not in stated}
    period = str(section.get("period", "") or (assessment.police.current.label if assessment.police else ""))
    assessment.provision = assess_provision(assessment.population, pack, stated | counted, period)
    for item in counted:
        what = "MARAC cases" if item == "marac_cases" else "IDVA referrals"
        assessment.provision.notes.append(
            f"Actual {what}: counted from the agency data (victims' referrals to the "
            f"{'MARAC' if item == 'marac_cases' else 'IDVA service'}{' in ' + period if period else ''}), "
            f"as {item} is not stated in [provision]."
        )
    publish_sheet(
        assessment, "provision", provision_sheet_for(assessment.provision, assessment.disclosure_rule)
    )
    if not pack.all_verified:
        assessment.warnings.append(
            f'pack "{pack.id}" includes figures not seen in the primary publication '
            f"({', '.join(s for s in pack.statuses if s != 'verified')}); the Sources sheet marks them"
        )


def reach_stage(assessment: Assessment) -> None:
    """The funnel from estimated victims to people supported, from whichever stages ran."""
    from needsassess.provision import build_reach
    from needsassess.report.provision_sheets import reach_sheet_for
    from needsassess.report.publish import publish_sheet

    steps, why = reach_steps(assessment)
    if sum(1 for s in steps.values() if s is not None) < 2:
        return
    assessment.reach = build_reach(assessment.area_name, steps, why)
    publish_sheet(assessment, "reach", reach_sheet_for(assessment.reach, assessment.disclosure_rule))


def reach_steps(assessment: Assessment) -> tuple[dict[str, Any], dict[str, str]]:
    """Each step of the reach funnel from the stages that ran (None where a stage did not), and why not."""
    from needsassess.provision import ReachStep
    from needsassess.rounding import round_for_publication

    steps: dict[str, Any] = {}
    why: dict[str, str] = {}
    estimated = None
    for result in assessment.prevalence:
        rows = result.estimates[
            (result.estimates["measure"] == "da_last_year") & (result.estimates["method"] == "single rate")
        ]
        rows = (
            rows[rows["sex"].isin(["female", "male"])] if rows["sex"].isin(["female", "male"]).any() else rows
        )
        if len(rows):
            value = float(rows["estimate"].sum())
            estimated = ReachStep(
                "estimated",
                "Estimated victims in the last year",
                f"residents aged {result.ages.label} estimated to have experienced domestic abuse in the last "
                f"year (national survey rate x local population, {result.pack.meta.get('period', '')})",
                value,
                f"{result.pack.citation()} [{result.pack.id}]",
                is_estimate=True,
                rounded=round_for_publication(value, result.rounding),
            )
            break
    steps["estimated"] = estimated
    if estimated is None:
        why["estimated"] = "no prevalence pack with domestic abuse in the last year was applied"
    police = assessment.police
    if police is not None:
        keyed = police.figures["keyed_incidents"] > 0
        steps["police"] = ReachStep(
            "police",
            "Reported to the police",
            (
                f"victims (people, all ages) of domestic abuse incidents and crimes recorded in {police.current.label}"
                if keyed
                else f"domestic abuse incidents and crimes recorded in {police.current.label} (no victim key, "
                "so incidents, not people)"
            ),
            float(police.figures["victims" if keyed else "incidents"]),
            police.source,
        )
    else:
        steps["police"] = None
        why["police"] = "no police extract was given ([police])"
    agency = _agency_reach(assessment)
    stated = assessment.config.section("provision")
    for key, stated_key, label, counts in (
        (
            "referred",
            "people_referred",
            "Referred to specialist services",
            "people referred to specialist services",
        ),
        (
            "supported",
            "people_supported",
            "Supported by specialist services",
            "people supported by specialist services",
        ),
    ):
        if agency.get(key) is not None:
            steps[key] = agency[key]
        elif isinstance(stated.get(stated_key), int | float) and not isinstance(stated.get(stated_key), bool):
            period = f" in {stated['period']}" if stated.get("period") else " in the year"
            steps[key] = ReachStep(
                key,
                label,
                counts + period,
                float(stated[stated_key]),
                "stated in assessment.toml ([provision])",
            )
        else:
            steps[key] = None
            why[key] = f"no agency data, and no {stated_key} stated in [provision]"
    return steps, why


# Services whose referrals count as "referred to specialist services" in the reach funnel.
SPECIALIST_SERVICES = ("outreach", "idva", "refuge", "marac")


def _agency_victims(assessment: Assessment) -> tuple[Any, str] | None:
    """Victims' referrals in the agency data, within the police year when there is one, and that year's words."""
    import pandas as pd

    if assessment.agencies is None or assessment.agencies.clients.empty:
        return None
    clients = assessment.agencies.clients
    victims = clients[clients["record_type"] == "victim"]
    if assessment.police is None:
        return victims, ""
    period = assessment.police.current
    dates = pd.to_datetime(victims["referral_date"])
    within = (dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))
    return victims[within], f" in {period.label}"


def _agency_reach(assessment: Assessment) -> dict[str, Any]:
    """People referred to and supported by specialist services, from the agency stage when it has run."""
    from needsassess.provision import ReachStep

    found = _agency_victims(assessment)
    if found is None:
        return {}
    victims, when = found
    specialist = victims[victims["service_type"].isin(SPECIALIST_SERVICES)]
    if specialist.empty:
        return {}
    supported = specialist[specialist["referral_outcome"] != "unable_to_support"]
    source = "agency data ([[agencies]])"
    return {
        "referred": ReachStep(
            "referred",
            "Referred to specialist services",
            f"people referred to outreach, IDVA, refuge or MARAC{when} (a person referred to several counts once)",
            float(specialist["client_key"].nunique()),
            source,
        ),
        "supported": ReachStep(
            "supported",
            "Supported by specialist services",
            f"people referred{when} with a referral not recorded as unable to support (services that record "
            "no outcome count everyone referred)",
            float(supported["client_key"].nunique()),
            source,
        ),
    }


def _agency_volumes(assessment: Assessment) -> dict[str, float]:
    """MARAC cases and IDVA referrals counted from the agency data (victims' referrals, in the police year)."""
    found = _agency_victims(assessment)
    if found is None:
        return {}
    victims, _when = found
    volumes = {}
    for item, service in (("marac_cases", "marac"), ("idva_referrals", "idva")):
        n = int((victims["service_type"] == service).sum())
        if n:
            volumes[item] = float(n)
    return volumes


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
    if assessment.published_profile is not None:
        from needsassess.client_profile import headline_lines

        published = assessment.published_profile
        lines += [f"  {line}" for line in headline_lines(published) if "(all agencies, people)" in line]
        lines.append(
            f"  Needs profile: {len(published.tables)} tables, {len(published.log):,} cells suppressed "
            f"(preset {published.rule.name}); the Notes sheet lists each"
        )
    if assessment.police is not None:
        lines.append("  " + _police_line(assessment))
    lines += [f"Warning: {w}" for w in assessment.warnings]
    return lines


def _police_line(assessment: Assessment) -> str:
    """The police headline as the workbook publishes it (after disclosure control)."""
    assert assessment.police is not None
    summary = assessment.published["police"].tables[0].frame.set_index("Measure")
    row = summary.loc["Domestic abuse incidents and crimes"]
    number, rate = row["Number"], row["Per 1,000 aged 16+"]
    shown = f"{number:,}" if isinstance(number, numbers.Integral) else str(number)
    per = f"{rate:.1f}" if isinstance(rate, numbers.Real) else str(rate)
    return (
        f"Police, {assessment.police.current.label}: {shown} domestic abuse incidents and crimes, "
        f"{per} per 1,000 residents aged 16+"
    )


def _slug(text: str) -> str:
    return "".join(c.lower() if c.isalnum() else "_" for c in text).strip("_") or "assessment"
