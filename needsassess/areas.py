"""Area codes: what a GSS code looks like, and the local government reorganisation of 1 April 2023.

On 1 April 2023 Cumbria's six districts were replaced by two unitary authorities (Cumberland;
Westmorland and Furness), and North Yorkshire and Somerset each became one unitary authority. The old
codes are retired: the national statistics published since (mid-2023 population estimates onwards,
Fingertips' "post 4/23" area types) use the new ones. Asking for an old code is a common slip and
otherwise ends in an empty or stale answer, so it is caught here with the code to use instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from needsassess.errors import NeedsAssessError

GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
REORGANISATION_DATE = "1 April 2023"
FIRST_YEAR_OF_NEW_AREAS = 2023


class AreaError(NeedsAssessError):
    """An area that cannot be used as asked (abolished, unknown, ambiguous)."""


@dataclass(frozen=True)
class Area:
    code: str
    name: str


# Successor unitary authorities created on 1 April 2023.
CUMBERLAND = Area("E06000063", "Cumberland")
WESTMORLAND_AND_FURNESS = Area("E06000064", "Westmorland and Furness")
NORTH_YORKSHIRE = Area("E06000065", "North Yorkshire")
SOMERSET = Area("E06000066", "Somerset")

# Retired code -> (retired name, successor(s)).
RETIRED: dict[str, tuple[str, tuple[Area, ...]]] = {
    "E07000026": ("Allerdale", (CUMBERLAND,)),
    "E07000028": ("Carlisle", (CUMBERLAND,)),
    "E07000029": ("Copeland", (CUMBERLAND,)),
    "E07000027": ("Barrow-in-Furness", (WESTMORLAND_AND_FURNESS,)),
    "E07000030": ("Eden", (WESTMORLAND_AND_FURNESS,)),
    "E07000031": ("South Lakeland", (WESTMORLAND_AND_FURNESS,)),
    "E10000006": ("Cumbria", (CUMBERLAND, WESTMORLAND_AND_FURNESS)),
    "E07000163": ("Craven", (NORTH_YORKSHIRE,)),
    "E07000164": ("Hambleton", (NORTH_YORKSHIRE,)),
    "E07000165": ("Harrogate", (NORTH_YORKSHIRE,)),
    "E07000166": ("Richmondshire", (NORTH_YORKSHIRE,)),
    "E07000167": ("Ryedale", (NORTH_YORKSHIRE,)),
    "E07000168": ("Scarborough", (NORTH_YORKSHIRE,)),
    "E07000169": ("Selby", (NORTH_YORKSHIRE,)),
    "E10000023": ("North Yorkshire (county council)", (NORTH_YORKSHIRE,)),
    "E07000187": ("Mendip", (SOMERSET,)),
    "E07000188": ("Sedgemoor", (SOMERSET,)),
    "E07000189": ("South Somerset", (SOMERSET,)),
    "E07000246": ("Somerset West and Taunton", (SOMERSET,)),
    "E10000027": ("Somerset (county council)", (SOMERSET,)),
}

SUCCESSORS: dict[str, Area] = {
    a.code: a for a in (CUMBERLAND, WESTMORLAND_AND_FURNESS, NORTH_YORKSHIRE, SOMERSET)
}


def is_gss_code(text: str) -> bool:
    """True for a 9-character GSS code such as E06000001 (country letter and eight digits)."""
    return bool(GSS_CODE.match(text.strip().upper()))


def retired_message(code: str) -> str | None:
    """Say what replaced `code` if it was abolished in April 2023, else None."""
    entry = RETIRED.get(code.strip().upper())
    if entry is None:
        return None
    name, successors = entry
    parts = " and ".join(f"{s.name}, {s.code}" for s in successors)
    part_of = "is part of" if len(successors) == 1 else "is now split between"
    return f"{code.upper()} ({name}) was abolished on {REORGANISATION_DATE}; it {part_of} {parts}"


def predecessors_of(code: str) -> list[tuple[str, str]]:
    """The retired (code, name) pairs that a successor authority replaced, districts first."""
    code = code.strip().upper()
    found = [(old, name) for old, (name, succ) in RETIRED.items() if any(s.code == code for s in succ)]
    return sorted(found, key=lambda pair: (pair[0].startswith("E10"), pair[0]))


def successor_message(code: str) -> str | None:
    """Say that `code` was created in April 2023, naming what it replaced, else None."""
    area = SUCCESSORS.get(code.strip().upper())
    if area is None:
        return None
    olds = ", ".join(f"{old} {name}" for old, name in predecessors_of(code) if old.startswith("E07"))
    return (
        f"{area.code} ({area.name}) was created on {REORGANISATION_DATE}; figures for earlier years may be "
        f"published only for the former districts ({olds})"
    )
