"""Public-health indicators from the Fingertips API (OHID): domestic abuse-related incidents and crimes.

The Public Health Outcomes Framework indicator "Domestic abuse-related incidents and crimes" (B11) is a
crude rate per 1,000 people aged 16+, from police recorded data. The indicator id is not written into
the code: it is looked up by name in the profile's metadata, because ids change when a method changes
(an older "incidents" indicator was replaced by one that is not comparable).

Endpoints used (base https://fingertips.phe.org.uk/api):
- `profiles` -> the profile id of the Public Health Outcomes Framework, by name;
- `indicator_metadata/by_profile_id?profile_id=` -> the indicator id, by name, and its unit;
- `area_types` -> the local-authority area type (post April 2023 boundaries);
- `all_data/csv/by_indicator_id?indicator_ids=&child_area_type_id=&parent_area_type_id=6` -> every
  published year for every authority, its region and England.

Police data are recorded by police force area; Fingertips gives every authority in a force the force's
value, which the output says.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from needsassess.areas import AreaError, is_gss_code, retired_message
from needsassess.http import Fetcher, FetchError, Response, reject_html

if TYPE_CHECKING:
    import pandas as pd

FINGERTIPS_URL = "https://fingertips.phe.org.uk/api"
URL_ENV = "NEEDSASSESS_FINGERTIPS_URL"
SERVICE = "Fingertips"
OFFLINE_HINT = "use --offline to read the cache"
PROFILE_NAME = "Public Health Outcomes Framework"
INDICATOR_NAME = "Domestic abuse-related incidents and crimes"
ENGLAND = "E92000001"
REGION_AREA_TYPE = 6
# Area types for local authorities on April 2023 boundaries, found by name in `area_types`;
# the ids are the fall-back when the names change.
LOWER_TIER = ("Lower tier local authorities (post 4/23)", 501)
UPPER_TIER = ("Upper tier local authorities (post 4/23)", 502)

PFA_NOTE = (
    "Police data are recorded by police force area: Fingertips gives every local authority in a force "
    "the force's value, so the local figure describes the force area, not the authority alone."
)

LEVELS = ("local authority", "region", "england")
COLUMNS = [
    "indicator_id",
    "indicator_name",
    "period",
    "area_level",
    "area_code",
    "area_name",
    "value",
    "lower_ci",
    "upper_ci",
    "count",
    "denominator",
    "value_note",
    "note",
]


@dataclass
class IndicatorFetch:
    """The indicator for an area, its region and England, every published year, with provenance."""

    frame: pd.DataFrame
    indicator_id: int
    indicator_name: str
    unit: str
    profile_id: int
    profile_name: str
    area_type_id: int
    area_code: str
    area_name: str
    region_code: str
    region_name: str
    note: str = PFA_NOTE
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def from_cache(self) -> bool:
        return bool(self.sources) and all(s["from_cache"] for s in self.sources)


def fingertips_url(url: str | None = None) -> str:
    """The Fingertips API root: `url` if given, else $NEEDSASSESS_FINGERTIPS_URL, else the public service."""
    return (url or os.environ.get(URL_ENV) or FINGERTIPS_URL).rstrip("/")


def fetch_domestic_abuse_indicator(
    area: str,
    *,
    fetcher: Fetcher,
    base_url: str | None = None,
    area_type_id: int | None = None,
    indicator_name: str = INDICATOR_NAME,
    profile_name: str = PROFILE_NAME,
) -> IndicatorFetch:
    """Fetch "Domestic abuse-related incidents and crimes" for `area` (a GSS code), its region and England."""
    code = area.strip().upper()
    if not is_gss_code(code):
        raise AreaError(f'"{area}" is not a GSS code; give the local authority code, such as E06000001.')
    retired = retired_message(code)
    if retired:
        raise AreaError(f"{retired}; use --area with the new code.")
    base = fingertips_url(base_url)
    sources: list[dict[str, Any]] = []

    def get(path: str, params: dict[str, Any] | None = None) -> Response:
        response = fetcher.get(f"{base}/{path}", params)
        sources.append(response.source())
        reject_html(response, SERVICE)
        return response

    profile_id, found_profile = _find_profile(_json(get("profiles")), profile_name)
    metadata = _json(get("indicator_metadata/by_profile_id", {"profile_id": profile_id}))
    indicator_id, found_name, unit = _find_indicator(metadata, indicator_name, found_profile)
    if area_type_id is None:
        area_type_id = _area_type_for(code, _json(get("area_types")))
    data = get(
        "all_data/csv/by_indicator_id",
        {
            "indicator_ids": indicator_id,
            "child_area_type_id": area_type_id,
            "parent_area_type_id": REGION_AREA_TYPE,
        },
    )
    rows = _read_csv(data)
    frame, area_name, region_code, region_name = _tidy(rows, code, indicator_id, found_name, area_type_id)
    return IndicatorFetch(
        frame=frame,
        indicator_id=indicator_id,
        indicator_name=found_name,
        unit=unit,
        profile_id=profile_id,
        profile_name=found_profile,
        area_type_id=area_type_id,
        area_code=code,
        area_name=area_name,
        region_code=region_code,
        region_name=region_name,
        sources=sources,
    )


def wide_by_period(result: IndicatorFetch) -> pd.DataFrame:
    """One row per period, oldest first: the area's value beside its region's and England's."""
    frame = result.frame
    wide = frame.pivot_table(
        index="period", columns="area_level", values="value", aggfunc="first", sort=False
    )
    wide = wide.reindex(index=list(dict.fromkeys(frame["period"])), columns=list(LEVELS))
    wide.columns = [
        result.area_name or result.area_code,
        result.region_name or "Region",
        "England",
    ]
    return wide.reset_index().rename(columns={"period": "Period"})


