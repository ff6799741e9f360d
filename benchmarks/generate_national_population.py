"""Generate a national population file in the ONS MYE2 layout: about 340 local authorities in 9 regions and
Wales, with their counties and regions, all single years of age 0 ... 90+, both sexes.

Fictional names and numbers, real structure: a contents sheet, then "MYE2 - Persons", "MYE2 - Males" and
"MYE2 - Females", each with title and notes rows above the header Code, Name, Geography, All ages,
0 ... 89, 90+; rows in ONS order (England and Wales, England, each region followed by its unitary
authorities, counties with their districts and metropolitan counties with theirs, then Wales and its
unitary authorities). Fixed seed, so every run writes the same file.

Run: python benchmarks/generate_national_population.py [--force]   (writes benchmarks/_data/)
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
OUT = HERE / "_data" / "mye2_national_mid2015.xlsx"
SEED = 360
YEAR = 2015
AGES = 91
# Per region: (unitary authorities, counties x districts each, metropolitan counties x districts each)
REGIONS = [
    (12, [(6,), (7,)], [(5,)]),
    (8, [(8,), (6,)], [(10,), (5,)]),
    (4, [(7,), (8,)], [(9,), (5,)]),
    (9, [(8,), (7,), (6,)], []),
    (4, [(6,), (5,), (8,), (5,)], [(7,)]),
    (6, [(7,), (8,), (8,), (6,)], []),
    (0, [], [(16,), (17,)]),  # a capital region of boroughs, laid out as metropolitan districts
    (19, [(8,), (7,), (6,), (7,)], []),
    (15, [(6,), (7,), (5,), (6,)], []),
]
WALES_AREAS = 22
SYLLABLES = [
    "ash",
    "brid",
    "carn",
    "dun",
    "elm",
    "fen",
    "gar",
    "hol",
    "ing",
    "kel",
    "lan",
    "mar",
    "nor",
    "oak",
    "pen",
    "quen",
    "ros",
    "sal",
    "tor",
    "ul",
    "ven",
    "wes",
    "yar",
    "zel",
]
ENDINGS = ["ton", "by", "ham", "ford", "field", "wick", "bury", "mouth", "stead", "moor", "dale", "well"]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = (rng.choice(SYLLABLES) + rng.choice(SYLLABLES[:12]) + rng.choice(ENDINGS)).capitalize()
        if name not in used:
            used.add(name)
            return name


def _ages(rng: random.Random, total: int) -> list[int]:
    """Single years of age 0..89 and 90+ for one sex, with a plausible shape and local variation."""
    young = rng.uniform(0.85, 1.15)
    old = rng.uniform(0.8, 1.3)
    weights = []
    for age in range(90):
        w = 1.0 + 0.12 * math.sin(age / 8.0) + (young - 1) * max(0, 30 - abs(age - 25)) / 30
        w -= max(0, age - 60) * 0.03 / old
        weights.append(max(w, 0.04) * rng.uniform(0.95, 1.05))
    weights.append(sum(weights[85:90]) * 0.4)
    scale = total / sum(weights)
    values = [int(w * scale) for w in weights]
    values[35] += total - sum(values)
    return values


def build(seed: int = SEED) -> list[tuple[str, str, str, list[int], list[int]]]:
    """Rows (code, name, geography, females 0..90+, males 0..90+) in ONS order."""
    rng = random.Random(seed)
    used: set[str] = set()
    counters: dict[str, int] = {}

    def code(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, 0) + 1
        return f"{prefix}{counters[prefix]:06d}"

    def area(prefix: str, geography: str) -> tuple[str, str, str, list[int], list[int]]:
        total = int(rng.lognormvariate(math.log(140_000), 0.45))
        female = int(total * rng.uniform(0.5, 0.52))
        return (code(prefix), _name(rng, used), geography, _ages(rng, female), _ages(rng, total - female))

    def group(code_: str, name: str, geography: str, members: list) -> tuple:
        female = [sum(m[3][i] for m in members) for i in range(AGES)]
        male = [sum(m[4][i] for m in members) for i in range(AGES)]
        return (code_, name, geography, female, male)

    england: list = []
    rows_by_region = []
    for r, (unitaries, counties, metros) in enumerate(REGIONS, 1):
        rows: list = [area("E06", "Unitary Authority") for _ in range(unitaries)]
        local = list(rows)
        for (n,) in counties:
            districts = [area("E07", "Non-metropolitan District") for _ in range(n)]
            rows += [group(code("E10"), f"{_name(rng, used)}shire", "County", districts), *districts]
            local += districts
        for (n,) in metros:
            districts = [area("E08", "Metropolitan District") for _ in range(n)]
            rows += [
                group(code("E11"), f"Greater {_name(rng, used)}", "Metropolitan County", districts),
                *districts,
            ]
            local += districts
        region = group(f"E12{r:06d}", f"{_name(rng, used)} Region".upper(), "Region", local)
        rows_by_region.append([region, *rows])
        england += local
    wales_areas = [area("W06", "Unitary Authority") for _ in range(WALES_AREAS)]
    rows_out = [
        group("K04000001", "ENGLAND AND WALES", "Country", england + wales_areas),
        group("E92000001", "ENGLAND", "Country", england),
    ]
    for rows in rows_by_region:
        rows_out += rows
    rows_out += [group("W92000004", "WALES", "Country", wales_areas), *wales_areas]
    return rows_out


def write(path: Path = OUT, seed: int = SEED) -> Path:
    rows = build(seed)
    wb = Workbook(write_only=True)
    contents = wb.create_sheet("Contents")
    contents.append([f"Population estimates for England and Wales, mid-{YEAR} (SYNTHETIC, for benchmarks)"])
    contents.append(["MYE2 - Persons, MYE2 - Males, MYE2 - Females: by single year of age"])
    header = ["Code", "Name", "Geography", "All ages", *range(90), "90+"]
    for title, pick in (
        ("MYE2 - Persons", lambda f, m: [a + b for a, b in zip(f, m, strict=True)]),
        ("MYE2 - Males", lambda f, m: m),
        ("MYE2 - Females", lambda f, m: f),
    ):
        ws = wb.create_sheet(title)
        ws.append(
            [f"Mid-{YEAR} Population Estimates for England and Wales: {title[7:]} by single year of age"]
        )
        ws.append(["Synthetic data in the layout of ONS MYE2; fictional areas, not for analysis."])
        ws.append(["Notes: 90+ is people aged 90 and over."])
        ws.append([])
        ws.append(header)
        for code, name, geography, female, male in rows:
            values = pick(female, male)
            ws.append([code, name, geography, sum(values), *values])
        ws.append([])
        ws.append(["Source: synthetic, generated by benchmarks/generate_national_population.py"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def ensure(path: Path = OUT) -> Path:
    """The national file, generated if it is not there yet."""
    return path if path.exists() else write(path)


if __name__ == "__main__":
    if OUT.exists() and "--force" not in sys.argv:
        print(f"{OUT} exists; --force to rewrite")
    else:
        rows = build()
        print(f"wrote {write()}: {len(rows)} rows")
