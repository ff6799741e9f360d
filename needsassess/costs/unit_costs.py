"""The cost to society of domestic abuse: counts times unit costs, by category, uplifted to a price year.

Two methods, both shown because local strategies quote both:

- **per victim** (the Home Office method): estimated local victims, from the prevalence stage, times the
  cost per victim in a unit-costs pack (e.g. ho-horr107-2019). Those costs cover the whole period of
  abuse and its aftermath, not one year.
- **per recorded crime** (the method of the 2016 Hartlepool figure): counts of domestic-abuse-related
  crimes by offence type, times the cost per offence (e.g. ho-horr99-2018). Only reported crime is
  counted, so this is a lower bound.

Each gives a total, a breakdown by cost category and the cost per head of the whole population, and names
its pack, price year and uplift. Money is in pounds as floats; nothing is rounded here (rounding is
presentation). Offence types a pack does not cost are listed as not costed, never dropped; categories a
pack has no figure for are "not available".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.costs.crimes import match_offence, offence_label, problem_for_offence_name
from needsassess.errors import InputError, PackError, Problem
from needsassess.packs import Kind, Pack, available_packs, load_pack
from needsassess.tables import is_blank

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.prevalence import PrevalenceResult

DEFLATOR_PACK = "hmt-gdp-deflators"
FALLBACK_DEFLATOR_PACK = "gdp-deflator-uk-worldbank"
NOT_AVAILABLE = "not available"
TOTAL = "total"
NOT_BROKEN_DOWN = "not_broken_down"


class CostMethod(StrEnum):
    PER_VICTIM = "per_victim"
    PER_CRIME = "per_crime"


# The pack `basis` each method reads.
BASIS = {CostMethod.PER_VICTIM: "per_victim", CostMethod.PER_CRIME: "per_offence"}

METHOD_LABELS = {
    CostMethod.PER_VICTIM: "per victim",
    CostMethod.PER_CRIME: "per recorded crime",
}
METHOD_DESCRIPTIONS = {
    CostMethod.PER_VICTIM: "estimated local victims x Home Office cost per victim (the Home Office method)",
    CostMethod.PER_CRIME: "domestic-abuse-related crimes recorded by the police x cost per offence",
}

CATEGORY_LABELS = {
    "anticipation": "Anticipation (prevention and protection)",
    "property": "Property stolen or damaged",
    "physical_emotional_harms": "Physical and emotional harms",
    "lost_output": "Lost output",
    "health_services": "Health services",
    "victim_services": "Victim services",
    "police": "Police",
    "criminal_legal": "Criminal legal",
    "civil_legal": "Civil legal",
    "criminal_justice": "Criminal justice system",
    "social_services": "Social services",
    "housing": "Housing",
    NOT_BROKEN_DOWN: "Not broken down in the pack",
    TOTAL: "Total",
}

# The Home Office cost framework (Heeks et al. 2018; Oliver et al. 2019): the categories each method is
# expected to break down into. A category the pack lacks is shown as "not available", not left out.
FRAMEWORK = {
    CostMethod.PER_VICTIM: (
        "anticipation",
        "physical_emotional_harms",
        "lost_output",
        "health_services",
        "victim_services",
        "police",
        "criminal_legal",
        "civil_legal",
    ),
    CostMethod.PER_CRIME: (
        "anticipation",
        "property",
        "physical_emotional_harms",
        "lost_output",
        "health_services",
        "victim_services",
        "police",
        "criminal_justice",
    ),
}

CAVEAT_PER_VICTIM = (
    "Costs are per victim and cover the whole period of abuse and its aftermath, not one year: this is the "
    "cost of the abuse suffered by this year's victims, not a year's spending."
)
CAVEAT_PER_CRIME = (
    "Only crimes recorded by the police are counted; most domestic abuse is never reported, so this is "
    'a lower bound ("at least").'
)

# --------------------------------------------------------------------------------------------------------
# Price years and uplift

_YEAR = re.compile(r"^\s*(\d{4})\s*(?:[/-]\s*(\d{2}|\d{4}))?\s*$")


def financial_year(value: Any) -> str:
    """Normalise a financial year to "2016/17": accepts 2016/17, 2016-17, 2016/2017 and 2016 (= 2016/17)."""
    match = _YEAR.match(str(value))
    if match:
        start = int(match.group(1))
        end = match.group(2)
        if end is None or int(end) % 100 == (start + 1) % 100:
            return f"{start}/{(start + 1) % 100:02d}"
    raise InputError(
        None,
        Problem(
            "bad-price-year", f'"{value}" is not a financial year; expected e.g. 2023/24 or 2023 (= 2023/24)'
        ),
    )


def find_deflators(ref: str | None = None, extra_dirs: list[Path] | None = None) -> Pack | None:
    """Load a deflator pack by id or folder; by default HM Treasury's if the user has added it, else the
    shipped stand-in derived from the World Bank calendar-year series; None if neither is present."""
    if ref is None:
        packs = available_packs(extra_dirs)
        ref = next((p for p in (DEFLATOR_PACK, FALLBACK_DEFLATOR_PACK) if p in packs), None)
        if ref is None:
            return None
    return load_pack(ref, extra_dirs, Kind.DEFLATORS)


def uplift_factor(deflators: Pack | None, from_year: Any, to_year: Any) -> float:
    """Return index(to_year) / index(from_year) from a deflator pack (columns year, index).

    Multiplying a cost in from_year prices by this factor gives it in to_year prices (HM Treasury's
    method for GDP deflators). The factor is 1 when the years are equal, with or without a pack.
    """
    start, end = financial_year(from_year), financial_year(to_year)
    if start == end:
        return 1.0
    if deflators is None:
        raise PackError(
            None,
            Problem(
                "missing-deflators",
                f'no pack "{DEFLATOR_PACK}" (kind deflators) to uplift {start} prices to {end}; '
                "add a pack of HM Treasury GDP deflators (columns year, index) or leave the price year out "
                "to report costs in the pack's own prices",
            ),
        )
    _check_kind(deflators, Kind.DEFLATORS)
    pack_id = deflators.id
    data = deflators.data
    index = dict(zip([financial_year(y) for y in data["year"]], data["index"].astype(float), strict=True))
    covered = sorted(index)
    for year in (start, end):
        value = index.get(year)
        if value is not None and value > 0:
            continue
        if not covered:
            message = f'deflator pack "{pack_id}" has no years'
        else:
            where = "beyond" if year > covered[-1] else "before" if year < covered[0] else "missing from"
            message = (
                f'price year {year} is {where} the deflator series in pack "{pack_id}", '
                f"which covers {covered[0]} to {covered[-1]}"
            )
        raise PackError(None, Problem("year-outside-deflators", message))
    return float(index[end] / index[start])


# --------------------------------------------------------------------------------------------------------
# Costing


@dataclass
class CostResult:
    """One method's cost estimate: total, categories, per head, and what was not costed, with its sources.

    `categories` has one row per cost category: category, label, cost_gbp (NaN where the pack has no
    figure), coverage ("complete", "partial", "not available", "remainder", "total"), status (of the unit
    costs used) and note. `items` has one row per victim group or offence type costed.
    """

    method: CostMethod
    pack: Pack
    pack_price_year: str
    price_year: str
    uplift_factor: float
    deflators: Pack | None
    total_gbp: float
    categories: pd.DataFrame
    items: pd.DataFrame
    not_costed: pd.DataFrame
    population: float | None = None
    counts_source: str = ""
    caveats: list[str] = field(default_factory=list)

    @property
    def pack_id(self) -> str:
        return self.pack.id

    @property
    def deflator_pack_id(self) -> str | None:
        return self.deflators.id if self.deflators is not None and self.uplifted else None

    @property
    def per_head_gbp(self) -> float | None:
        if not self.population:
            return None
        return self.total_gbp / self.population

    @property
    def not_available(self) -> list[str]:
        rows = self.categories[self.categories["coverage"] == NOT_AVAILABLE]
        return list(rows["category"])

    @property
    def statuses(self) -> list[str]:
        used = self.categories[self.categories["coverage"].isin(["complete", "partial", "total"])]
        return sorted(set(used["status"].str.split(", ").explode()) - {""})

    @property
    def uplifted(self) -> bool:
        return self.price_year != self.pack_price_year


def cost_per_victim(
    victims: Mapping[str, float] | float,
    pack: Pack,
    *,
    population: float | None = None,
    price_year: Any = None,
    deflators: Pack | None = None,
    item: str = "domestic_abuse",
    counts_source: str = "",
) -> CostResult:
    """Cost the abuse of `victims` (a number, or counts by sex) with a pack's per-victim unit costs.

    `population` (all residents, all ages) gives the cost per head. With `price_year`, costs are uplifted
    from the pack's price year through `deflators` (a pack of kind deflators: year, index).
    `counts_source` says where the victims came from, for the output.
    """
    import pandas as pd

    groups = dict(victims) if isinstance(victims, Mapping) else {"all": victims}
    problems = [
        Problem("negative-count", f"victims ({group}) is {count}; counts must be >= 0")
        for group, count in groups.items()
        if not _is_count(count)
    ]
    if "all" in groups and len(groups) > 1:
        problems.append(Problem("double-count", 'give victims by sex or one total ("all"), not both'))
    if problems:
        raise InputError(None, problems)
    rows = _rows_for(pack, CostMethod.PER_VICTIM, item)
    if rows is None:
        raise PackError(
            None,
            Problem(
                "no-per-victim-costs",
                f'pack "{pack.id}" has no per-victim costs for {item.replace("_", " ")}',
            ),
        )
    pack_year, target, factor = _price_years(rows, pack, price_year, deflators)
    total_victims = float(sum(groups.values()))
    unit = _unit_costs_by_category(rows)
    total_unit, total_status = unit[TOTAL]
    records = []
    for category in _category_order(CostMethod.PER_VICTIM, unit):
        if category in unit:
            cost, status = unit[category]
            records.append(_category_row(category, total_victims * cost * factor, "complete", status))
        else:
            records.append(
                _category_row(category, math.nan, NOT_AVAILABLE, "", "the pack has no per-victim figure")
            )
    categories = _finish_categories(records, total_victims * total_unit * factor, total_status)
    items = pd.DataFrame.from_records(
        [
            {
                "group": group,
                "victims": float(count),
                "unit_cost_gbp": total_unit * factor,
                "cost_gbp": float(count) * total_unit * factor,
                "status": total_status,
            }
            for group, count in groups.items()
        ],
        columns=["group", "victims", "unit_cost_gbp", "cost_gbp", "status"],
    )
    result = CostResult(
        method=CostMethod.PER_VICTIM,
        pack=pack,
        pack_price_year=pack_year,
        price_year=target,
        uplift_factor=factor,
        deflators=deflators,
        total_gbp=total_victims * total_unit * factor,
        categories=categories,
        items=items,
        not_costed=_empty_not_costed(),
        population=population,
        counts_source=counts_source,
    )
    result.caveats = [CAVEAT_PER_VICTIM, *_common_caveats(result)]
    return result


def victims_from_prevalence(
    result: PrevalenceResult, measure: str = "da_last_year"
) -> tuple[dict[str, float], str]:
    """Estimated victims by sex (unrounded, single-rate method) for the per-victim method, and where from.

    Women and men where the pack has rates by sex, otherwise all adults. Unrounded estimates are used so
    that rounding happens once, on the published cost.
    """
    rows = result.estimates[
        (result.estimates["measure"] == measure) & (result.estimates["method"] == "single rate")
    ]
    by_sex = {str(r["sex"]): float(r["estimate"]) for r in rows.to_dict("records")}
    victims: dict[str, float] = {sex: by_sex[sex] for sex in ("female", "male") if sex in by_sex}
    if len(victims) < 2:
        victims = {"all": by_sex["all"]} if "all" in by_sex else {}
    if not victims:
        raise PackError(
            None,
            Problem(
                "no-victims",
                f'pack "{result.pack.id}" gives no {measure.replace("_", " ")} rate for the ages it was measured on, '
                "so there are no estimated victims to cost",
            ),
        )
    label = str(rows["label"].iloc[0]).lower()
    who = "women and men" if "female" in victims else "adults"
    return victims, f"estimated {who} aged {result.ages.label} ({label}), {result.pack.id}, unrounded"


def cost_per_crime(
    counts: pd.DataFrame | Mapping[str, float],
    pack: Pack,
    *,
    population: float | None = None,
    price_year: Any = None,
    deflators: Pack | None = None,
    counts_source: str = "",
) -> CostResult:
    """Cost recorded crimes by offence type with a pack's per-offence unit costs.

    `counts` is what read_crime_counts returns (offence, item, count) or a mapping of offence name to
    count. Offence types the pack does not cost are listed in `not_costed` with their counts; a category
    only some costed offences have figures for is marked "partial".
    """
    import pandas as pd

    frame = _counts_frame(counts)
    rows = _rows_for(pack, CostMethod.PER_CRIME, None)
    if rows is None:
        raise PackError(None, Problem("no-per-offence-costs", f'pack "{pack.id}" has no per-offence costs'))
    pack_year, target, factor = _price_years(rows, pack, price_year, deflators)
    by_item = {item: _unit_costs_by_category(group) for item, group in rows.groupby("item", sort=False)}
    grouped = (
        frame.groupby("item", sort=False)
        .agg(count=("count", "sum"), offence=("offence", lambda s: ", ".join(dict.fromkeys(s))))
        .reset_index()
    )
    costed = grouped[grouped["item"].map(lambda i: TOTAL in by_item.get(i, {}))]
    missing = grouped[~grouped.index.isin(costed.index)]

    items = pd.DataFrame.from_records(
        [
            {
                "item": r["item"],
                "offence": r["offence"],
                "count": r["count"],
                "unit_cost_gbp": by_item[r["item"]][TOTAL][0] * factor,
                "cost_gbp": r["count"] * by_item[r["item"]][TOTAL][0] * factor,
                "status": by_item[r["item"]][TOTAL][1],
            }
            for r in costed.to_dict("records")
        ],
        columns=["item", "offence", "count", "unit_cost_gbp", "cost_gbp", "status"],
    )
    present = {c for costs in by_item.values() for c in costs}
    counted = [r for r in costed.to_dict("records") if r["count"] > 0]
    records = []
    for category in _category_order(CostMethod.PER_CRIME, dict.fromkeys(present)):
        have = [r for r in counted if category in by_item[r["item"]]]
        lacking = [r["item"] for r in counted if category not in by_item[r["item"]]]
        if not have:
            records.append(
                _category_row(
                    category, math.nan, NOT_AVAILABLE, "", "the pack has no figure for the offences counted"
                )
            )
            continue
        cost = sum(r["count"] * by_item[r["item"]][category][0] * factor for r in have)
        status = ", ".join(sorted({by_item[r["item"]][category][1] for r in have}))
        if lacking:
            note = "partial: no figure for " + ", ".join(offence_label(i).lower() for i in lacking)
            records.append(_category_row(category, cost, "partial", status, note))
        else:
            records.append(_category_row(category, cost, "complete", status))
    total = float(items["cost_gbp"].sum())
    total_status = ", ".join(sorted(set(items["status"]))) if len(items) else ""
    categories = _finish_categories(records, total, total_status)
    not_costed = pd.DataFrame.from_records(
        [
            {
                "item": r["item"],
                "offence": r["offence"],
                "count": r["count"],
                "reason": f'no cost per offence in pack "{pack.id}"',
            }
            for r in missing.to_dict("records")
        ],
        columns=["item", "offence", "count", "reason"],
    )
    result = CostResult(
        method=CostMethod.PER_CRIME,
        pack=pack,
        pack_price_year=pack_year,
        price_year=target,
        uplift_factor=factor,
        deflators=deflators,
        total_gbp=total,
        categories=categories,
        items=items,
        not_costed=not_costed,
        population=population,
        counts_source=counts_source or str(getattr(counts, "attrs", {}).get("source", "")),
    )
    caveats = [CAVEAT_PER_CRIME]
    if len(not_costed):
        caveats.append(
            f"{not_costed['count'].sum():,.0f} crimes of types the pack does not cost ("
            + ", ".join(not_costed["offence"])
            + ") are not costed, so the total understates the cost."
        )
    result.caveats = caveats + _common_caveats(result)
    return result


def cost_table(result: CostResult) -> pd.DataFrame:
    """One tidy frame of a result for csv: its categories, items and anything not costed, with its source."""
    import pandas as pd

    c = result.categories
    parts = [
        pd.DataFrame(
            {
                "table": "category",
                "name": c["category"],
                "label": c["label"],
                "cost_gbp": c["cost_gbp"],
                "coverage": c["coverage"],
                "status": c["status"],
                "note": c["note"],
            }
        )
    ]
    items = result.items
    name = items["item"] if "item" in items else items["group"]
    parts.append(
        pd.DataFrame(
            {
                "table": "item",
                "name": name,
                "label": items["offence"] if "offence" in items else name,
                "count": items["count"] if "count" in items else items["victims"],
                "unit_cost_gbp": items["unit_cost_gbp"],
                "cost_gbp": items["cost_gbp"],
                "status": items["status"],
            }
        )
    )
    if len(result.not_costed):
        n = result.not_costed
        parts.append(
            pd.DataFrame(
                {
                    "table": "not_costed",
                    "name": n["item"],
                    "label": n["offence"],
                    "count": n["count"],
                    "note": n["reason"],
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    columns = ["table", "name", "label", "count", "unit_cost_gbp", "cost_gbp", "coverage", "status", "note"]
    frame = frame.reindex(columns=columns)
    return frame.assign(
        method=result.method.value,
        pack=result.pack_id,
        price_year=result.price_year,
        uplift_factor=result.uplift_factor,
        counts_source=result.counts_source,
    )


def _counts_frame(counts: pd.DataFrame | Mapping[str, float]) -> pd.DataFrame:
    import pandas as pd

    if isinstance(counts, Mapping):
        frame = pd.DataFrame({"offence": list(counts), "count": [counts[k] for k in counts]})
    else:
        frame = counts.copy()
    if "item" not in frame.columns:
        frame["item"] = [match_offence(name) for name in frame["offence"]]
    problems = [
        problem_for_offence_name(str(r["offence"]))
        for r in frame.to_dict("records")
        if not _is_text(r["item"])
    ]
    problems += [
        Problem("negative-count", f'count for "{r["offence"]}" is {r["count"]}; counts must be >= 0')
        for r in frame.to_dict("records")
        if not _is_count(r["count"])
    ]
    if problems:
        raise InputError(frame.attrs.get("source"), problems)
    frame["count"] = frame["count"].astype("float64")
    return frame


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _is_count(value: Any) -> bool:
    """A usable count: a finite number >= 0 (numpy numbers included, booleans not)."""
    if isinstance(value, bool):
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number >= 0


def _check_kind(pack: Pack, kind: Kind) -> None:
    if pack.kind is not kind:
        raise PackError(
            None, Problem("wrong-kind", f'pack "{pack.id}" holds {pack.kind.value}, not {kind.value}')
        )


def _rows_for(pack: Pack, method: CostMethod, item: str | None) -> pd.DataFrame | None:
    _check_kind(pack, Kind.UNIT_COSTS)
    data = pack.data
    rows = data[data["basis"] == BASIS[method]]
    if item is not None:
        rows = rows[rows["item"] == item]
    if rows.empty:
        return None
    if item is not None and TOTAL not in set(rows["category"]):
        raise PackError(
            None, Problem("missing-total", f'pack "{pack.id}" has no total per-victim cost for {item}')
        )
    return rows


def _unit_costs_by_category(rows: pd.DataFrame) -> dict[str, tuple[float, str]]:
    return {r["category"]: (float(r["cost_gbp"]), str(r["status"])) for r in rows.to_dict("records")}


def _price_years(
    rows: pd.DataFrame, pack: Pack, price_year: Any, deflators: Pack | None
) -> tuple[str, str, float]:
    years = {str(y).strip() for y in rows["price_year"] if not is_blank(y)}
    if not years and pack.meta.get("price_year"):
        years = {str(pack.meta["price_year"])}
    if len(years) != 1:
        found = ", ".join(sorted(years)) or "none"
        raise PackError(
            None,
            Problem(
                "price-year", f'pack "{pack.id}" must give one price year for these costs; found {found}'
            ),
        )
    pack_year = financial_year(years.pop())
    if price_year is None:
        return pack_year, pack_year, 1.0
    target = financial_year(price_year)
    return pack_year, target, uplift_factor(deflators, pack_year, target)


def _category_order(method: CostMethod, present: Mapping[str, Any]) -> list[str]:
    framework = list(FRAMEWORK[method])
    extra = [c for c in present if c not in framework and c != TOTAL]
    return framework + extra


def _category_row(category: str, cost: float, coverage: str, status: str, note: str = "") -> dict[str, Any]:
    label = CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())
    return {
        "category": category,
        "label": label,
        "cost_gbp": cost,
        "coverage": coverage,
        "status": status,
        "note": note,
    }


def _finish_categories(records: list[dict[str, Any]], total: float, total_status: str) -> pd.DataFrame:
    """Add the remainder not broken down (total minus the categories given) and the total row."""
    import pandas as pd

    given = sum(r["cost_gbp"] for r in records if r["coverage"] in ("complete", "partial"))
    missing = [r["label"].lower() for r in records if r["coverage"] == NOT_AVAILABLE]
    if missing and total > 0:
        records.append(
            _category_row(
                NOT_BROKEN_DOWN,
                total - given,
                "remainder",
                "",
                "total minus the categories given, so it holds " + ", ".join(missing),
            )
        )
    records.append(_category_row(TOTAL, total, "total", total_status))
    frame = pd.DataFrame.from_records(
        records, columns=["category", "label", "cost_gbp", "coverage", "status", "note"]
    )
    frame["cost_gbp"] = frame["cost_gbp"].astype("float64")
    return frame


def _empty_not_costed() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=["item", "offence", "count", "reason"])


def _common_caveats(result: CostResult) -> list[str]:
    caveats = []
    if result.uplifted:
        caveats.append(
            f"Uplifted from {result.pack_price_year} to {result.price_year} prices by a factor of "
            f'{result.uplift_factor:.4f} (deflator pack "{result.deflator_pack_id}").'
        )
    else:
        caveats.append(f"In {result.pack_price_year} prices (not uplifted).")
    non_verified = [s for s in result.statuses if s != "verified"]
    if non_verified:
        caveats.append(
            f"Uses unit costs that are not verified in the primary publication ({', '.join(non_verified)}); "
            f'see pack "{result.pack_id}".'
        )
    if result.not_available:
        caveats.append(
            "Not available in this pack: "
            + ", ".join(CATEGORY_LABELS.get(c, c).lower() for c in result.not_available)
            + "."
        )
    return caveats