# -- helpers ---------------------------------------------------------------------------------------


def _json(response: Response) -> Any:
    try:
        return json.loads(response.text)
    except ValueError as exc:
        raise FetchError(f"Fingertips answer from {response.url} is not json: {exc}.") from None


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _find_profile(profiles: Any, name: str) -> tuple[int, str]:
    if not isinstance(profiles, list):
        raise FetchError("Fingertips profiles answer is not a list of profiles.")
    wanted = _norm(name)
    named = [
        (int(p["Id"]), str(p["Name"])) for p in profiles if isinstance(p, dict) and "Id" in p and "Name" in p
    ]
    exact = [p for p in named if _norm(p[1]) == wanted]
    partial = [p for p in named if wanted in _norm(p[1])]
    if exact:
        return exact[0]
    if len(partial) == 1:
        return partial[0]
    if partial:
        listed = ", ".join(f"{n} ({i})" for i, n in partial)
        raise FetchError(f'several Fingertips profiles match "{name}": {listed}.')
    raise FetchError(f'Fingertips has no profile named "{name}" ({len(named)} profiles listed).')


def _find_indicator(metadata: Any, name: str, profile: str) -> tuple[int, str, str]:
    if isinstance(metadata, dict):
        entries = list(metadata.values())
    elif isinstance(metadata, list):
        entries = metadata
    else:
        raise FetchError("Fingertips indicator metadata is not a list of indicators.")
    wanted = _norm(name)
    matches = []
    near = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        descriptive = entry.get("Descriptive") or {}
        found = str(descriptive.get("Name") or descriptive.get("NameLong") or "")
        if not found or "IndicatorId" not in entry:
            continue
        if _norm(found) == wanted:
            matches.append((int(entry["IndicatorId"]), found, _unit(entry)))
        elif "domestic" in _norm(found):
            near.append(f"{found} ({entry['IndicatorId']})")
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = ", ".join(str(m[0]) for m in matches)
        raise FetchError(f'several indicators in "{profile}" are named "{name}": ids {listed}.')
    alternatives = f" Indicators that mention domestic abuse: {'; '.join(near)}." if near else ""
    raise FetchError(f'no indicator named "{name}" in the Fingertips profile "{profile}".{alternatives}')


