"""Generate large agency client files: 10 xlsx workbooks laid out as services send them, N rows in all.

Fictional people, realistic layouts and codes, modelled on samples/generate_agencies.py: title and notes rows
above the table, a row of group headings over the column headers (outreach), identifiers that the
pipeline must pseudonymise (names, dates of birth, postcodes, NHS numbers), Y/N/Unknown and Yes/No/Not known
codes, DASH risk levels, dates as dates and as text, a totals row and a source line under the table. People
recur within and across files (repeat referrals and people known to several agencies), so de-duplication
has work to do. Fixed seed: the same files every time.

Run: python benchmarks/generate_agency_files.py [ROWS] [--force]   (default 1,000,000 rows; writes
benchmarks/_data/agencies_<ROWS>/ with 10 files of ROWS/10 rows each, two files at a time)
"""

from __future__ import annotations

import datetime as dt
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "samples"))
from generate_agencies import IDVA_HEADERS, OUTREACH_GROUPS  # noqa: E402  (the sample's layouts, at scale)

DATA = HERE / "_data"
SEED = 20160401
FILES = 10
LAYOUTS = [
    "outreach",
    "idva",
    "refuge",
    "outreach",
    "idva",
    "refuge",
    "outreach",
    "idva",
    "outreach",
    "refuge",
]
PERIOD_START = dt.date(2015, 4, 1)
DAYS = 366

FIRST_F = [
    "Amy",
    "Sarah",
    "Emma",
    "Laura",
    "Rebecca",
    "Gemma",
    "Claire",
    "Nicola",
    "Joanne",
    "Kelly",
    "Lisa",
    "Hannah",
    "Sophie",
    "Chloe",
    "Jade",
    "Danielle",
    "Stacey",
    "Leanne",
    "Michelle",
    "Rachel",
]
FIRST_M = ["David", "Paul", "Mark", "James", "Andrew", "Michael", "Craig", "Lee", "Daniel", "Steven"]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Robson",
    "Walker",
    "Thompson",
    "White",
    "Hughes",
    "Wood",
    "Harrison",
    "Hall",
    "Green",
    "Jackson",
    "Watson",
    "Bell",
    "Scott",
    "Clarke",
    "Wright",
    "Dixon",
    "Atkinson",
    "Hutchinson",
    "Lynch",
    "Morgan",
    "Kerr",
    "Gibson",
    "Storey",
    "Pearson",
    "Young",
]
ETHNIC = ["White British", "White Other", "Asian/Asian British", "Black/Black British", "Mixed", "Other"]
ETHNIC_P = [0.86, 0.04, 0.04, 0.02, 0.02, 0.02]


def path_for(rows: int) -> Path:
    return DATA / f"agencies_{rows}"


def _people(rows: int) -> dict[str, np.ndarray]:
    """A pool of people that the files' rows are drawn from (about 0.6 referrals' worth)."""
    rng = np.random.default_rng(SEED)
    n = max(100, int(rows * 0.6))
    female = rng.random(n) < 0.85
    first = np.where(female, rng.choice(FIRST_F, n), rng.choice(FIRST_M, n))
    born = PERIOD_START - np.array([dt.timedelta(days=int(d)) for d in rng.integers(16 * 365, 80 * 365, n)])
    return {
        "first": first,
        "surname": rng.choice(SURNAMES, n),
        "sex": np.where(female, "F", "M"),
        "dob": born,
        "postcode": np.char.add(
            np.char.add("NM", rng.integers(1, 30, n).astype(str)),
            np.char.add(
                " ", np.char.add(rng.integers(1, 9, n).astype(str), rng.choice(["AB", "DE", "HJ", "PQ"], n))
            ),
        ),
        "nhs": np.array([f"{x:010d}" for x in rng.integers(4_000_000_000, 4_999_999_999, n)]),
        "ethnic": rng.choice(ETHNIC, n, p=ETHNIC_P),
        "children": rng.poisson(1.1, n),
        "risk": rng.choice(["Standard", "Medium", "High"], n, p=[0.45, 0.35, 0.2]),
    }


