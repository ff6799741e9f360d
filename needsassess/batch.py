"""Every area in a national population file at once: estimates, rates per 1,000, ranks and peers.

Regional and national analysts compare dozens or hundreds of areas. The batch reads the file once and
applies each pack's rates to every area in one vectorised pass (prevalence.plan_rates and apply_rates,
the same arithmetic as the single-area estimate), then ranks the local authorities and sets each beside
the other areas of its region.

Which rows are local authorities: GSS codes (and the file's Geography column, where it has one) tell
countries (E92, W92 ...), regions (E12) and counties (E10, E11, E13) from the authorities that make them up;
aggregates are estimated too but not ranked with the authorities, so nobody is counted twice.

Regions: the ONS mid-year-estimate file lists each region's row followed by the areas in it (and Wales
after its country row), so an area's region is the last region or country row above it. That needs no
download and works offline for the files ONS publishes. A lookup csv (area_code, region_code, region_name)
overrides it, for files without region rows (tidy, NOMIS) or for other peer groups (police force areas,
combined authorities).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from needsassess.errors import InputError, PackError, Problem
from needsassess.packs import MAX_AGE, AgeBand, Pack
from needsassess.population import Population, populations_in_bands
from needsassess.prevalence import SINGLE_RATE, apply_rates, plan_rates
from needsassess.rounding import DEFAULT_ROUNDING, RoundingRule, round_for_publication
from needsassess.tables import find_header_row, is_blank, normalise_header, read_grid

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.assessment import InputFile
    from needsassess.costs import CostResult

LOCAL_AUTHORITY = "local authority"
COUNTY = "county"
REGION = "region"
COUNTRY = "country"
_PREFIX_LEVELS = {
    **dict.fromkeys(("K02", "K03", "K04", "E92", "W92", "S92", "N92"), COUNTRY),
    "E12": REGION,
    **dict.fromkeys(("E10", "E11", "E13"), COUNTY),
}
_GEOGRAPHY_LEVELS = {
    "country": COUNTRY,
    "region": REGION,
    "county": COUNTY,
    "metropolitan county": COUNTY,
    "inner london": COUNTY,
    "outer london": COUNTY,
}
DEFAULT_MEASURE = "da_last_year"
COSTED_MEASURE = "da_last_year"  # the measure per-victim unit costs are for (Home Office RR107)
DEFAULT_COST_PACK = "ho-horr107-2019"
NO_REGION = "Not assigned"

AREA_COLUMNS = [
    "area_code",
    "area_name",
    "geography",
    "level",
    "region_code",
    "region_name",
    "population_all_ages",
]


def area_level(code: str, geography: str = "") -> str:
    """'local authority', 'county', 'region' or 'country', from the GSS code or the file's Geography."""
    by_geography = _GEOGRAPHY_LEVELS.get(" ".join(str(geography).lower().split()))
    return by_geography or _PREFIX_LEVELS.get(str(code).strip()[:3].upper(), LOCAL_AUTHORITY)


@dataclass
class PackComparison:
    """One pack's figures for every area: the long estimates and the one-row-per-area comparison."""

    pack: Pack
    measure: str
    label: str
    ages: AgeBand
    estimates: pd.DataFrame  # area_code, area_name + prevalence.ESTIMATE_COLUMNS, every area
    areas: pd.DataFrame  # one row per area (all levels): populations, estimates, per 1,000, rank
    not_estimated: list[tuple[str, str]] = field(default_factory=list)

    @property
    def costed(self) -> bool:
        return "cost_gbp" in self.areas.columns

    @property
    def local_authorities(self) -> pd.DataFrame:
        return self.areas[self.areas["level"] == LOCAL_AUTHORITY].sort_values(["rank", "area_name"])

    @property
    def aggregates(self) -> pd.DataFrame:
        return self.areas[self.areas["level"] != LOCAL_AUTHORITY]

    @property
    def regions(self) -> pd.DataFrame:
        """Each region's local authorities added up: population, estimate, per 1,000 and rank."""
        return _region_summary(self.local_authorities)

    @property
    def peers(self) -> pd.DataFrame:
        """Each local authority beside its region: per 1,000, the region's, the difference, rank in region."""
        return _peers(self.local_authorities, self.regions)