def _unit(entry: dict[str, Any]) -> str:
    unit = entry.get("Unit") or {}
    value_type = (entry.get("ValueType") or {}).get("Name", "")
    label = str(unit.get("Label") or "").strip()
    parts = [str(value_type).strip(), label]
    return " ".join(p for p in parts if p) or "rate"


def _area_type_for(code: str, area_types: Any) -> int:
    name, fallback = LOWER_TIER if code.startswith("E07") else UPPER_TIER
    if isinstance(area_types, list):
        for entry in area_types:
            if isinstance(entry, dict) and _norm(str(entry.get("Name", ""))) == _norm(name):
                return int(entry["Id"])
    return fallback


def _read_csv(response: Response) -> list[dict[str, str]]:
    text = response.text
    if not text.strip():
        return []
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    needed = ["Area Code", "Area Name", "Time period", "Value"]
    missing = [c for c in needed if c not in fields]
    if missing:
        raise FetchError(
            f"Fingertips answer from {response.url} is not the expected csv: no column {', '.join(missing)}."
        )
    return [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]


def _number(text: str) -> float | None:
    t = (text or "").strip().replace(",", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        return None


def _tidy(
    rows: list[dict[str, str]], code: str, indicator_id: int, indicator_name: str, area_type_id: int
) -> tuple[pd.DataFrame, str, str, str]:
    import pandas as pd

    # Whole-population rows only: no inequality breakdowns (Category), persons where sex is given.
    rows = [
        r
        for r in rows
        if not r.get("Category Type", "").strip()
        and r.get("Sex", "Persons").strip() in ("Persons", "")
        and str(r.get("Indicator ID", indicator_id)).strip() in (str(indicator_id), "")
    ]
    local = [r for r in rows if r["Area Code"].strip() == code]
    if not local:
        raise FetchError(
            f'Fingertips has no "{indicator_name}" figures for {code} at area type {area_type_id}; '
            "check the code is a local authority on April 2023 boundaries (or pass another area type)."
        )
    area_name = local[0]["Area Name"].strip()
    region_code = next(
        (r.get("Parent Code", "").strip() for r in local if r.get("Parent Code", "").strip()), ""
    )
    region_rows = [r for r in rows if region_code and r["Area Code"].strip() == region_code]
    region_name = region_rows[0]["Area Name"].strip() if region_rows else ""
    england = [r for r in rows if r["Area Code"].strip() == ENGLAND]

    def dedupe(group: list[dict[str, str]]) -> list[dict[str, str]]:
        seen: dict[str, dict[str, str]] = {}
        for r in group:
            seen.setdefault(r["Time period"].strip(), r)
        return list(seen.values())

    records = []
    for level, group in zip(LEVELS, (local, region_rows, england), strict=True):
        for r in dedupe(group):
            records.append(
                {
                    "indicator_id": indicator_id,
                    "indicator_name": indicator_name,
                    "period": r["Time period"].strip(),
                    "sortable": r.get("Time period Sortable", "").strip(),
                    "area_level": level,
                    "area_code": r["Area Code"].strip(),
                    "area_name": r["Area Name"].strip(),
                    "value": _number(r["Value"]),
                    "lower_ci": _number(r.get("Lower CI 95.0 limit", "")),
                    "upper_ci": _number(r.get("Upper CI 95.0 limit", "")),
                    "count": _number(r.get("Count", "")),
                    "denominator": _number(r.get("Denominator", "")),
                    "value_note": r.get("Value note", "").strip(),
                    "note": PFA_NOTE if level == "local authority" else "",
                }
            )
    frame = pd.DataFrame.from_records(records)
    order = {level: i for i, level in enumerate(LEVELS)}
    frame["_level"] = frame["area_level"].map(order)
    frame["_sort"] = frame["sortable"].where(frame["sortable"] != "", frame["period"])
    frame = frame.sort_values(["_level", "_sort"]).drop(columns=["_level", "_sort", "sortable"])
    return frame.reset_index(drop=True)[COLUMNS], area_name, region_code, region_name
