"""Generate the synthetic Northmere police extract of domestic-abuse-related crimes by offence type.

Fictional numbers in the shape of a police performance table: a title row, a blank row, then offence type
and number of crimes for April 2015 to March 2016. About 900 crimes for a population of about 94,000, the
order of magnitude of a small northern unitary authority. Two offence types (violence without injury,
stalking and harassment) have no cost per offence in ho-horr99-2018, so the sample shows how crimes that
cannot be costed are listed rather than dropped.

Run: python samples/generate_crimes.py   (no randomness; rewrites samples/northmere/police/)
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "northmere" / "police" / "da_crimes_2015_16.csv"
TITLE = (
    "Northmere: domestic-abuse-related crimes recorded by the police, April 2015 to March 2016 "
    "(SYNTHETIC: no real data)"
)
COUNTS = [
    ("Homicide", 0),
    ("Violence with injury", 262),
    ("Violence without injury", 398),
    ("Stalking and harassment", 96),
    ("Rape", 14),
    ("Other sexual offences", 21),
    ("Criminal damage", 104),
    ("Arson", 3),
    ("Theft of a motor vehicle", 2),
    ("Theft from a motor vehicle", 1),
    ("Robbery", 4),
]


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([TITLE])
        writer.writerow([])
        writer.writerow(["Offence type", "Number of crimes"])
        writer.writerows(COUNTS)
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
