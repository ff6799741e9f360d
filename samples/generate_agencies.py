"""Generate synthetic agency spreadsheets for the fictional area of Northmere, as agencies really send them.

Synthetic people only: names are drawn from common-name lists, dates of birth at random. Each agency's
file has its own layout, headers and codes, deliberately messy in the ways real returns are:

- outreach.xlsx   title rows, merged group headers over two header rows, a blank column, Excel dates beside
                  text dates and bare serial numbers, numbers stored as text, "#N/A" cells, a blank row,
                  a totals row and a source note at the bottom; postcodes and free-text notes.
- idva.csv        cp1252 text; "SURNAME, Forename" names with accents, two-digit-year dates of birth,
                  "05-Apr-15" referral dates, Yes/No/Not known codes, census ethnic categories.
- refuge.ods      OpenDocument; safe-accommodation (Part 4) fields: accommodation type, out of area,
                  referral outcome and reasons, move-on destinations; local codes that need the mapping.
- marac.xls       Excel 97; a "Cases" sheet (victims, with a totals row) and a "Perpetrators" sheet.

People overlap across agencies (most MARAC cases also have an IDVA; many refuge residents had outreach),
some are referred more than once, and some names are spelt differently from one agency to the next.
A handful of rows carry planted defects (no referral date, a date in the future, impossible dates of birth,
unknown codes) so that the reconciliation has something to report.

Run: python samples/generate_agencies.py [OUT_DIR]   (fixed seed; default: rewrites the data files in
samples/northmere/agencies/; the mapping TOML files there are written by hand and left alone)
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "northmere" / "agencies"
SEED = 20160401
PERIOD_START = dt.date(2015, 4, 1)
PERIOD_END = dt.date(2016, 3, 31)

FEMALE_NAMES = [
    "Amy",
    "Andrea",
    "Angela",
    "Ann",
    "Beth",
    "Carly",
    "Caroline",
    "Charlotte",
    "Chloe",
    "Claire",
    "Danielle",
    "Dawn",
    "Debbie",
    "Donna",
    "Emma",
    "Gemma",
    "Hannah",
    "Hayley",
    "Helen",
    "Jade",
    "Jennifer",
    "Joanne",
    "Julie",
    "Karen",
    "Katherine",
    "Kelly",
    "Kerry",
    "Laura",
    "Leanne",
    "Lisa",
    "Louise",
    "Lucy",
    "Mandy",
    "Michelle",
    "Natalie",
    "Nicola",
    "Paula",
    "Rachel",
    "Rebecca",
    "Samantha",
    "Sarah",
    "Sharon",
    "Siân",
    "Stacey",
    "Stephanie",
    "Tracey",
    "Vicky",
    "Zoë",
    "Renée",
    "Aisha",
    "Fatima",
    "Priya",
    "Agnieszka",
]
MALE_NAMES = [
    "Adam",
    "Andrew",
    "Anthony",
    "Ben",
    "Carl",
    "Chris",
    "Craig",
    "Daniel",
    "Darren",
    "David",
    "Dean",
    "Gary",
    "Graham",
    "Ian",
    "Jamie",
    "Jason",
    "John",
    "Kevin",
    "Lee",
    "Liam",
    "Mark",
    "Martin",
    "Matthew",
    "Michael",
    "Neil",
    "Paul",
    "Peter",
    "Richard",
    "Robert",
    "Ryan",
    "Scott",
    "Shaun",
    "Steven",
    "Stuart",
    "Thomas",
    "Wayne",
    "Imran",
    "Tomasz",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Robinson",
    "Thompson",
    "Walker",
    "Wright",
    "Wood",
    "Hall",
    "Green",
    "Hughes",
    "Clarke",
    "Jackson",
    "Harrison",
    "Turner",
    "Hill",
    "Johnson",
    "White",
    "Stephenson",
    "Atkinson",
    "Dixon",
    "Bell",
    "Watson",
    "Scott",
    "Graham",
    "Young",
    "Allan",
    "Marshall",
    "Dobson",
    "Richardson",
    "Simpson",
    "Fletcher",
    "Pearson",
    "Metcalfe",
    "Storey",
    "Hodgson",
    "O'Connor",
    "McCarthy",
    "Kowalski",
    "Khan",
    "Hussain",
    "Patel",
    "Nowak",
    "Gibson",
    "Henderson",
    "Morgan",
    "Lambert",
    "Foster",
]
# Spellings that another agency might use: same first letter of the forename, same surname Soundex.
SURNAME_VARIANTS = {
    "Smith": "Smyth",
    "Thompson": "Thomson",
    "Clarke": "Clark",
    "Stephenson": "Stevenson",
    "Allan": "Allen",
    "Metcalfe": "Metcalf",
    "Storey": "Story",
    "Hodgson": "Hodgeson",
    "Dobson": "Dobsen",
    "Fletcher": "Fleccher",
}
FORENAME_VARIANTS = {
    "Joanne": "Jo",
    "Katherine": "Kate",
    "Samantha": "Sam",
    "Rebecca": "Rebekah",
    "Stephanie": "Steph",
    "Victoria": "Vicky",
    "Danielle": "Dani",
    "Nicola": "Nicky",
    "Jennifer": "Jenny",
    "Debbie": "Deborah",
}
STREETS = [
    "Church Street",
    "Victoria Road",
    "Station Lane",
    "York Road",
    "Park Avenue",
    "Raby Road",
    "Front Street",
]


@dataclass
class Person:
    """A synthetic victim/survivor and the facts agencies may record about her or him."""

    pid: int
    first: str
    surname: str
    dob: dt.date
    sex: str
    ethnic: str
    disability: bool
    lgbt: bool
    children: int
    mental_health: bool
    alcohol: bool
    drugs: bool
    finance: bool
    housing: bool
    employment: str
    abuse: dict[str, bool]
    duration_months: int
    risk: str
    perp: Perpetrator
    relationship: str
    lives_with: bool
    postcode: str
    phone: str
    nhs: str
    referrals: dict[str, list[dt.date]] = field(default_factory=dict)


@dataclass
class Perpetrator:
    pid: int
    first: str
    surname: str
    dob: dt.date
    sex: str
    alcohol: bool
    drugs: bool
    mental_health: bool
    finance: bool
    previous_da: bool
    repeat: bool


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _age_dob(rng: random.Random, age: int, on: dt.date) -> dt.date:
    return on - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 364))


def _victim_age(rng: random.Random) -> int:
    band = rng.choices(
        [(16, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 84)],
        weights=[3, 24, 31, 21, 12, 6, 3],
    )[0]
    return rng.randint(*band)


def _perpetrator(rng: random.Random, pid: int, victim_sex: str, victim_surname: str) -> Perpetrator:
    if victim_sex == "F":
        sex = "M" if rng.random() < 0.94 else "F"
    else:
        sex = "F" if rng.random() < 0.7 else "M"
    first = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
    surname = victim_surname if rng.random() < 0.3 else rng.choice(SURNAMES)
    age = rng.choices(
        [rng.randint(18, 24), rng.randint(25, 34), rng.randint(35, 44), rng.randint(45, 70)],
        weights=[24, 38, 22, 16],
    )[0]
    return Perpetrator(
        pid,
        first,
        surname,
        _age_dob(rng, age, PERIOD_START),
        sex,
        alcohol=rng.random() < 0.42,
        drugs=rng.random() < 0.31,
        mental_health=rng.random() < 0.22,
        finance=rng.random() < 0.26,
        previous_da=rng.random() < 0.33,
        repeat=rng.random() < 0.19,
    )


def make_people(rng: random.Random, n: int) -> list[Person]:
    people = []
    for pid in range(1, n + 1):
        sex = "F" if rng.random() < 0.86 else "M"
        first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
        surname = rng.choice(SURNAMES)
        age = _victim_age(rng)
        has_children = rng.random() < 0.72
        alcohol, drugs = rng.random() < 0.13, rng.random() < 0.10
        ethnic = rng.choices(
            ["White British", "White Other", "Asian/Asian British", "Black/Black British", "Mixed", "Other"],
            weights=[89, 4, 3, 1.5, 1.5, 1],
        )[0]
        people.append(
            Person(
                pid,
                first,
                surname,
                _age_dob(rng, age, PERIOD_START),
                sex,
                ethnic,
                disability=rng.random() < 0.16,
                lgbt=rng.random() < 0.04,
                children=rng.choices([1, 2, 3, 4, 5], weights=[35, 35, 18, 8, 4])[0] if has_children else 0,
                mental_health=rng.random() < 0.31,
                alcohol=alcohol,
                drugs=drugs,
                finance=rng.random() < 0.24,
                housing=rng.random() < 0.35,
                employment=rng.choices(
                    ["employed", "unemployed", "student", "sick", "carer"], weights=[32, 44, 6, 10, 8]
                )[0],
                abuse={
                    "physical": rng.random() < 0.61,
                    "sexual": rng.random() < 0.18,
                    "emotional": rng.random() < 0.88,
                    "financial": rng.random() < 0.36,
                    "jealous": rng.random() < 0.83,
                    "stalking": rng.random() < 0.73,
                },
                duration_months=max(1, int(rng.lognormvariate(3.3, 0.8))),
                risk=rng.choices(["standard", "medium", "high"], weights=[45, 35, 20])[0],
                perp=_perpetrator(rng, pid, sex, surname),
                relationship=rng.choices(["ex", "partner", "family"], weights=[62, 28, 10])[0],
                lives_with=rng.random() < 0.3,
                postcode=f"NM{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                phone=f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                nhs=f"{rng.randint(400, 499)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            )
        )
    return people


def assign_referrals(rng: random.Random, people: list[Person]) -> None:
    """Decide who each agency saw, and when; repeat referrals included."""
    for p in people:
        high = p.risk == "high"
        outreach = rng.random() < (0.45 if not high else 0.35)
        idva = rng.random() < (0.9 if high else 0.12)
        marac = high and rng.random() < 0.72
        refuge = rng.random() < (0.25 if (high or outreach) else 0.1)
        for agency, chosen, repeat in (
            ("outreach", outreach, 0.08),
            ("idva", idva, 0.10),
            ("refuge", refuge, 0.06),
            ("marac", marac, 0.25),
        ):
            if not chosen:
                continue
            dates = [_date_between(rng, PERIOD_START, PERIOD_END)]
            if rng.random() < repeat:
                dates.append(_date_between(rng, PERIOD_START, PERIOD_END))
            p.referrals[agency] = sorted(dates)


def yn(rng: random.Random, value: bool, yes="Y", no="N", unknown=("", "Unknown"), missing=0.06) -> str:
    if rng.random() < missing:
        return rng.choice(unknown)
    return yes if value else no


def _name_for(rng: random.Random, p: Person, variant_rate: float = 0.07) -> tuple[str, str]:
    first, surname = p.first, p.surname
    if rng.random() < variant_rate:
        if surname in SURNAME_VARIANTS and rng.random() < 0.6:
            surname = SURNAME_VARIANTS[surname]
        elif first in FORENAME_VARIANTS:
            first = FORENAME_VARIANTS[first]
    return first, surname


# --- outreach.xlsx --------------------------------------------------------------------------------


# The outreach return's column groups, each heading merged over its columns (the benchmark uses them too).
OUTREACH_GROUPS = [
    (
        "Client",
        ["Client Ref", "Forename", "Surname", "DOB", "Postcode", "Gender", "Ethnicity", "Referral date"],
    ),
    ("", [""]),  # a blank spacer column
    (
        "Needs",
        [
            "Any children?",
            "No. of children",
            "MH",
            "Alcohol",
            "Drugs",
            "Finances",
            "Housing",
            "Employment",
        ],
    ),
    (
        "Abuse experienced",
        [
            "Physical",
            "Sexual",
            "Emotional",
            "Financial",
            "Jealous/controlling",
            "Stalking/harassment",
            "Length of abuse (yrs)",
        ],
    ),
    ("Risk", ["DASH"]),
    ("Perpetrator", ["Gender", "Relationship", "Lives with?"]),
    ("Outcomes at exit", ["Abuse reduced", "Feel safer", "QoL improved"]),
    ("", ["Notes"]),
]


def write_outreach(rng: random.Random, people: list[Person], path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Clients 2015-16"
    groups = OUTREACH_GROUPS
    ws["A1"] = "Northmere Domestic Abuse Outreach Service"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "Client data return: referrals 1 April 2015 to 31 March 2016. OFFICIAL-SENSITIVE: do not share."
    )
    col = 1
    for group, headers in groups:
        if group:
            ws.cell(row=4, column=col, value=group).font = Font(bold=True)
            if len(headers) > 1:
                ws.merge_cells(start_row=4, start_column=col, end_row=4, end_column=col + len(headers) - 1)
            ws.cell(row=4, column=col).alignment = Alignment(horizontal="center")
        for h in headers:
            ws.cell(row=5, column=col, value=h or None).font = Font(bold=True)
            col += 1
    rows = []
    for p in people:
        for n, when in enumerate(p.referrals.get("outreach", [])):
            rows.append((when, p, n))
    rows.sort(key=lambda r: r[0])
    out_row = 6
    totals = {}
    for i, (when, p, _n) in enumerate(rows, start=1):
        first, surname = _name_for(rng, p)
        dob: object = p.dob if rng.random() < 0.85 else p.dob.strftime("%d/%m/%Y")
        referral: object = when
        r = rng.random()
        if r < 0.08:
            referral = when.strftime("%d/%m/%Y")  # a text date
        elif r < 0.12:
            referral = float((when - dt.date(1899, 12, 30)).days)  # a bare Excel serial number
        children = str(p.children) if rng.random() < 0.3 else p.children  # numbers stored as text
        ethnic = "#N/A" if rng.random() < 0.04 else p.ethnic
        values = [
            f"OR{i:04d}",
            first,
            surname,
            dob,
            p.postcode,
            p.sex,
            ethnic,
            referral,
            None,
            yn(rng, p.children > 0),
            children if p.children or rng.random() < 0.5 else None,
            yn(rng, p.mental_health),
            yn(rng, p.alcohol),
            yn(rng, p.drugs),
            yn(rng, p.finance),
            yn(rng, p.housing),
            {
                "employed": "Employed",
                "unemployed": "Unemployed",
                "student": "Student",
                "sick": "Long-term sick",
                "carer": "Carer",
            }[p.employment],
            *(
                yn(rng, p.abuse[k], missing=0.03)
                for k in ("physical", "sexual", "emotional", "financial", "jealous", "stalking")
            ),
            round(p.duration_months / 12, 1) if rng.random() > 0.1 else None,
            {"standard": "Standard", "medium": "Medium", "high": "High"}[p.risk],
            p.perp.sex,
            {"ex": "Ex-partner", "partner": "Partner", "family": "Family member"}[p.relationship],
            yn(rng, p.lives_with),
            yn(rng, rng.random() < 0.77, missing=0.2),
            yn(rng, rng.random() < 0.86, missing=0.2),
            yn(rng, rng.random() < 0.87, missing=0.2),
            f"{first} {surname} seen at home address {rng.randint(1, 99)} {rng.choice(STREETS)}"
            if rng.random() < 0.3
            else None,
        ]
        for j, v in enumerate(values):
            if v == "Y":
                totals[j] = totals.get(j, 0) + 1
        for j, v in enumerate(values, start=1):
            cell = ws.cell(row=out_row, column=j, value=v)
            if isinstance(v, dt.date):
                cell.number_format = "dd/mm/yyyy"
        out_row += 1
        if i == 250:
            out_row += 1  # a blank row in the middle of the table
    planted = [
        ("OR9001", "Referral date", None),  # no referral date: rejected
        ("OR9002", "Referral date", "12/05/2061"),  # a date in the future: rejected
        ("OR9003", "DOB", dt.date(1890, 1, 1)),  # impossible date of birth: warning
        ("OR9004", "Gender", "FM"),  # an unknown code: warning
    ]
    for ref, what, value in planted:
        p = rng.choice(people)
        row = [
            ref,
            p.first,
            p.surname,
            p.dob,
            p.postcode,
            p.sex,
            p.ethnic,
            PERIOD_START + dt.timedelta(days=40),
        ]
        row[{"Referral date": 7, "DOB": 3, "Gender": 5}[what]] = value
        for j, v in enumerate(row, start=1):
            ws.cell(row=out_row, column=j, value=v)
        out_row += 1
    ws.cell(row=out_row, column=1, value="Total")
    for j, count in totals.items():
        ws.cell(row=out_row, column=j + 1, value=count)
    ws.cell(
        row=out_row + 2,
        column=1,
        value="Source: Northmere Outreach case management system, extracted 05/04/2016.",
    )
    wb.save(path)
    return len(rows) + len(planted)


# --- idva.csv -------------------------------------------------------------------------------------


IDVA_HEADERS = [
    "Case ID",
    "Client Name",
    "D.O.B.",
    "Sex (M/F)",
    "Ethnic Origin",
    "Date Referred",
    "DASH Risk Level",
    "Children in household",
    "Mental Health",
    "Substance Misuse",
    "Financial Issues",
    "Employment Status",
    "Physical",
    "Sexual",
    "Emotional/Psychological",
    "Economic",
    "Coercive control",
    "Stalking",
    "Relationship to perpetrator",
    "Perp gender",
    "Repeat",
    "Phone",
    "NHS No",
]


def write_idva(rng: random.Random, people: list[Person], path: Path) -> int:
    headers = IDVA_HEADERS
    ethnic_codes = {
        "White British": "White - British",
        "White Other": "White - Any other White background",
        "Asian/Asian British": "Asian or Asian British - Pakistani",
        "Black/Black British": "Black - African",
        "Mixed": "Mixed - White and Black Caribbean",
        "Other": "Other - Arab",
    }
    rows = []
    for p in people:
        for n, when in enumerate(p.referrals.get("idva", [])):
            first, surname = _name_for(rng, p)
            yesno = {"yes": "Yes", "no": "No", "unknown": ("Not known", "Declined", "")}
            rows.append(
                [
                    "",
                    f"{surname.upper()}, {first}",
                    p.dob.strftime("%d/%m/%y") if rng.random() > 0.03 else "",
                    p.sex,
                    ethnic_codes[p.ethnic] if rng.random() > 0.05 else "Not stated",
                    when.strftime("%d-%b-%y"),
                    {"standard": "Standard", "medium": "Medium", "high": "High"}[p.risk],
                    str(p.children),
                    yn(rng, p.mental_health, **yesno),
                    yn(rng, p.alcohol or p.drugs, **yesno),
                    yn(rng, p.finance, **yesno),
                    {
                        "employed": "Employed FT",
                        "unemployed": "Unemployed",
                        "student": "Student",
                        "sick": "Unable to work",
                        "carer": "Carer",
                    }[p.employment],
                    *(
                        yn(rng, p.abuse[k], **yesno, missing=0.02)
                        for k in ("physical", "sexual", "emotional", "financial", "jealous", "stalking")
                    ),
                    {
                        "ex": rng.choice(["Ex-partner", "Ex-husband", "Ex-boyfriend"]),
                        "partner": rng.choice(["Partner", "Husband", "Boyfriend"]),
                        "family": rng.choice(["Son", "Brother", "Father"]),
                    }[p.relationship],
                    {"M": "Male", "F": "Female"}[p.perp.sex],
                    "Yes" if n else "No",
                    p.phone,
                    p.nhs,
                ]
            )
    rows.sort(key=lambda r: dt.datetime.strptime(r[5], "%d-%b-%y"))
    for i, r in enumerate(rows, start=1):
        r[0] = f"ID-{i:05d}"
    rows[10][6] = "Critical"  # an unknown code: warning
    rows[20][5] = ""  # no referral date: rejected
    with open(path, "w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return len(rows)


# --- refuge.ods -----------------------------------------------------------------------------------


def write_refuge(rng: random.Random, people: list[Person], path: Path) -> int:
    import pandas as pd

    records = []
    for p in people:
        for when in p.referrals.get("refuge", []):
            first, surname = _name_for(rng, p)
            supported = rng.random() < 0.42
            accommodation = rng.choices(
                ["Cedar House", "Dispersed flat", "Sanctuary", "Move-on"], weights=[55, 25, 12, 8]
            )[0]
            left = supported and rng.random() < 0.7
            records.append(
                {
                    "Resident ID": "",
                    "Name": f"{first} {surname}",
                    "Date of Birth": pd.Timestamp(p.dob),
                    "NHS Number": p.nhs,
                    "Referral Received": pd.Timestamp(when),
                    "Accommodation": accommodation,
                    "From outside Northmere?": "Yes" if rng.random() < 0.38 else "No",
                    "Decision": "Accepted" if supported else "Declined",
                    "Reason not admitted": ""
                    if supported
                    else rng.choices(
                        ["Refuge full", "Needs too high", "Client declined", "NRPF", "No contact"],
                        weights=[41, 15, 35, 4, 5],
                    )[0],
                    "No. of children accompanying": min(p.children, rng.randint(0, 3)) if supported else "",
                    "Support needs - MH": "Yes" if p.mental_health else "No",
                    "Support needs - Drugs/Alcohol": "Yes" if (p.alcohol or p.drugs) else "No",
                    "Disabled": "Yes" if p.disability else "No",
                    "Ethnicity": p.ethnic,
                    "Reason for leaving": rng.choice(
                        ["Planned move on", "Moved to TA", "Evicted", "Returned to partner", "Lost contact"]
                    )
                    if left
                    else "",
                    "Move on to": rng.choice(
                        ["Council tenancy", "Private rented", "Family/friends", "Another refuge", "TA"]
                    )
                    if left
                    else "",
                }
            )
    records.sort(key=lambda r: r["Referral Received"])
    for i, r in enumerate(records, start=1):
        r["Resident ID"] = f"R{i:04d}"
    records[5]["Decision"] = "Waiting list"  # not an allowed outcome in this return: warning
    frame = pd.DataFrame(records)
    title = pd.DataFrame([["Northmere Refuge: referrals and residents, 2015/16"]])
    with pd.ExcelWriter(path, engine="odf") as writer:
        title.to_excel(writer, sheet_name="Referrals", header=False, index=False, startrow=0)
        frame.to_excel(writer, sheet_name="Referrals", index=False, startrow=2)
    return len(records)


# --- marac.xls ------------------------------------------------------------------------------------


def write_marac(rng: random.Random, people: list[Person], path: Path) -> tuple[int, int]:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    bold = xlwt.easyxf("font: bold on")
    cases = book.add_sheet("Cases")
    perps = book.add_sheet("Perpetrators")
    cases.write(0, 0, "Northmere MARAC - cases heard 2015/16", bold)
    case_headers = [
        "MARAC Ref",
        "Date of MARAC",
        "Victim Name",
        "Victim DOB",
        "Victim Gender",
        "Ethnicity",
        "Referring agency",
        "Repeat MARAC (Y/N)",
        "No of CYP in household",
        "Perpetrator Name",
        "Perpetrator DOB",
        "Perpetrator Gender",
        "Relationship",
        "Police ref",
    ]
    for j, h in enumerate(case_headers):
        cases.write(2, j, h, bold)
    perp_headers = [
        "Perp Ref",
        "Name",
        "DOB",
        "Gender",
        "Date of MARAC",
        "Alcohol",
        "Drugs",
        "Mental health",
        "Finances",
        "Previous DA record",
        "Repeat perpetrator",
    ]
    for j, h in enumerate(perp_headers):
        perps.write(0, j, h, bold)
    rows = []
    for p in people:
        for n, when in enumerate(p.referrals.get("marac", [])):
            rows.append((when, p, n))
    rows.sort(key=lambda r: r[0])
    r = 3
    for i, (when, p, n) in enumerate(rows, start=1):
        first, surname = _name_for(rng, p, variant_rate=0.04)
        values = [
            f"M{i:04d}",
            when,
            f"{first} {surname}",
            p.dob,
            p.sex,
            {"White British": "WBRI", "White Other": "WOTH"}.get(p.ethnic, p.ethnic),
            rng.choice(["Police", "IDVA", "Health", "Children's Services", "Housing"]),
            "Y" if n or rng.random() < 0.22 else "N",
            p.children,
            f"{p.perp.first} {p.perp.surname}",
            p.perp.dob,
            p.perp.sex,
            {"ex": "Ex-intimate partner", "partner": "Intimate partner", "family": "Family"}[p.relationship],
            f"NM/{rng.randint(10000, 99999)}/15",
        ]
        for j, v in enumerate(values):
            if isinstance(v, dt.date):
                cases.write(r, j, v, date_style)
            else:
                cases.write(r, j, v)
        perp_values = [
            f"P{i:04d}",
            f"{p.perp.first} {p.perp.surname}",
            p.perp.dob,
            p.perp.sex,
            when,
            *(
                "Y" if x else "N"
                for x in (
                    p.perp.alcohol,
                    p.perp.drugs,
                    p.perp.mental_health,
                    p.perp.finance,
                    p.perp.previous_da,
                    p.perp.repeat,
                )
            ),
        ]
        for j, v in enumerate(perp_values):
            if isinstance(v, dt.date):
                perps.write(i, j, v, date_style)
            else:
                perps.write(i, j, v)
        r += 1
    cases.write(r, 0, "TOTAL CASES")
    cases.write(r, 1, len(rows))
    book.save(str(path))
    return len(rows), len(rows)


def main(out: Path = OUT) -> None:
    rng = random.Random(SEED)
    people = make_people(rng, 1600)
    assign_referrals(rng, people)
    out.mkdir(parents=True, exist_ok=True)
    counts = {
        "outreach.xlsx": write_outreach(rng, people, out / "outreach.xlsx"),
        "idva.csv": write_idva(rng, people, out / "idva.csv"),
        "refuge.ods": write_refuge(rng, people, out / "refuge.ods"),
        "marac.xls": write_marac(rng, people, out / "marac.xls"),
    }
    for name, n in counts.items():
        print(f"{name}: {n} client rows")


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