@dataclass
class BatchResult:
    """Every area of one population file, estimated with one or more packs."""

    population: Population
    areas: pd.DataFrame  # AREA_COLUMNS, in file order
    comparisons: list[PackComparison]
    rounding: RoundingRule
    regions_from: str  # "file order", "lookup <name>" or "" (no regions known)
    # The per-victim cost of one victim (pack, price year, uplift, caveats); None when not costed.
    unit_cost: CostResult | None = None
    warnings: list[str] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def year(self) -> int | None:
        years = self.population.years
        return years[0] if years else None

    @property
    def packs(self) -> list[Pack]:
        """Every pack used: prevalence, then unit costs and deflators (for the Sources sheet)."""
        used = [c.pack for c in self.comparisons]
        if self.unit_cost is not None:
            used += [self.unit_cost.pack] + ([self.unit_cost.deflators] if self.unit_cost.deflators else [])
        return used

    @property
    def prevalence_packs(self) -> list[Pack]:
        return [c.pack for c in self.comparisons]

    @property
    def has_regions(self) -> bool:
        return bool(self.regions_from)

    def all_estimates(self) -> pd.DataFrame:
        """Every estimate for every area and pack, long, with the area's level and region."""
        import pandas as pd

        info = self.areas.set_index("area_code")[["level", "region_code", "region_name"]]
        frames = [c.estimates.join(info, on="area_code") for c in self.comparisons]
        return pd.concat(frames, ignore_index=True).assign(year=self.year)

    def summary_lines(self) -> list[str]:
        """A few lines for the terminal: how many areas, and the highest and lowest per 1,000."""
        lines = []
        for c in self.comparisons:
            local = c.local_authorities
            lines.append(
                f"{c.pack.id}: {c.label.lower()}, {len(local)} local authorities, "
                f"{local['rounded_total'].sum():,.0f} estimated victims in all"
            )
            for title, row in (("highest", local.iloc[0]), ("lowest", local.iloc[-1])) if len(local) else ():
                lines.append(
                    f"  {title} per 1,000 residents: {row['area_name']} ({row['area_code']}), "
                    f"{row['per_1000']:.1f} per 1,000, about {row['rounded_total']:,.0f}"
                    + (f", £{row['cost_per_head_gbp']:,.2f} per head" if c.costed else "")
                )
            if c.costed and self.unit_cost is not None:
                lines.append(
                    f"  cost: £{local['cost_gbp'].sum():,.0f} in all ({self.unit_cost.price_year} prices, "
                    f"{self.unit_cost.pack.id})"
                )
        lines += [f"Warning: {w}" for w in self.warnings]
        return lines


def read_region_lookup(path: str | Path) -> pd.DataFrame:
    """Read a lookup of area_code, region_code, region_name (csv or spreadsheet); the header is found."""
    import pandas as pd

    grid = read_grid(path)
    wanted = ("area_code", "region_code", "region_name")
    header = find_header_row(grid, lambda cells: len(set(cells) & set(wanted)), min_score=3)
    if header is None:
        raise grid.error(
            Problem("missing-column", "no header row with area_code, region_code and region_name")
        )
    cols = {normalise_header(c): j for j, c in enumerate(grid.rows[header]) if not is_blank(c)}
    records: list[tuple[str, str, str]] = []
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}
    for i in range(header + 1, len(grid.rows)):
        row = grid.rows[i]
        values = [str(row[cols[w]]).strip() if cols[w] < len(row) else "" for w in wanted]
        if not any(values):
            continue
        area, region_code, region_name = values
        if not area or not (region_code or region_name):
            problems.append(
                Problem("missing-value", "needs an area_code and a region_code or region_name", i + 1)
            )
            continue
        region = (region_code or region_name, region_name or region_code)
        if seen.get(area, region) != region:
            problems.append(
                Problem(
                    "two-regions",
                    f"area {area} is in two regions ({seen[area][0]} and {region[0]})",
                    i + 1,
                    "region_code",
                )
            )
        seen[area] = region
        records.append((area, *region))
    if problems:
        raise grid.error(problems)
    return pd.DataFrame.from_records(records, columns=list(wanted)).drop_duplicates("area_code")


