"""Write the recorded-format NOMIS and Fingertips answers in tests/data (synthetic numbers).

The layouts follow the documented formats: NOMIS `NM_2002_1.data.csv` with
`select=date_name,geography_code,geography_name,gender_name,c_age_name,obs_value,record_offset,record_count`
(quoted header and text, bare numbers; ages "Age 0" ... "Age 89", "Aged 90+"), the NOMIS geography
codelist `*.def.sdmx.json`, and Fingertips `profiles`, `indicator_metadata/by_profile_id`, `area_types`
and `all_data/csv/by_indicator_id`. The figures are made up: no real estimate is reproduced.

Run from the repository root: python tests/data/make_publicdata.py
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent

NOMIS_COLUMNS = [
    "DATE_NAME",
    "GEOGRAPHY_CODE",
    "GEOGRAPHY_NAME",
    "GENDER_NAME",
    "C_AGE_NAME",
    "OBS_VALUE",
    "RECORD_OFFSET",
    "RECORD_COUNT",
]


def age_label(age: int) -> str:
    return "Aged 90+" if age == 90 else f"Age {age}"


def synthetic_count(size: int, sex: str, age: int, year: int) -> int:
    """A smooth, made-up population pyramid: flat to 50, then thinning; women live longer."""
    base = size / 147.0
    if age < 50:
        shape = 1.0 + 0.1 * math.sin(age / 7.0)
    else:
        shape = math.exp(-(((age - 50) / (28.0 if sex == "Female" else 24.0)) ** 2))
    if age == 90:
        shape *= 3.2  # the open 90+ band gathers several years of age
    return max(1, round(base * shape * (1 + 0.004 * (year - 2023))))


def nomis_csv(code: str, name: str, year: int, size: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(NOMIS_COLUMNS)
    rows = [(sex, age) for sex in ("Male", "Female") for age in range(91)]
    for offset, (sex, age) in enumerate(rows):
        writer.writerow(
            [
                str(year),
                code,
                name,
                sex,
                age_label(age),
                synthetic_count(size, sex, age, year),
                offset,
                len(rows),
            ]
        )
    return out.getvalue()


def geography_codelist(areas: list[tuple[int, str, str]], type_code: int = 424) -> dict:
    type_name = {
        424: "local authorities: district / unitary (as of April 2023)",
        423: "local authorities: county / unitary (as of April 2023)",
    }[type_code]
    codes = [
        {
            "value": value,
            "description": {"value": name, "lang": "en"},
            "annotations": {
                "annotation": [
                    {"annotationtitle": "GeogCode", "annotationtext": gss},
                    {"annotationtitle": "TypeCode", "annotationtext": type_code},
                    {"annotationtitle": "TypeName", "annotationtext": type_name},
                ]
            },
        }
        for value, name, gss in areas
    ]
    return {
        "structure": {
            "header": {"id": "none", "test": "false", "prepared": "2025-06-30T09:00:00Z"},
            "codelists": {
                "codelist": [
                    {
                        "agencyid": "NOMIS",
                        "id": "CL_2002_1_GEOGRAPHY",
                        "name": {"value": "geography", "lang": "en"},
                        "version": "1.0",
                        "code": codes,
                    }
                ]
            },
        }
    }


FINGERTIPS_COLUMNS = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Region value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
]

INDICATOR_ID = 93203
INDICATOR_NAME = "Domestic abuse-related incidents and crimes"
PERIODS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def fingertips_rows() -> list[list[object]]:
    # (code, name, area type, parent code, parent name, base rate, denominator)
    areas = [
        ("E92000001", "England", "England", "", "", 30.0, 46_000_000),
        ("E12000001", "North East region (statistical)", "Region", "E92000001", "England", 37.0, 2_200_000),
        (
            "E06000001",
            "Hartlepool",
            "Counties & UAs (from Apr 2023)",
            "E12000001",
            "North East region (statistical)",
            44.0,
            76_000,
        ),
        (
            "E06000002",
            "Middlesbrough",
            "Counties & UAs (from Apr 2023)",
            "E12000001",
            "North East region (statistical)",
            44.0,
            115_000,
        ),
        (
            "E06000047",
            "County Durham",
            "Counties & UAs (from Apr 2023)",
            "E12000001",
            "North East region (statistical)",
            35.0,
            430_000,
        ),
    ]
    rows: list[list[object]] = []
    for code, name, area_type, parent, parent_name, rate, denominator in areas:
        for i, period in enumerate(PERIODS):
            value = round(rate + 0.9 * i, 1)
            count = round(value * denominator / 1000)
            half = 1.96 * math.sqrt(count) / denominator * 1000
            rows.append(
                [
                    INDICATOR_ID,
                    INDICATOR_NAME,
                    parent,
                    parent_name,
                    code,
                    name,
                    area_type,
                    "Persons",
                    "16+ yrs",
                    "",
                    "",
                    period,
                    value,
                    round(value - half, 2),
                    round(value + half, 2),
                    round(value - 1.6 * half, 2),
                    round(value + 1.6 * half, 2),
                    count,
                    denominator,
                    "",
                    "Cannot be calculated",
                    "Worse" if value > 30 else "Similar",
                    "",
                    f"{period[:4]}0000",
                    "",
                    "",
                    "1y",
                ]
            )
    # An inequality breakdown row, which the reader must leave out.
    rows.append(
        [
            INDICATOR_ID,
            INDICATOR_NAME,
            "E12000001",
            "North East region (statistical)",
            "E06000001",
            "Hartlepool",
            "Counties & UAs (from Apr 2023)",
            "Persons",
            "16+ yrs",
            "LA deprivation deciles",
            "Most deprived decile",
            "2023/24",
            99.9,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "20230000",
            "",
            "",
            "1y",
        ]
    )
    return rows


def write(name: str, text: str) -> None:
    (HERE / name).write_text(text, encoding="utf-8", newline="")


def main() -> None:
    write("nomis_E06000001_2023.csv", nomis_csv("E06000001", "Hartlepool", 2023, 93_000))
    write("nomis_E06000001_2024.csv", nomis_csv("E06000001", "Hartlepool", 2024, 93_000))
    write("nomis_E06000063_2024.csv", nomis_csv("E06000063", "Cumberland", 2024, 275_000))
    # Trimmed recorded codelists of the two geography types searched by name; the replay server
    # filters them by the `search` term as NOMIS does.
    districts = [
        (1778384897, "Hartlepool", "E06000001"),
        (1778384898, "Middlesbrough", "E06000002"),
        (1778384901, "Darlington", "E06000005"),
        (1778384913, "York", "E06000014"),
        (1778384947, "County Durham", "E06000047"),
        (1778385153, "Cumberland", "E06000063"),
        (1778385154, "Westmorland and Furness", "E06000064"),
        (1778385155, "North Yorkshire", "E06000065"),
        (1778385156, "Somerset", "E06000066"),
        (1778384950, "Bristol, City of", "E06000023"),
    ]
    counties = [
        (1778385160, "Lancashire", "E10000017"),
        (1778385161, "Kent", "E10000016"),
    ]
    write("nomis_geography_TYPE424.json", json.dumps(geography_codelist(districts, 424), indent=1) + "\n")
    write("nomis_geography_TYPE423.json", json.dumps(geography_codelist(counties, 423), indent=1) + "\n")

    profiles = [
        {"Id": 8, "Name": "Adult Social Care", "Key": "adult-social-care", "GroupIds": [1938132733]},
        {
            "Id": 19,
            "Name": "Public Health Outcomes Framework",
            "Key": "public-health-outcomes-framework",
            "GroupIds": [1000049, 1000041, 1000042, 1000043, 1000044],
            "GroupMetadata": [{"Id": 1000041, "Name": "B. Wider determinants of health", "Sequence": 2}],
        },
        {"Id": 143, "Name": "Local Health", "Key": "local-health", "GroupIds": [1938133180]},
    ]
    write("fingertips_profiles.json", json.dumps(profiles, indent=1) + "\n")

    def meta(indicator_id: int, name: str, unit_value: int, unit_label: str, value_type: str) -> dict:
        return {
            "IndicatorId": indicator_id,
            "Descriptive": {
                "Name": name,
                "Definition": f"Synthetic definition of {name}.",
                "DataSource": "Test",
            },
            "Unit": {"Id": 3, "Value": unit_value, "Label": unit_label, "ShowLeft": False},
            "ValueType": {"Id": 3, "Name": value_type},
            "ConfidenceIntervalMethod": {"Name": "Byar's method"},
        }

    metadata = {
        "90366": meta(90366, "Life expectancy at birth", 1, "years", "Life expectancy"),
        str(INDICATOR_ID): meta(INDICATOR_ID, INDICATOR_NAME, 1000, "per 1,000", "Crude rate"),
        "92315": meta(
            92315,
            "Violent crime - hospital admissions for violence (including sexual violence)",
            100000,
            "per 100,000",
            "Directly standardised rate",
        ),
    }
    write("fingertips_indicator_metadata_19.json", json.dumps(metadata, indent=1) + "\n")

    area_types = [
        {"Id": 6, "Name": "Government Office Region", "ShortName": "Region"},
        {"Id": 15, "Name": "England", "ShortName": "England"},
        {
            "Id": 501,
            "Name": "Lower tier local authorities (post 4/23)",
            "ShortName": "Districts & UAs (from Apr 2023)",
        },
        {
            "Id": 502,
            "Name": "Upper tier local authorities (post 4/23)",
            "ShortName": "Counties & UAs (from Apr 2023)",
        },
    ]
    write("fingertips_area_types.json", json.dumps(area_types, indent=1) + "\n")

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FINGERTIPS_COLUMNS)
    writer.writerows(fingertips_rows())
    write("fingertips_all_data_93203_502.csv", out.getvalue())


if __name__ == "__main__":
    main()
