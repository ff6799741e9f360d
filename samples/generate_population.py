"""Generate the synthetic Northmere region population workbook in the ONS MYE2 wide layout.

Fictional areas, fictional numbers: a region of five unitary authorities shaped like a northern English
region, laid out as ONS publishes mid-year estimates (a contents sheet, title and notes rows above the
header, one sheet per sex, columns Code, Name, Geography, All ages, 0 ... 89, 90+). The sample area,
Northmere, has 26,600 women and 25,800 men aged 16-59, the populations that reproduce the figures of the
2016 Hartlepool strategy with the CSEW year ending March 2015 rates.

Run: python samples/generate_population.py   (fixed seed; rewrites samples/northmere/population/)
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
OUT = HERE / "northmere" / "population" / "mye2_northmere_region_mid2015.xlsx"
SEED = 2015

REGION = ("E12000099", "Northmere and Tees Vale", "Region")
AREAS = [
    # code, name, total population, target women 16-59, target men 16-59 (None: follow the age curve)
    ("E06009901", "Northmere", 92_500, 26_600, 25_800),
    ("E06009902", "Eastholm", 134_100, None, None),
    ("E06009903", "Saltbridge", 139_500, None, None),
    ("E06009904", "Westcombe", 194_800, None, None),
    ("E06009905", "Redmoor", 108_200, None, None),
]


def _age_curve(rng: random.Random) -> list[float]:
    """Relative size of each single year of age 0..90+, a gently ageing northern population."""
    weights = []
    for age in range(90):
        w = 1.0 + 0.15 * math.sin(age / 9.0) - max(0, age - 60) * 0.035
        weights.append(max(w, 0.05) * rng.uniform(0.96, 1.04))
    weights.append(sum(weights[85:90]) * 0.45)  # 90 and over
    return weights


def _split(total: int, weights: list[float]) -> list[int]:
    scale = total / sum(weights)
    values = [int(w * scale) for w in weights]
    values[30] += total - sum(values)
    return values


def _rescale_band(values: list[int], low: int, high: int, target: int) -> list[int]:
    current = sum(values[low : high + 1])
    out = list(values)
    for age in range(low, high + 1):
        out[age] = int(values[age] * target / current)
    out[30] += target - sum(out[low : high + 1])
    return out


def build() -> dict[str, list[tuple[str, str, str, list[int]]]]:
    rng = random.Random(SEED)
    sheets: dict[str, list[tuple[str, str, str, list[int]]]] = {"female": [], "male": []}
    for code, name, total, women, men in AREAS:
        female_total = int(total * rng.uniform(0.505, 0.515))
        female = _split(female_total, _age_curve(rng))
        male = _split(total - female_total, _age_curve(rng))
        if women:
            female = _rescale_band(female, 16, 59, women)
        if men:
            male = _rescale_band(male, 16, 59, men)
        sheets["female"].append((code, name, "Unitary Authority", female))
        sheets["male"].append((code, name, "Unitary Authority", male))
    for sex in sheets:
        region = [sum(a[3][i] for a in sheets[sex]) for i in range(91)]
        sheets[sex].insert(0, (*REGION, region))
    return sheets


def write(path: Path = OUT) -> Path:
    sheets = build()
    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    contents["A1"] = "Population estimates for the Northmere region, mid-2015 (SYNTHETIC SAMPLE)"
    contents["A1"].font = Font(bold=True, size=14)
    contents["A3"] = "MYE2 - Persons: not included in this sample"
    contents["A4"] = "MYE2 - Males: mid-2015 population estimates by single year of age, males"
    contents["A5"] = "MYE2 - Females: mid-2015 population estimates by single year of age, females"
    contents["A7"] = "Synthetic data for needsassess samples: fictional areas, no real people."
    for sex, title in (("male", "MYE2 - Males"), ("female", "MYE2 - Females")):
        ws = wb.create_sheet(title)
        ws["A1"] = (
            f"Mid-2015 Population Estimates for the Northmere region: {sex.capitalize()}s by single year of age"
        )
        ws["A1"].font = Font(bold=True)
        ws["A2"] = "Source: synthetic sample in the layout of ONS MYE2 (Office for National Statistics)"
        ws["A3"] = "Notes: 90+ is people aged 90 and over. All figures are fictional."
        ws.merge_cells("A1:H1")
        header = ["Code", "Name", "Geography", "All ages", *range(90), "90+"]
        ws.append([])
        ws.append(header)
        for cell in ws[5]:
            cell.font = Font(bold=True)
        for code, name, geography, values in sheets[sex]:
            ws.append([code, name, geography, sum(values), *values])
        ws.append([])
        ws.append(["Figures may not sum due to rounding. Synthetic data, not for analysis."])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


if __name__ == "__main__":
    print(f"wrote {write()}")
