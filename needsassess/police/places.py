"""Where the incidents were: wards, deprivation deciles and groups, and the comparison with peer areas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from needsassess.errors import InputError, Problem
from needsassess.police.deprivation import PEER_MEASURES, Deprivation, PeerCounts
from needsassess.police.indicators import (
    NOT_RECORDED_LABEL,
    about_count,
    count_figures,
    rate_per_1000,
    share_pct,
)
from needsassess.police.periods import Period, in_period
from needsassess.population import Population, population_in_ages, select_area

if TYPE_CHECKING:
    import pandas as pd


def ward_counts(now: pd.DataFrame) -> pd.DataFrame:
    """Incidents and crimes by ward as recorded in the extract (no deprivation table), with a Total row."""
    import pandas as pd

    ward = now["ward"].fillna(NOT_RECORDED_LABEL)
    table = pd.DataFrame(
        {"incidents": ward.value_counts(), "crimes": ward[now["crime"] == "crime"].value_counts()}
    ).fillna(0)
    table = table.astype("int64").sort_values("incidents", ascending=False)
    rows = [r for r in table.index if r != NOT_RECORDED_LABEL] + (
        [NOT_RECORDED_LABEL] if NOT_RECORDED_LABEL in table.index else []
    )
    table = table.reindex(rows)
    out = table.reset_index(names="ward")
    total = pd.DataFrame(
        [{"ward": "Total", "incidents": len(now), "crimes": int((now["crime"] == "crime").sum())}]
    )
    return pd.concat([out, total], ignore_index=True)


def by_deprivation(
    now: pd.DataFrame, deprivation: Deprivation, most: int | None, pop_col: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Incidents by ward or LSOA of the deprivation table, by decile and for the most deprived wards, and
    notes on the incidents that did not match."""
    import pandas as pd

    dep = deprivation.frame
    notes: list[str] = []
    lookup: dict[str, str] = {}
    for unit, code, name in dep[["unit", "code", "name"]].itertuples(index=False):
        for k in (unit, code, name):
            if k:
                lookup.setdefault(str(k).strip().lower(), unit)
    source_col = "lsoa" if deprivation.level == "LSOA" else "ward"
    if now[source_col].isna().all():
        raise InputError(
            deprivation.path,
            Problem(
                "no-match-column",
                f"the deprivation table is by {deprivation.level}, but the extract has no {deprivation.level} column",
            ),
        )
    unit = now[source_col].map(
        lambda v: None if v is None or v is pd.NA else lookup.get(str(v).strip().lower())
    )
    unmatched = now[source_col].notna() & unit.isna()
    if unmatched.any():
        shown = ", ".join(f'"{v}"' for v in sorted(now.loc[unmatched, source_col].unique())[:5])
        notes.append(
            f"{about_count(int(unmatched.sum()), 'incident')} in a {deprivation.level} "
            f"not in the deprivation table ({shown}): shown as not matched."
        )
    crimes = now["crime"] == "crime"
    per_unit = pd.DataFrame({"incidents": unit.value_counts(), "crimes": unit[crimes].value_counts()})
    units = dep.set_index("unit").join(per_unit).fillna({"incidents": 0, "crimes": 0})
    units["incidents"] = units["incidents"].astype("int64")
    units["crimes"] = units["crimes"].astype("int64")
    units = units.sort_values("order")
    pop = units[pop_col]
    units["incidents_per_1000"] = [rate_per_1000(c, p) for c, p in zip(units["incidents"], pop, strict=True)]
    units["crimes_per_1000"] = [rate_per_1000(c, p) for c, p in zip(units["crimes"], pop, strict=True)]
    no_unit = int(unit.isna().sum())
    no_unit_crimes = int((unit.isna() & crimes).sum())
    wards = units.reset_index()[
        ["unit", "name", "order", "decile", "population", "population_16plus", "incidents", "crimes"]
        + ["incidents_per_1000", "crimes_per_1000"]
    ]
    extra = []
    if no_unit:
        extra.append(
            {
                "unit": "Not matched or not recorded",
                "name": "",
                "incidents": no_unit,
                "crimes": no_unit_crimes,
            }
        )
    extra.append(
        {
            "unit": "Total",
            "name": "",
            "population": dep["population"].sum(min_count=1),
            "population_16plus": dep["population_16plus"].sum(min_count=1),
            "incidents": len(now),
            "crimes": int(crimes.sum()),
            "incidents_per_1000": rate_per_1000(len(now), dep[pop_col].sum()),
            "crimes_per_1000": rate_per_1000(int(crimes.sum()), dep[pop_col].sum()),
        }
    )
    wards = pd.concat([wards, pd.DataFrame(extra)], ignore_index=True)
    for col in ("incidents", "crimes"):
        wards[col] = wards[col].astype("int64")
    unmatched_counts = (no_unit, no_unit_crimes)
    total = (len(now), int(crimes.sum()))
    deciles = _groups(
        [(d, part) for d, part in units.groupby("decile", sort=True)],
        "decile",
        pop_col,
        unmatched_counts,
        total,
    )
    n = min(most if most is not None else max(1, round(len(units) / 3)), len(units))
    unit_word, rest = deprivation.level, len(units) - n
    top_frame = _groups(
        [
            (
                f"The {n} most deprived {unit_word}s" if n != 1 else f"The most deprived {unit_word}",
                units.iloc[:n],
            ),
            (f"The other {rest} {unit_word}s" if rest != 1 else f"The other {unit_word}", units.iloc[n:]),
        ],
        "group",
        pop_col,
        unmatched_counts,
        total,
    )
    dec = deciles
    for f in (wards, dec, top_frame):
        for col in ("share_pct", "per_1000", "incidents_per_1000", "crimes_per_1000"):
            if col in f.columns:
                f[col] = f[col].astype("float64")
    return wards, dec, top_frame, notes


