"""Light checks of the shipped reference packs as files: headers, statuses, ranges, citations."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

PACKS_DIR = Path(__file__).resolve().parent.parent / "prevalence_rates"
PACKS = sorted(p for p in PACKS_DIR.iterdir() if p.is_dir())

HEADERS = {
    "prevalence": "measure,sex,age_band,rate_pct,ci_low_pct,ci_high_pct,status,population,source,url,note",
    "unit_costs": "basis,item,category,cost_gbp,price_year,status,source,url,note",
    "benchmarks": "item,value,per,base,status,source,url,note",
    "deflators": "year,index,status,source,url,note",
}
REQUIRED_KEYS = {
    "id",
    "kind",
    "title",
    "publisher",
    "publication",
    "table",
    "period",
    "url",
    "licence",
    "notes",
    "data",
}
STATUSES = {"verified", "secondary", "derived"}
AGE_BAND = re.compile(r"^\d{1,2}(-\d{1,2}|\+)$")
FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def _meta(pack: Path) -> dict:
    return tomllib.loads((pack / "pack.toml").read_text(encoding="utf-8"))


def _data(pack: Path) -> pd.DataFrame:
    return pd.read_csv(pack / _meta(pack)["data"], dtype=str, keep_default_na=False)


def _financial_year_ok(text: str) -> bool:
    match = FINANCIAL_YEAR.match(text)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def test_packs_are_shipped():
    ids = {p.name for p in PACKS}
    assert {"csew-2015-16to59", "ho-horr107-2019", "ho-horr99-2018", "safelives-benchmarks"} <= ids


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_pack_toml_has_the_required_keys(pack: Path):
    meta = _meta(pack)
    assert REQUIRED_KEYS <= set(meta), f"missing: {REQUIRED_KEYS - set(meta)}"
    assert meta["id"] == pack.name
    assert meta["kind"] in HEADERS
    assert meta["url"].startswith("http")
    assert meta["notes"].strip()
    assert (pack / meta["data"]).is_file()
    assert {p.name for p in pack.iterdir()} == {"pack.toml", meta["data"]}
    if meta["kind"] == "prevalence":
        assert meta.get("population_base")
    if "released" in meta:
        dt.date.fromisoformat(meta["released"])
    if "price_year" in meta:
        assert _financial_year_ok(meta["price_year"])


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_csv_header_is_exactly_the_one_for_its_kind(pack: Path):
    meta = _meta(pack)
    first_line = (pack / meta["data"]).read_text(encoding="utf-8").splitlines()[0]
    assert first_line == HEADERS[meta["kind"]]


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_row_has_a_valid_status(pack: Path):
    data = _data(pack)
    assert len(data) > 0
    assert set(data["status"]) <= STATUSES


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_derived_rows_say_how(pack: Path):
    data = _data(pack)
    derived = data[data["status"] == "derived"]
    assert (derived["note"].str.strip() != "").all()


@pytest.mark.parametrize("pack", [p for p in PACKS if _meta(p)["kind"] == "prevalence"], ids=lambda p: p.name)
def test_prevalence_rates_are_percentages(pack: Path):
    data = _data(pack)
    meta = _meta(pack)
    assert set(data["sex"]) <= {"female", "male", "all"}
    assert all(AGE_BAND.match(band) for band in data["age_band"])
    for column in ("rate_pct", "ci_low_pct", "ci_high_pct"):
        values = pd.to_numeric(data[column].replace("", None))
        assert values.dropna().between(0, 100).all(), column
    assert pd.to_numeric(data["rate_pct"]).notna().all()
    assert not data.duplicated(["measure", "sex", "age_band", "population"]).any()
    if "measures" in meta:
        assert set(data["measure"]) <= set(meta["measures"])


@pytest.mark.parametrize("pack", [p for p in PACKS if _meta(p)["kind"] == "unit_costs"], ids=lambda p: p.name)
def test_unit_costs_are_non_negative_pounds(pack: Path):
    data = _data(pack)
    assert set(data["basis"]) <= {"per_victim", "per_offence", "national_total"}
    costs = pd.to_numeric(data["cost_gbp"])
    assert costs.notna().all() and (costs >= 0).all()
    years = data["price_year"][data["price_year"] != ""]
    assert all(_financial_year_ok(y) for y in years)
    assert not data.duplicated(["basis", "item", "category"]).any()
    with_total = data[data["basis"] != "national_total"]
    for (_basis, item), group in with_total.groupby(["basis", "item"]):
        assert "total" in set(group["category"]), f"{item} has no total row"


@pytest.mark.parametrize("pack", [p for p in PACKS if _meta(p)["kind"] == "benchmarks"], ids=lambda p: p.name)
def test_benchmarks_are_positive_ratios(pack: Path):
    data = _data(pack)
    assert (pd.to_numeric(data["value"]) > 0).all()
    assert (pd.to_numeric(data["per"]) > 0).all()
    assert not data.duplicated(["item", "base"]).any()


@pytest.mark.parametrize("pack", [p for p in PACKS if _meta(p)["kind"] == "deflators"], ids=lambda p: p.name)
def test_deflators_are_a_series_of_financial_years(pack: Path):
    data = _data(pack)
    assert all(_financial_year_ok(y) for y in data["year"])
    assert (pd.to_numeric(data["index"]) > 0).all()
    assert data["year"].is_unique


def test_the_2016_strategy_vintage_reproduces_hartlepool():
    """Rates applied to the back-solved Hartlepool 16-59 population give the strategy's rounded numbers."""
    data = _data(PACKS_DIR / "csew-2015-16to59")
    rate = data.set_index(["measure", "sex"])["rate_pct"].astype(float)
    women, men = 26_500, 25_800
    assert round(women * rate["da_last_year", "female"] / 100, -2) == 2_200
    assert round(women * rate["da_since_16", "female"] / 100, -2) == 7_200
    assert round(men * rate["da_last_year", "male"] / 100, -2) == 1_000
    assert round(men * rate["da_since_16", "male"] / 100, -2) == 3_400