def _yn(
    rng: np.random.Generator,
    p: float,
    n: int,
    yes: str = "Y",
    no: str = "N",
    unknown: tuple[str, ...] = ("", "Unknown"),
    missing: float = 0.06,
) -> np.ndarray:
    values = np.where(rng.random(n) < p, yes, no).astype(object)
    gaps = rng.random(n) < missing
    values[gaps] = rng.choice(list(unknown), int(gaps.sum()))
    return values


def _dates(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array([PERIOD_START + dt.timedelta(days=int(d)) for d in np.sort(rng.integers(0, DAYS, n))])


def _outreach(rng: np.random.Generator, who: np.ndarray, pool: dict, n: int, index: int):
    title = [
        [f"Northmere Domestic Abuse Outreach Service {index}"],
        ["Client data return: referrals 1 April 2015 to 31 March 2016. OFFICIAL-SENSITIVE: do not share."],
        [],
    ]
    layout = OUTREACH_GROUPS[:-1]  # the sample's layout without its Notes column
    groups = [cell for group, names in layout for cell in [group] + [""] * (len(names) - 1)]
    headers = [name for _group, names in layout for name in names]
    merged, column = [], 0  # group headings merged over their columns
    for _group, names in layout:
        if len(names) > 1:
            merged.append((column, column + len(names) - 1))
        column += len(names)
    referral = _dates(rng, n).astype(object)
    text = rng.random(n) < 0.08
    referral[text] = [d.strftime("%d/%m/%Y") for d in referral[text]]
    children = pool["children"][who]
    columns = [
        np.array([f"OR{index}-{i:06d}" for i in range(1, n + 1)]),
        pool["first"][who],
        pool["surname"][who],
        pool["dob"][who],
        pool["postcode"][who],
        pool["sex"][who],
        pool["ethnic"][who],
        referral,
        np.full(n, None),
        np.where(children > 0, "Y", "N"),
        children.astype(object),
        *(_yn(rng, p, n) for p in (0.4, 0.2, 0.15, 0.45, 0.35)),
        rng.choice(["Employed", "Unemployed", "Student", "Long-term sick", "Carer"], n),
        *(_yn(rng, p, n, missing=0.03) for p in (0.6, 0.2, 0.9, 0.4, 0.7, 0.3)),
        np.round(rng.gamma(2.0, 1.5, n), 1),
        pool["risk"][who],
        np.where(pool["sex"][who] == "F", "M", "F"),
        rng.choice(["Ex-partner", "Partner", "Family member"], n),
        _yn(rng, 0.3, n),
        *(_yn(rng, p, n, missing=0.2) for p in (0.77, 0.86, 0.87)),
    ]
    return (
        title,
        [groups, headers],
        columns,
        "Source: Northmere Outreach case management system, extracted 05/04/2016.",
        merged,
    )


def _idva(rng: np.random.Generator, who: np.ndarray, pool: dict, n: int, index: int):
    title = [[f"IDVA service {index}: cases opened 2015/16"], []]
    headers = [h for h in IDVA_HEADERS if h != "Phone"]
    yesno = {"yes": "Yes", "no": "No", "unknown": ("Not known", "Declined", "")}
    names = np.char.add(
        np.char.add(np.char.upper(pool["surname"][who].astype(str)), ", "), pool["first"][who].astype(str)
    )
    columns = [
        np.array([f"ID-{index}-{i:06d}" for i in range(1, n + 1)]),
        names,
        np.array([d.strftime("%d/%m/%y") for d in pool["dob"][who]]),
        pool["sex"][who],
        pool["ethnic"][who],
        np.array([d.strftime("%d-%b-%y") for d in _dates(rng, n)]),
        pool["risk"][who],
        pool["children"][who].astype(str),
        *(_yn(rng, p, n, **yesno) for p in (0.4, 0.25, 0.45)),
        rng.choice(["Employed FT", "Unemployed", "Student", "Unable to work", "Carer"], n),
        *(_yn(rng, p, n, **yesno, missing=0.02) for p in (0.6, 0.2, 0.9, 0.4, 0.7, 0.3)),
        rng.choice(["Ex-partner", "Ex-husband", "Partner", "Husband", "Son", "Brother"], n),
        np.where(pool["sex"][who] == "F", "Male", "Female"),
        _yn(rng, 0.25, n, "Yes", "No", ("",), 0.0),
        pool["nhs"][who],
    ]
    return title, [headers], columns, f"Extracted from IDVA case system {index}.", []


def _refuge(rng: np.random.Generator, who: np.ndarray, pool: dict, n: int, index: int):
    title = [[f"Refuge {index}: referrals and residents, 2015/16"], []]
    headers = [
        "Resident ID",
        "Name",
        "Date of Birth",
        "NHS Number",
        "Referral Received",
        "Accommodation",
        "From outside Northmere?",
        "Decision",
        "Reason not admitted",
        "No. of children accompanying",
        "Support needs - MH",
        "Support needs - Drugs/Alcohol",
        "Disabled",
        "Ethnicity",
    ]
    supported = rng.random(n) < 0.42
    reason = rng.choice(
        ["Refuge full", "Needs too high", "Client declined", "NRPF", "No contact"],
        n,
        p=[0.41, 0.15, 0.35, 0.04, 0.05],
    ).astype(object)
    reason[supported] = ""
    columns = [
        np.array([f"R{index}-{i:06d}" for i in range(1, n + 1)]),
        np.char.add(np.char.add(pool["first"][who].astype(str), " "), pool["surname"][who].astype(str)),
        pool["dob"][who],
        pool["nhs"][who],
        _dates(rng, n),
        rng.choice(
            ["Refuge", "Dispersed", "Sanctuary", "Second stage", "Cedar House"],
            n,
            p=[0.5, 0.25, 0.1, 0.1, 0.05],
        ),
        _yn(rng, 0.38, n, "Yes", "No", ("",), 0.0),
        np.where(supported, "Accepted", "Declined"),
        reason,
        np.where(supported, np.minimum(pool["children"][who], 3), 0),
        *(_yn(rng, p, n, "Yes", "No", ("",), 0.0) for p in (0.4, 0.3, 0.15)),
        pool["ethnic"][who],
    ]
    return title, [headers], columns, "Source: refuge records.", []


MAKERS = {"outreach": _outreach, "idva": _idva, "refuge": _refuge}


def write_file(rows: int, index: int, path: Path) -> Path:
    """Write agency file `index` (0-based) with rows/10 data rows, a totals row and a source line."""
    from openpyxl import Workbook
    from openpyxl.worksheet.cell_range import CellRange

    pool = _people(rows)
    rng = np.random.default_rng(SEED + index + 1)
    n = rows // FILES + (1 if index < rows % FILES else 0)
    who = rng.integers(0, len(pool["first"]), n)
    layout = LAYOUTS[index]
    title, header_rows, columns, source, merges = MAKERS[layout](rng, who, pool, n, index + 1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"Clients {layout}")
    for row in title + header_rows:
        ws.append(row)
    group_row = len(title) + 1
    for first, last in merges:
        ws.merged_cells.add(
            CellRange(min_row=group_row, max_row=group_row, min_col=first + 1, max_col=last + 1)
        )
    lists = [c.tolist() if isinstance(c, np.ndarray) else list(c) for c in columns]
    for row in zip(*lists, strict=True):
        ws.append(row)
    ws.append(["Total", n])
    ws.append([])
    ws.append([source])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def ensure(rows: int, workers: int = 2) -> list[Path]:
    """The 10 files for `rows` rows in all, generated if missing."""
    folder = path_for(rows)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{i + 1:02d}_{LAYOUTS[i]}.xlsx" for i in range(FILES)]
    missing = [(i, p) for i, p in enumerate(paths) if not p.exists()]
    if missing:
        with ProcessPoolExecutor(workers) as pool:
            list(
                pool.map(write_file, [rows] * len(missing), [i for i, _ in missing], [p for _, p in missing])
            )
    return paths


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    total = int(args[0]) if args else 1_000_000
    if "--force" in sys.argv:
        for old in path_for(total).glob("*.xlsx"):
            old.unlink()
    written = ensure(total)
    print(f"{len(written)} files, {total:,} rows in all, in {path_for(total)}")
