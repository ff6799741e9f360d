"""Generate the synthetic police extract and ward deprivation table for the Northmere region.

Fictional force, areas, wards and people: an incident-level extract of domestic abuse incidents and crimes
for the five unitary authorities of the "Northmere and Tees Vale" region (E06009901..E06009905), 1 April
2014 to 31 March 2016, laid out as a force sends it (title rows above the header, its own column names and
codes, a footnote, a few rows exported twice). Names, dates of birth, references and person numbers are
made up; they exist so that tests can prove none of them reaches an output.

Northmere is shaped like the area of the 2016 Hartlepool strategy: about 2,500 incidents a year, 37% of
them crimes in 2015/16 (fewer the year before), 16% with children present, one in ten high risk, three
quarters of victims women, more than half of victims aged 18-34, and more than half of incidents in its six
most deprived wards.

Run: python samples/generate_police.py   (fixed seed; rewrites samples/northmere/police/)
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "northmere" / "police"
EXTRACT = OUT_DIR / "ntv_police_da_incidents_2014-16.xlsx"
WARDS = OUT_DIR / "northmere_wards_deprivation.csv"
SEED = 2016
START, END = date(2014, 4, 1), date(2016, 3, 31)
# victims' histories start a year earlier, so repeats are steady from the first month
BURN_IN = date(2013, 4, 1)

# code, name, residents aged 16+ (mid-2015 sample population), incidents per 1,000 aged 16+ in 2015/16
AREAS = [
    ("E06009901", "Northmere", 73_291, 34.0),
    ("E06009902", "Eastholm", 103_736, 38.6),
    ("E06009903", "Saltbridge", 107_854, 27.2),
    ("E06009904", "Westcombe", 150_748, 30.1),
    ("E06009905", "Redmoor", 83_708, 31.9),
]
GROWTH = 1.06  # incidents in 2015/16 for each one in 2014/15
CRIME_SHARE = {2014: 0.33, 2015: 0.373}

# Northmere's wards: code, name, IMD 2015 score (higher is more deprived), national IMD decile
NORTHMERE_WARDS = [
    ("E05099901", "Quayside", 52.1, 1),
    ("E05099902", "Old Town", 48.7, 1),
    ("E05099903", "Brackenfield", 45.2, 1),
    ("E05099904", "Marsh End", 43.9, 1),
    ("E05099905", "Castlegate", 40.3, 1),
    ("E05099906", "Windmill", 37.8, 2),
    ("E05099907", "Northgate", 31.4, 2),
    ("E05099908", "Saltings", 28.9, 3),
    ("E05099909", "Kingsmoor", 25.2, 3),
    ("E05099910", "Hollinside", 22.6, 4),
    ("E05099911", "Longhill", 19.8, 5),
    ("E05099912", "Elmfield", 17.1, 5),
    ("E05099913", "Greyfriars", 14.3, 6),
    ("E05099914", "Thornbury", 11.9, 7),
    ("E05099915", "Westfield", 9.4, 8),
    ("E05099916", "Wykeham", 7.2, 9),
    ("E05099917", "Fenwick Moor", 5.6, 10),
]
NORTHMERE_POPULATION = (94_212, 73_291)  # all ages, aged 16+ (sample population file)
PEER_WARD_SUFFIXES = [
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Park",
    "Riverside",
    "Moor",
    "Green",
    "Vale",
]

OFFENCES = [
    ("Violence without injury", 0.38),
    ("Violence with injury", 0.30),
    ("Stalking and harassment", 0.12),
    ("Criminal damage and arson", 0.10),
    ("Sexual offences", 0.04),
    ("Other offences", 0.06),
]
VICTIM_AGES = [  # band, weight
    ((16, 17), 0.03),
    ((18, 24), 0.24),
    ((25, 34), 0.31),
    ((35, 44), 0.20),
    ((45, 54), 0.13),
    ((55, 64), 0.06),
    ((65, 88), 0.03),
]
FIRST_NAMES_F = "Amy Beth Chloe Dawn Ella Faye Gemma Holly Isla Jade Kerry Lucy Megan Nina Orla Paige Rosa Stacey Tara Zoe".split()
FIRST_NAMES_M = "Adam Ben Carl Dean Ethan Frank Gary Harry Ian Jake Kyle Liam Mark Neil Owen Paul Ryan Scott Tom Wayne".split()
SURNAMES = (
    "Ashdown Barlowe Calloway Dunmore Eversley Farrant Garside Hebden Ibbotson Jaggard Kettlewell Lunsford "
    "Marwood Netherby Oakworth Pendlebury Quarrie Rawcliffe Stanforth Thwaite Ulverston Varley Wetherall "
    "Yeadon Brindle Cawood Drabble Fairclough Gledhill Haworth"
).split()

HEADER = [
    "Occurrence Ref",
    "Date Reported",
    "Local Authority",
    "Ward",
    "Crime/Non-Crime",
    "Offence Type",
    "Victim ID",
    "Victim Name",
    "Victim DOB",
    "Victim Age",
    "Victim Gender",
    "Suspect Age",
    "Suspect Gender",
    "Children Present (Y/N)",
    "No. of Children",
    "DASH Risk",
    "Alcohol Involved",
]


def _pick(rng: random.Random, options: list[tuple]) -> object:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def ward_table(rng: random.Random) -> list[dict]:
    """Northmere's wards with populations adding up to the sample population file."""
    weights = [rng.uniform(0.8, 1.25) for _ in NORTHMERE_WARDS]
    total, adults = NORTHMERE_POPULATION
    pops = [int(total * w / sum(weights)) for w in weights]
    pops[0] += total - sum(pops)
    adult_share = [rng.uniform(0.74, 0.81) for _ in NORTHMERE_WARDS]
    raw = [p * s for p, s in zip(pops, adult_share, strict=True)]
    adult_pops = [int(adults * r / sum(raw)) for r in raw]
    adult_pops[0] += adults - sum(adult_pops)
    rows = []
    for (code, name, score, decile), pop, adult in zip(NORTHMERE_WARDS, pops, adult_pops, strict=True):
        rows.append(
            {"code": code, "name": name, "score": score, "decile": decile, "population": pop, "adults": adult}
        )
    ranked = sorted(rows, key=lambda r: -r["score"])
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank
    return rows


