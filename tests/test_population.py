from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AGES, ages_flat, hartlepool_like, write_mye_workbook

from needsassess.errors import InputError
from needsassess.population import (
    population_in_ages,
    populations_in_bands,
    read_population,
    select_area,
)


def test_mye_workbook_header_found_below_title_rows(mye_xlsx: Path) -> None:
    pop = read_population(mye_xlsx)
    assert pop.layout == "ons-mye-wide"
    assert pop.years == [2015]
    assert list(pop.areas["area_code"]) == ["E06000001", "E06000002"]
    area = select_area(pop, "hartlepool")
    assert population_in_ages(area, 16, 59, "female") == 26_600
    assert population_in_ages(area, 16, 59, "male") == 25_800
    assert area.frame["age"].max() == 90


@pytest.mark.parametrize("title_rows", [1, 4, 9])
def test_header_row_is_found_not_assumed(tmp_path: Path, title_rows: int) -> None:
    f, m = hartlepool_like()
    path = write_mye_workbook(tmp_path / "x.xlsx", [("E06000001", "Hartlepool", f, m)], title_rows=title_rows)
    assert population_in_ages(read_population(path), 16, 59) == 52_400


def test_notes_and_blank_rows_under_the_table_are_ignored(tmp_path: Path) -> None:
    f, m = hartlepool_like()
    path = write_mye_workbook(
        tmp_path / "x.xlsx",
        [("E06000001", "Hartlepool", f, m)],
        extra_rows=[[], ["Source: ONS"], ["Note 1: ..."]],
    )
    assert len(read_population(path).frame) == 182


def test_text_in_a_numeric_cell_names_sheet_row_and_column(tmp_path: Path) -> None:
    f, m = hartlepool_like()
    f = list(f)
    f[37] = "n/a"  # type: ignore[call-overload]
    path = write_mye_workbook(tmp_path / "bad.xlsx", [("E06000001", "Hartlepool", f, m)])
    with pytest.raises(InputError) as err:
        read_population(path)
    assert str(err.value) == (
        'bad.xlsx, sheet "MYE2 - Females", row 6, column "37": "n/a" is not a count; expected a whole number >= 0'
    )


def test_negative_count_is_an_error(tmp_path: Path) -> None:
    f, m = hartlepool_like()
    m = list(m)
    m[90] = -3
    path = write_mye_workbook(tmp_path / "neg.xlsx", [("E06000001", "Hartlepool", f, m)])
    with pytest.raises(InputError) as err:
        read_population(path)
    assert (
        str(err.value)
        == 'neg.xlsx, sheet "MYE2 - Males", row 6, column "90+": -3 is negative; counts must be >= 0'
    )
    assert err.value.slugs == ["negative-count"]


def test_missing_sheet_for_one_sex(tmp_path: Path) -> None:
    f, m = hartlepool_like()
    path = write_mye_workbook(
        tmp_path / "males-only.xlsx", [("E06000001", "Hartlepool", f, m)], drop_female=True
    )
    with pytest.raises(InputError) as err:
        read_population(path)
    assert str(err.value) == (
        'males-only.xlsx: found a sheet for males ("MYE2 - Males") but none for females; expected one sheet '
        'per sex, as in ONS MYE2 ("MYE2 - Females", "MYE2 - Males")'
    )


