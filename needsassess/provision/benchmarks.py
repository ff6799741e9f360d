"""Local provision against national benchmarks.

Provision: each benchmark in a pack of kind "benchmarks" reads `value` of `item` per `per` of `base`
(40 MARAC cases a year per 10,000 women aged 16+; one FTE IDVA per 100 referrals). A base is either a
population (women_16plus, all_residents ...), counted from the population file, or another item, whose
expected volume is used (one MARAC administrator per 400 of the expected MARAC cases). Against what the
user states in assessment.toml, each item gets expected, stated, gap (expected - stated: positive is a
shortfall) and coverage (stated as a percentage of expected).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from needsassess.errors import PackError, Problem
from needsassess.packs import Kind, Pack, Status
from needsassess.population import Population, population_in_ages

if TYPE_CHECKING:
    import pandas as pd

# base -> (sex, lowest age, highest age, words)
POPULATION_BASES: dict[str, tuple[str | None, int, int, str]] = {
    "women_16plus": ("female", 16, 90, "women aged 16 and over"),
    "men_16plus": ("male", 16, 90, "men aged 16 and over"),
    "residents_16plus": (None, 16, 90, "residents aged 16 and over"),
    "adults_16plus": (None, 16, 90, "residents aged 16 and over"),
    "all_residents": (None, 0, 90, "residents"),
    "children_0to17": (None, 0, 17, "children aged 0 to 17"),
}
# A base that is a volume of something the pack does not give directly: the item whose volume stands for it.
ITEM_EQUIVALENTS = {"idva_referrals": "marac_cases"}
EQUIVALENCE_NOTES = {
    "idva_referrals": "expected IDVA referrals are taken as the expected MARAC cases (high-risk victims), "
    "as SafeLives derives recommended IDVA capacity",
}
ITEM_LABELS = {
    "marac_cases": "MARAC cases a year",
    "idva_fte": "IDVAs (full-time equivalent)",
    "marac_admin_fte": "MARAC administrators (full-time equivalent)",
    "refuge_family_places": "Refuge family places",
    "idva_referrals": "IDVA referrals a year",
}
BASE_WORDS = {
    "idva_referrals": "IDVA referrals",
    "marac_cases": "MARAC cases",
}
# What a user may state in [provision] (besides pack and period); numbers >= 0.
STATED_KEYS = {
    "marac_cases": "MARAC cases heard in the year",
    "idva_fte": "IDVAs in post, full-time equivalent",
    "marac_admin_fte": "MARAC administrators, full-time equivalent",
    "refuge_family_places": "refuge places for a woman and her children",
    "idva_referrals": "referrals to the IDVA service in the year",
    "people_referred": "people referred to specialist domestic abuse services in the year (reach)",
    "people_supported": "people supported by specialist domestic abuse services in the year (reach)",
}
PEOPLE_ITEMS = {"marac_cases", "idva_referrals", "people_referred", "people_supported"}
_STATUS_ORDER = {Status.VERIFIED.value: 0, Status.SECONDARY.value: 1, Status.DERIVED.value: 2}


@dataclass
class ProvisionResult:
    """Expected provision from the benchmarks, against what is stated, for one area."""

    area_code: str
    area_name: str
    pack: Pack
    items: pd.DataFrame  # see PROVISION_COLUMNS
    period: str = ""
    notes: list[str] = field(default_factory=list)


PROVISION_COLUMNS = [
    "item",
    "label",
    "benchmark",
    "base",
    "base_value",
    "expected",
    "stated",
    "gap",
    "coverage_pct",
    "needed_for_stated",
    "needed_from",
    "is_people",
    "status",
    "source",
    "url",
]


def check_stated(
    section: dict[str, Any], where: str = "[provision]"
) -> tuple[dict[str, float], list[Problem]]:
    """The stated provision figures of a config section, and a problem for each bad value."""
    stated: dict[str, float] = {}
    problems = []
    for key in STATED_KEYS:
        if key not in section:
            continue
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            problems.append(
                Problem(
                    "bad-value", f"{where} {key} = {value!r}; expected a number >= 0 ({STATED_KEYS[key]})"
                )
            )
            continue
        stated[key] = float(value)
    return stated, problems


def assess_provision(
    population: Population, pack: Pack, stated: dict[str, float] | None = None, period: str = ""
) -> ProvisionResult:
    """Expected provision for one area from a benchmarks pack, against the stated provision."""
    import pandas as pd

    if pack.kind is not Kind.BENCHMARKS:
        raise PackError(
            None, Problem("wrong-kind", f'pack "{pack.id}" holds {pack.kind.value}, not benchmarks')
        )
    frame = population.frame
    if frame["area_code"].nunique() != 1:
        raise PackError(None, Problem("many-areas", "choose one area before assessing provision"))
    stated = dict(stated or {})
    rows = pack.data.to_dict("records")
    items = list(dict.fromkeys(r["item"] for r in rows))
    expected: dict[str, float] = {}
    chosen: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    # Resolve items whose base is a population first, then items based on other items (a few passes).
    for _ in range(len(items) + 1):
        progress = False
        for item in items:
            if item in chosen:
                continue
            candidates = []
            for row in rows:
                if row["item"] != item:
                    continue
                base_value, base_text = _base_value(row["base"], population, expected)
                if base_value is None:
                    continue
                rank = (_STATUS_ORDER.get(row["status"], 3), row["base"] not in POPULATION_BASES)
                candidates.append((rank, row, base_value, base_text))
            if not candidates:
                continue
            _rank, row, base_value, base_text = min(candidates, key=lambda c: c[0])
            expected[item] = float(row["value"]) * base_value / float(row["per"])
            chosen[item] = {"row": row, "base_value": base_value, "base_text": base_text}
            progress = True
        if not progress:
            break
    for item in items:
        if item not in chosen:
            bases = sorted({r["base"] for r in rows if r["item"] == item})
            notes.append(
                f"{ITEM_LABELS.get(item, item)}: no benchmark could be applied (base "
                + ", ".join(bases)
                + " is neither a population nor another benchmark's volume)."
            )
    records = []
    citation = pack.citation()
    for item in items:
        if item not in chosen:
            continue
        row = chosen[item]["row"]
        base = row["base"]
        value = stated.get(item)
        exp = expected[item]
        needed, needed_from = None, ""
        if base not in POPULATION_BASES:
            needed_from = base if base in stated else ITEM_EQUIVALENTS.get(base, base)
            if needed_from in stated:
                needed = float(row["value"]) * stated[needed_from] / float(row["per"])
        if base in EQUIVALENCE_NOTES:
            note = f"{ITEM_LABELS.get(item, item)}: {EQUIVALENCE_NOTES[base]}."
            if note not in notes:
                notes.append(note)
        records.append(
            {
                "item": item,
                "label": ITEM_LABELS.get(item, item.replace("_", " ")),
                "benchmark": _benchmark_text(row),
                "base": chosen[item]["base_text"],
                "base_value": chosen[item]["base_value"],
                "expected": exp,
                "stated": value,
                "gap": None if value is None else exp - value,
                "coverage_pct": None if value is None or exp == 0 else 100 * value / exp,
                "needed_for_stated": needed,
                "needed_from": needed_from,
                "is_people": item in PEOPLE_ITEMS,
                "status": row["status"],
                "source": row.get("source") or pack.meta.get("publisher", citation),
                "url": row.get("url") or pack.meta.get("url", ""),
            }
        )
    table = pd.DataFrame.from_records(records, columns=PROVISION_COLUMNS)
    for col in ("base_value", "expected", "stated", "gap", "coverage_pct", "needed_for_stated"):
        table[col] = table[col].astype("float64")
    not_stated = [ITEM_LABELS.get(i, i) for i in table["item"] if i not in stated]
    if not_stated:
        notes.append("No actual figure, so no gap is shown: " + ", ".join(not_stated) + " [x].")
    return ProvisionResult(
        area_code=str(frame["area_code"].iloc[0]),
        area_name=str(frame["area_name"].iloc[0]),
        pack=pack,
        items=table,
        period=period,
        notes=notes,
    )


def _base_value(base: str, population: Population, expected: dict[str, float]) -> tuple[float | None, str]:
    if base in POPULATION_BASES:
        sex, low, high, words = POPULATION_BASES[base]
        return float(population_in_ages(population, low, high, sex)), words
    item = ITEM_EQUIVALENTS.get(base, base)
    if item in expected:
        words = f"expected {BASE_WORDS.get(base, base.replace('_', ' '))}"
        return expected[item], words
    return None, ""


def _benchmark_text(row: dict[str, Any]) -> str:
    value, per = float(row["value"]), float(row["per"])
    base = row["base"]
    words = (
        POPULATION_BASES[base][3]
        if base in POPULATION_BASES
        else BASE_WORDS.get(base, base.replace("_", " "))
    )
    return f"{value:,g} per {per:,g} {words}"