def list_areas(population: Population, lookup: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """The file's areas in file order with level, region and total population; and how regions were found."""
    import pandas as pd

    listing = population.listing
    if listing is None:
        listing = population.areas.assign(geography="")
    frame = listing.copy()
    frame["level"] = [area_level(c, g) for c, g in zip(frame["area_code"], frame["geography"], strict=True)]
    codes, totals = populations_in_bands(population, [(0, MAX_AGE, None)])
    frame["population_all_ages"] = frame["area_code"].map(dict(zip(codes, totals[:, 0], strict=True)))
    if lookup is not None:
        by_code = lookup.set_index("area_code")
        frame["region_code"] = frame["area_code"].map(by_code["region_code"])
        frame["region_name"] = frame["area_code"].map(by_code["region_name"])
        how = "lookup"
    else:
        region_codes, region_names = [], []
        current: tuple[str | None, str | None] = (None, None)
        for code, name, level in zip(frame["area_code"], frame["area_name"], frame["level"], strict=True):
            if level in (REGION, COUNTRY):
                current = (str(code), str(name))
            region_codes.append(current[0])
            region_names.append(current[1])
        frame["region_code"], frame["region_name"] = region_codes, region_names
        has_regions = frame.loc[frame["level"] == LOCAL_AUTHORITY, "region_code"].notna().any()
        how = "file order" if has_regions else ""
    for col in ("region_code", "region_name"):
        frame[col] = frame[col].astype("string")
    frame["population_all_ages"] = pd.array(frame["population_all_ages"], dtype="int64")
    return frame[AREA_COLUMNS].reset_index(drop=True), how


def estimate_every_area(
    population: Population,
    packs: Sequence[Pack],
    *,
    ages: str | AgeBand | None = None,
    rounding: RoundingRule = DEFAULT_ROUNDING,
    measure: str | None = None,
    regions: pd.DataFrame | None = None,
    regions_name: str = "",
    cost_pack: Pack | None = None,
    price_year: str | None = None,
    deflators: Pack | None = None,
    on_step: Callable[[str], None] | None = None,
) -> BatchResult:
    """Estimate prevalence for every area of `population` with each pack, in one pass per pack.

    `measure` is the one compared across areas (default: domestic abuse in the last year, or the pack's
    first measure if it has none). `regions` is an optional lookup from read_region_lookup.
    With `cost_pack` (per-victim unit costs), each area's estimated victims of domestic abuse in the last
    year are costed as costs.cost_per_victim does for one area, and divided by all its residents for
    the cost per head. `on_step(description)` is called before each pack, for a progress bar.
    """
    if not packs:
        raise PackError(None, Problem("no-packs", "give at least one prevalence pack"))
    areas, how = list_areas(population, regions)
    warnings = []
    if regions is not None:
        how = f"lookup {regions_name}".strip()
        missing = areas[(areas["level"] == LOCAL_AUTHORITY) & areas["region_code"].isna()]
        if len(missing):
            shown = ", ".join(missing["area_code"].head(5))
            warnings.append(
                f"{len(missing)} area{'s are' if len(missing) != 1 else ' is'} not in the region lookup "
                f"({shown}{', ...' if len(missing) > 5 else ''}); shown as {NO_REGION.lower()}"
            )
    areas["region_code"] = areas["region_code"].fillna(NO_REGION)
    areas["region_name"] = areas["region_name"].fillna(NO_REGION)
    unit_cost = None
    if cost_pack is not None:
        from needsassess.costs import cost_per_victim

        # Cost is linear in victims: the cost of one victim, times each area's estimated victims.
        unit_cost = cost_per_victim(1.0, cost_pack, price_year=price_year, deflators=deflators)
    comparisons = []
    for pack in packs:
        if on_step is not None:
            on_step(f"Estimating {pack.id}")
        comparison = _compare(population, areas, pack, ages, rounding, measure)
        if unit_cost is not None:
            if comparison.measure == COSTED_MEASURE:
                comparison.areas["cost_gbp"] = comparison.areas["estimate_total"] * unit_cost.total_gbp
                comparison.areas["cost_per_head_gbp"] = (
                    comparison.areas["cost_gbp"] / comparison.areas["population_all_ages"]
                )
            else:
                warnings.append(
                    f"not costed for {pack.id}: per-victim costs are for {COSTED_MEASURE.replace('_', ' ')}, "
                    f"not {comparison.measure.replace('_', ' ')}"
                )
        comparisons.append(comparison)
    result = BatchResult(population, areas, comparisons, rounding, how, unit_cost, warnings)
    for pack in result.packs:
        if not pack.all_verified:
            others = ", ".join(s for s in pack.statuses if s != "verified")
            warnings.append(
                f'pack "{pack.id}" includes figures not seen in the primary publication ({others}); '
                "the Sources sheet marks them"
            )
    return result


def _compare(
    population: Population,
    areas: pd.DataFrame,
    pack: Pack,
    ages: str | AgeBand | None,
    rounding: RoundingRule,
    measure: str | None,
) -> PackComparison:
    import numpy as np

    plan = plan_rates(pack, ages)
    _check_every_area_has_ages(population, plan.band, pack)
    codes, counts = populations_in_bands(population, plan.population_bands)
    estimates = apply_rates(plan, counts, rounding)
    names = population.frame.drop_duplicates("area_code").set_index("area_code")["area_name"]
    code_of = np.array(codes, dtype=object)
    estimates.insert(0, "area_code", code_of[estimates.pop("area").to_numpy()])
    estimates.insert(1, "area_name", estimates["area_code"].map(names))
    measures = [r.measure for r in plan.rates]
    chosen = measure or (DEFAULT_MEASURE if DEFAULT_MEASURE in measures else (measures or [""])[0])
    if chosen not in measures:
        available = ", ".join(dict.fromkeys(measures)) or "none"
        raise PackError(
            None,
            Problem("unknown-measure", f'pack "{pack.id}" has no measure "{chosen}"; it has {available}'),
        )
    label = next(r.label for r in plan.rates if r.measure == chosen)
    table = _one_row_per_area(areas, estimates, chosen, rounding)
    return PackComparison(pack, chosen, label, plan.band, estimates, table, list(plan.not_estimated))


def _check_every_area_has_ages(population: Population, band: AgeBand, pack: Pack) -> None:
    frame = population.frame
    inside = frame[(frame["age"] >= band.low) & (frame["age"] <= band.high)]
    have = inside.groupby("area_code", sort=False)["age"].nunique()
    need = band.high - band.low + 1
    short = [str(c) for c in population.areas["area_code"] if have.get(c, 0) < need]
    if short:
        shown = ", ".join(short[:5]) + (", ..." if len(short) > 5 else "")
        raise InputError(
            population.path,
            Problem(
                "missing-ages",
                f"{len(short)} area{'s lack' if len(short) != 1 else ' lacks'} figures for some ages "
                f'{band.label}, which the pack "{pack.id}" needs: {shown}',
            ),
        )


def _one_row_per_area(
    areas: pd.DataFrame, estimates: pd.DataFrame, measure: str, rounding: RoundingRule
) -> pd.DataFrame:
    """Single-rate estimates of `measure` by sex for each area, the total, per 1,000 residents and rank.

    The total is women + men where the pack has rates by sex (the figure the per-victim cost uses), else
    the rate for everyone; per 1,000 is per 1,000 residents of all ages, so areas of different size and
    age structure compare fairly.
    """
    import numpy as np
    import pandas as pd

    rows = estimates[(estimates["measure"] == measure) & (estimates["method"] == SINGLE_RATE)]
    wide = rows.pivot_table(
        index="area_code", columns="sex", values=["population", "estimate", "rounded"], aggfunc="first"
    )
    out = areas.copy()
    for sex in ("female", "male", "all"):
        for value in ("population", "estimate", "rounded"):
            key = (value, sex)
            out[f"{value}_{sex}"] = out["area_code"].map(wide[key]) if key in wide.columns else np.nan
    by_sex = out["estimate_female"].notna() & out["estimate_male"].notna()
    out["estimate_total"] = np.where(
        by_sex, out["estimate_female"] + out["estimate_male"], out["estimate_all"]
    ).astype("float64")
    out["total_from"] = np.where(by_sex, "women + men", "all")
    out["rounded_total"] = [
        float(round_for_publication(x, rounding)) if x == x else float("nan")
        for x in out["estimate_total"].tolist()
    ]
    out["per_1000"] = 1000 * out["estimate_total"] / out["population_all_ages"].replace(0, np.nan)
    la = out["level"] == LOCAL_AUTHORITY
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[la, "rank"] = out.loc[la, "per_1000"].rank(ascending=False, method="min").astype("Int64")
    out["areas_ranked"] = int(la.sum())
    return out


def _region_summary(local: pd.DataFrame) -> pd.DataFrame:

    order = list(dict.fromkeys(local.sort_index()["region_code"]))
    grouped = local.groupby("region_code", sort=False).agg(
        region_name=("region_name", "first"),
        areas=("area_code", "size"),
        population_all_ages=("population_all_ages", "sum"),
        estimate_total=("estimate_total", "sum"),
        **({"cost_gbp": ("cost_gbp", "sum")} if "cost_gbp" in local.columns else {}),
    )
    grouped = grouped.reindex(order)
    grouped["per_1000"] = 1000 * grouped["estimate_total"] / grouped["population_all_ages"]
    if "cost_gbp" in grouped.columns:
        grouped["cost_per_head_gbp"] = grouped["cost_gbp"] / grouped["population_all_ages"]
    grouped["rank"] = grouped["per_1000"].rank(ascending=False, method="min").astype("Int64")
    return grouped.reset_index().astype({"areas": "int64", "population_all_ages": "int64"})


def _peers(local: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    by_region = regions.set_index("region_code")
    out = local.sort_index().copy()
    out["region_per_1000"] = out["region_code"].map(by_region["per_1000"])
    if "cost_per_head_gbp" in by_region.columns:
        out["region_cost_per_head_gbp"] = out["region_code"].map(by_region["cost_per_head_gbp"])
    out["difference_per_1000"] = out["per_1000"] - out["region_per_1000"]
    out["rank_in_region"] = (
        out.groupby("region_code", sort=False)["per_1000"].rank(ascending=False, method="min").astype("Int64")
    )
    out["areas_in_region"] = out.groupby("region_code", sort=False)["area_code"].transform("size")
    order = {code: i for i, code in enumerate(regions["region_code"])}
    out["_region_order"] = out["region_code"].map(order)
    return out.sort_values(["_region_order", "rank_in_region", "area_name"]).drop(columns="_region_order")


def run_batch(
    population_path: str | Path,
    pack_refs: Sequence[str],
    *,
    year: int | None = None,
    sheet: str | None = None,
    ages: str | None = None,
    rounding: RoundingRule = DEFAULT_ROUNDING,
    measure: str | None = None,
    regions_path: str | Path | None = None,
    pack_dirs: list[Path] | None = None,
    cost_pack: str | None = DEFAULT_COST_PACK,
    price_year: str | None = None,
    deflators: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> BatchResult:
    """Read the population file once, load the packs and estimate every area; records the inputs.

    `cost_pack` (per-victim unit costs; None for no costs) and `price_year` with `deflators` (a deflator
    pack id; by default the one costs.find_deflators picks) cost each area's estimated victims.
    """
    from needsassess.assessment import InputFile
    from needsassess.packs import Kind, load_pack
    from needsassess.population import read_population

    packs = [load_pack(ref, pack_dirs, Kind.PREVALENCE) for ref in pack_refs]
    unit_pack = load_pack(cost_pack, pack_dirs, Kind.UNIT_COSTS) if cost_pack else None
    deflator_pack = None
    if unit_pack is not None and price_year is not None:
        from needsassess.costs import find_deflators

        deflator_pack = find_deflators(deflators, pack_dirs)
    if on_step is not None:
        on_step(f"Reading {Path(population_path).name}")
    population = read_population(population_path, sheet=sheet, year=year)
    lookup = read_region_lookup(regions_path) if regions_path is not None else None
    result = estimate_every_area(
        population,
        packs,
        ages=ages,
        rounding=rounding,
        measure=measure,
        regions=lookup,
        regions_name=Path(regions_path).name if regions_path is not None else "",
        cost_pack=unit_pack,
        price_year=price_year,
        deflators=deflator_pack,
        on_step=on_step,
    )
    years = population.years
    n_local = int((result.areas["level"] == LOCAL_AUTHORITY).sum())
    result.inputs.append(
        InputFile(
            "population",
            Path(population_path),
            f"{population.layout} layout, mid-{years[0] if years else 'year not stated'}, "
            f"{n_local} local authorities and {len(result.areas) - n_local} larger areas",
        )
    )
    if regions_path is not None:
        result.inputs.append(InputFile("regions", Path(regions_path), "area_code -> region lookup"))
    return result