def _dates(rng: random.Random, growth: float) -> list[date]:
    """One victim's incident dates in the extract: a first incident, then repeats at random gaps.

    Histories start from a year before the extract, so that victims first seen in April 2014 may already
    have had an incident; only the incidents from 1 April 2014 are kept.
    """
    days = (END - BURN_IN).days + 1
    # a few more first incidents each year (the rising trend)
    first = BURN_IN + timedelta(days=int(days * (rng.random() ** (1 / growth**1.5))))
    dates = [first]
    while rng.random() < 0.34 and len(dates) < 8:
        nxt = dates[-1] + timedelta(days=int(rng.expovariate(1 / 75)) + 1)
        if nxt > END:
            break
        dates.append(nxt)
    return [d for d in dates if d >= START]


def build(rng: random.Random, wards: list[dict]) -> list[list]:
    rows: list[list] = []
    person = 100_000
    for code, name, adults, rate in AREAS:
        per_year = adults * rate / 1000
        target = per_year + per_year / GROWTH  # both years
        if code == "E06009901":
            ward_names = [w["name"] for w in wards]
            # deprivation drives the rate: the six most deprived wards hold more than half the incidents
            weights = [w["adults"] * (w["score"] ** 0.8) for w in wards]
        else:
            ward_names = [f"{name} {s}" for s in PEER_WARD_SUFFIXES]
            weights = [rng.uniform(0.6, 1.6) for _ in ward_names]
        female_share = rng.uniform(0.74, 0.78) if code != "E06009901" else 0.765
        high_share = {"E06009901": 0.092}.get(code, rng.uniform(0.06, 0.085))
        victims: list[tuple] = []
        made = 0
        while made < target:
            dates_list = _dates(rng, GROWTH)
            if dates_list:
                made += len(dates_list)
                victims.append(tuple(dates_list))
        for dates in victims:
            person += rng.randint(1, 9)
            sex = "F" if rng.random() < female_share else "M"
            low, high = _pick(rng, VICTIM_AGES)  # type: ignore[misc]
            age = rng.randint(low, high)
            first_name = rng.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M)
            victim_name = f"{first_name} {rng.choice(SURNAMES)}"
            dob = date(2015 - age, rng.randint(1, 12), rng.randint(1, 28))
            ward = rng.choices(ward_names, weights=weights)[0]
            if sex == "F":
                suspect_sex = "M" if rng.random() < 0.96 else "F"
            else:
                suspect_sex = "F" if rng.random() < 0.72 else "M"
            suspect_age = max(16, min(90, age + rng.randint(-4, 8)))
            for when in dates:
                year = when.year if when.month >= 4 else when.year - 1
                crime = rng.random() < CRIME_SHARE[year]
                present = rng.random() < 0.161
                count: int | str = ""
                if present:
                    count = _pick(rng, [(1, 0.45), (2, 0.33), (3, 0.14), (4, 0.05), (5, 0.03)])  # type: ignore[assignment]
                    if rng.random() < 0.03:
                        count = ""
                elif rng.random() < 0.9:
                    count = 0
                risk = _pick(
                    rng,
                    [
                        ("Standard", 0.58 - high_share),
                        ("Medium", 0.32),
                        ("High", high_share),
                        ("Not assessed", 0.10),
                    ],
                )
                rows.append(
                    [
                        None,
                        when,
                        name,
                        ward,
                        "Crime" if crime else "Non-Crime",
                        _pick(rng, OFFENCES) if crime else "",
                        f"P{person:07d}",
                        victim_name,
                        dob,
                        age + (when.year - 2015),
                        sex if rng.random() > 0.01 else "U",
                        suspect_age if rng.random() > 0.04 else "",
                        suspect_sex if rng.random() > 0.03 else "U",
                        "Y" if present else "N",
                        count,
                        risk,
                        _pick(rng, [("Y", 0.31), ("N", 0.59), ("Unknown", 0.10)]),
                    ]
                )
    rows.sort(key=lambda r: (r[1], r[2], r[6]))
    for n, row in enumerate(rows, 1):
        row[0] = f"NTV/{row[1]:%y}/{n:06d}"
    # a few rows exported twice, as record systems do
    for i in rng.sample(range(len(rows)), 6):
        rows.insert(i + 1, list(rows[i]))
    return rows