def _groups(
    parts: list[tuple[Any, pd.DataFrame]],
    label: str,
    pop_col: str,
    unmatched: tuple[int, int],
    total: tuple[int, int],
) -> pd.DataFrame:
    """Incidents and crimes for groups of wards (or LSOAs), not matched, and the total, with shares and rates."""
    import pandas as pd

    records: list[dict[str, Any]] = [
        {
            label: key,
            "units": len(part),
            "population": part[pop_col].sum(),
            "incidents": int(part["incidents"].sum()),
            "crimes": int(part["crimes"].sum()),
        }
        for key, part in parts
    ]
    if unmatched[0]:
        records.append(
            {label: "Not matched or not recorded", "units": 0, "population": None}
            | {"incidents": unmatched[0], "crimes": unmatched[1]}
        )
    population = sum(r["population"] for r in records if r["population"] is not None)
    records.append(
        {label: "Total", "units": sum(r["units"] for r in records), "population": population}
        | {"incidents": total[0], "crimes": total[1]}
    )
    out = pd.DataFrame.from_records(records)
    out[label] = out[label].astype("object")
    out["share_pct"] = [share_pct(n, total[0]) for n in out["incidents"]]
    out["per_1000"] = [
        None if p is None or p != p else rate_per_1000(n, p)
        for n, p in zip(out["incidents"], out["population"], strict=True)
    ]
    return out


def peer_comparison(
    frame: pd.DataFrame,
    current: Period,
    population: Population,
    code: str,
    peers: list[str] | None,
    total_name: str,
    peer_counts: PeerCounts | None,
    notes: list[str],
) -> pd.DataFrame | None:
    """Current-year counts and rates per 1,000 aged 16+ for the area and each peer, with a total row.

    `peers` are the areas to compare with, by code or name (None: every area with figures); `total_name`
    names the total row.
    """
    import pandas as pd

    areas = population.areas
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    lookup = {str(c).lower(): str(c) for c in areas["area_code"]} | {
        str(n).lower(): str(c) for c, n in zip(areas["area_code"], areas["area_name"], strict=True)
    }
    now = frame[in_period(frame, current)]
    records: dict[str, dict[str, Any]] = {}
    in_extract = list(pd.unique(frame["area_code"].dropna()))
    for area_code in in_extract:
        part = now[now["area_code"] == area_code]
        figures = count_figures(part)
        records[area_code] = {
            "area_code": area_code,
            "area_name": names.get(area_code, area_code),
            "source": "extract",
        }
        records[area_code].update({m: figures[m] for m in PEER_MEASURES})
    unmatched = sorted(frame.loc[frame["area_code"].isna() & frame["area"].notna(), "area"].unique())
    if unmatched:
        notes.append(
            "Areas in the extract not found in the population file (left out of the comparison): "
            + ", ".join(f'"{a}"' for a in unmatched[:8])
            + "."
        )
    if peer_counts is not None:
        for rec in peer_counts.frame.to_dict("records"):
            area_code = lookup.get(str(rec["area"]).strip().lower())
            if area_code is None:
                notes.append(f'Peer table: "{rec["area"]}" is not in the population file and is left out.')
                continue
            if area_code in records:
                continue  # the extract's own counts win
            records[area_code] = {
                "area_code": area_code,
                "area_name": names.get(area_code, area_code),
                "source": "peer table",
            }
            records[area_code].update(
                {m: (int(rec[m]) if m in rec and rec[m] == rec[m] else None) for m in PEER_MEASURES}
            )
            if (
                records[area_code]["incidents"] is None
                and records[area_code]["crimes"] is not None
                and records[area_code]["non_crime"] is not None
            ):
                records[area_code]["incidents"] = (
                    records[area_code]["crimes"] + records[area_code]["non_crime"]
                )
    if peers is not None:
        wanted = [code]
        for peer in peers:
            peer_code = lookup.get(str(peer).strip().lower())
            if peer_code is None or peer_code not in records:
                notes.append(f'Peer "{peer}" has no figures in the extract or the peer table.')
                continue
            if peer_code not in wanted:
                wanted.append(peer_code)
        records = {k: v for k, v in records.items() if k in wanted}
    if len(records) < 2:
        return None
    order = [code] + sorted((k for k in records if k != code), key=lambda k: records[k]["area_name"])
    out = pd.DataFrame.from_records([records[k] for k in order])
    out["population_16plus"] = [population_in_ages(select_area(population, k), 16, 90) for k in order]
    total: dict[str, Any] = {"area_code": "", "area_name": total_name, "source": ""}
    total["population_16plus"] = int(out["population_16plus"].sum())
    for m in PEER_MEASURES:
        column = out[m]
        total[m] = int(column.sum()) if column.notna().all() else None
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    for m in PEER_MEASURES:
        out[m] = pd.array(out[m], dtype="Int64")
        out[f"{m}_per_1000"] = [
            None if n is pd.NA or n is None else rate_per_1000(n, p)
            for n, p in zip(out[m], out["population_16plus"], strict=True)
        ]
        out[f"{m}_per_1000"] = out[f"{m}_per_1000"].astype("float64")
    return out