def test_missing_age_column(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ["Code", "Name", "Sex", "All ages", *[str(a) for a in AGES if a != 44]]
    path.write_text(",".join(header) + "\nE06000001,Hartlepool,F,0," + ",".join(["1"] * 90) + "\n")
    with pytest.raises(InputError) as err:
        read_population(path)
    assert str(err.value) == (
        "wide.csv, row 1: the header has no column for age 44; expected one column per age 0 … 89 and 90+"
    )


def test_wide_csv_with_sex_column_and_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ["Code", "Name", "Geography", "Sex", "All ages", *[str(a) for a in AGES]]
    rows = ["Mid-2019 population estimates,,", "", ",".join(header)]
    for sex, n in (("Female", 2), ("Male", 1)):
        rows.append(f"E06000001,Hartlepool,UA,{sex},{91 * n}," + ",".join([str(n)] * 91))
    path.write_text("\n".join(rows) + "\n")
    pop = read_population(path)
    assert pop.years == [2019]
    assert population_in_ages(pop, 0, 90, "female") == 182
    assert population_in_ages(pop, 0, 90, "male") == 91


def test_ons_long_layout_picks_latest_year_or_the_one_asked(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    lines = ["ladcode,laname,sex,age,population_2019,population_2020"]
    for sex in (1, 2):
        for age in range(91):
            lines.append(f"E06000001,Hartlepool,{sex},{age},{10 * sex},{20 * sex}")
    path.write_text("\n".join(lines) + "\n")
    assert population_in_ages(read_population(path), 0, 90, "female") == 91 * 40
    assert population_in_ages(read_population(path, year=2019), 0, 90, "male") == 91 * 10
    with pytest.raises(InputError) as err:
        read_population(path, year=2024)
    assert str(err.value) == "long.csv: no figures for 2024; the file has 2019, 2020"


def test_nomis_csv(tmp_path: Path) -> None:
    path = tmp_path / "nomis.csv"
    lines = ['"DATE","GEOGRAPHY_CODE","GEOGRAPHY_NAME","GENDER_NAME","C_AGE_NAME","OBS_VALUE"']
    for gender in ("Male", "Female", "Total"):
        lines.append(f'"2015","E06000001","Hartlepool","{gender}","All Ages","9999"')
        for age in range(90):
            label = "Aged under 1 year" if age == 0 else f"Age {age}"
            lines.append(
                f'"2015","E06000001","Hartlepool","{gender}","{label}","{3 if gender == "Male" else 5}"'
            )
        lines.append(f'"2015","E06000001","Hartlepool","{gender}","Aged 90+","7"')
    path.write_text("\n".join(lines) + "\n")
    pop = read_population(path)
    assert pop.layout == "nomis"
    assert pop.years == [2015]
    assert population_in_ages(pop, 0, 89, "male") == 270
    assert population_in_ages(pop, 90, 90, "female") == 7


def test_tidy_csv(tidy_csv: Path) -> None:
    pop = read_population(tidy_csv)
    assert pop.layout == "tidy"
    assert population_in_ages(pop, 16, 59, "female") == 26_600


def test_missing_age_in_tidy_csv_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tidy.csv"
    path.write_text("area_code,area_name,year,sex,age,population\nE1,X,2015,female,,10\n")
    with pytest.raises(InputError) as err:
        read_population(path)
    assert str(err.value) == 'tidy.csv, row 2, column "age": "" is not an age; expected 0 … 90'


def test_unknown_area_lists_closest_names(mye_xlsx: Path) -> None:
    with pytest.raises(InputError) as err:
        select_area(read_population(mye_xlsx), "Hartlepol")
    assert str(err.value) == 'mye2.xlsx: no area "Hartlepol" in this file; closest: "Hartlepool" (E06000001)'


def test_area_by_code_is_case_insensitive(mye_xlsx: Path) -> None:
    area = select_area(read_population(mye_xlsx), "e06000002")
    assert set(area.frame["area_name"]) == {"Middlesbrough"}


def test_unrecognised_layout(tmp_path: Path) -> None:
    path = tmp_path / "random.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError) as err:
        read_population(path)
    assert err.value.slugs == ["unknown-layout"]
    assert str(err.value).startswith("random.csv: cannot recognise the population layout")


def test_missing_file() -> None:
    with pytest.raises(InputError) as err:
        read_population(Path("nowhere/pop.xlsx"))
    assert err.value.slugs == ["missing-file"]


def test_named_sheet_that_does_not_exist(mye_xlsx: Path) -> None:
    with pytest.raises(InputError) as err:
        read_population(mye_xlsx, sheet="MYE2 - Persons")
    assert str(err.value) == (
        'mye2.xlsx: no sheet "MYE2 - Persons"; the sheets are "Contents", "MYE2 - Males", "MYE2 - Females"'
    )


def test_many_problems_reported_at_once(tmp_path: Path) -> None:
    f, m = ages_flat(10), ages_flat(10)
    f = ["x"] * 91  # type: ignore[list-item]
    path = write_mye_workbook(tmp_path / "many.xlsx", [("E06000001", "Hartlepool", f, m)])
    with pytest.raises(InputError) as err:
        read_population(path)
    assert len(err.value.problems) == 91
    assert str(err.value).splitlines()[-1] == "... and 81 more problems in many.xlsx."


def test_sample_region_file() -> None:
    from conftest import SAMPLE

    pop = read_population(SAMPLE / "population" / "mye2_northmere_region_mid2015.xlsx")
    assert len(pop.areas) == 6
    north = select_area(pop, "Northmere")
    assert population_in_ages(north, 16, 59, "female") == 26_600


def test_populations_in_bands_equal_population_in_ages_for_every_area() -> None:
    from conftest import SAMPLE

    pop = read_population(SAMPLE / "population" / "mye2_northmere_region_mid2015.xlsx")
    bands = [(16, 59, "female"), (16, 59, "male"), (0, 90, "all"), (75, 90, None), (0, 0, "male")]
    codes, counts = populations_in_bands(pop, bands)
    assert codes == sorted(codes) and len(codes) == 6
    for i, code in enumerate(codes):
        area = select_area(pop, code)
        assert list(counts[i]) == [population_in_ages(area, lo, hi, sex) for lo, hi, sex in bands]


def test_listing_keeps_file_order_and_geography() -> None:
    from conftest import SAMPLE

    pop = read_population(SAMPLE / "population" / "mye2_northmere_region_mid2015.xlsx", year=2015)
    assert pop.listing is not None
    assert list(pop.listing["area_code"]) == ["E12000099", *(f"E0600990{i}" for i in range(1, 6))]
    assert list(pop.listing["geography"])[:2] == ["Region", "Unitary Authority"]
    one = select_area(pop, "Eastholm")
    assert list(one.listing["area_name"]) == ["Eastholm"]


def test_listing_without_a_geography_column(tidy_csv: Path) -> None:
    pop = read_population(tidy_csv)
    assert list(pop.listing["area_code"]) == ["E06000001"]
    assert list(pop.listing["geography"]) == [""]