def write(out_dir: Path = OUT_DIR) -> list[Path]:
    rng = random.Random(SEED)
    wards = ward_table(rng)
    rows = build(rng, wards)
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DA Incidents")
    title = WriteOnlyCell(
        ws,
        "Northmere and Tees Vale Police: domestic abuse incidents and crimes, 1 April 2014 to 31 March 2016 "
        "(SYNTHETIC SAMPLE)",
    )
    title.font = Font(bold=True)
    ws.append([title])
    ws.append(
        ["Extract for community safety partnerships. Synthetic data: fictional people, no real records."]
    )
    ws.append([])
    header = []
    for text in HEADER:
        cell = WriteOnlyCell(ws, text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        cells = []
        for j, value in enumerate(row):
            cell = WriteOnlyCell(ws, value)
            if j in (1, 8):
                cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        ws.append(cells)
    ws.append([])
    ws.append(["Source: Northmere and Tees Vale Police records management system (synthetic sample)."])
    notes = wb.create_sheet("Notes")
    for line in (
        ["Notes on this extract (synthetic sample)"],
        [
            "Incidents are flagged as domestic abuse-related; crimes and non-crime incidents are both included."
        ],
        ["Victim ID is the force's person number; repeat incidents share it."],
        ["DASH Risk is the risk grading at the time of the incident (Standard, Medium, High, Not assessed)."],
    ):
        notes.append(line)
    wb.save(EXTRACT if out_dir == OUT_DIR else out_dir / EXTRACT.name)
    ward_path = WARDS if out_dir == OUT_DIR else out_dir / WARDS.name
    with open(ward_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["Ward code", "Ward name", "Population", "Population 16+", "IMD score", "IMD rank", "IMD decile"]
        )
        for w in wards:
            writer.writerow(
                [w["code"], w["name"], w["population"], w["adults"], w["score"], w["rank"], w["decile"]]
            )
    return [EXTRACT, ward_path]


if __name__ == "__main__":
    for path in write():
        print(f"wrote {path}")
