"""Header synonyms, mapping TOML, suggestions."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from needsassess.clients import synonyms as syn
from needsassess.clients.mapping import Confidence, RecordType, header_index, load_mappings
from needsassess.clients.schema import FIELD_BY_NAME, FIELDS, Kind
from needsassess.clients.suggest import suggest_mapping
from needsassess.errors import ConfigError

DATA = Path(__file__).parent / "data" / "agencies"
VICTIM = header_index(RecordType.VICTIM)
PERPETRATOR = header_index(RecordType.PERPETRATOR)


@pytest.mark.parametrize("record_type", list(RecordType))
def test_no_header_synonym_means_two_fields(record_type):
    assert header_index(record_type).collisions == []


def test_every_synonym_names_a_field():
    assert set(syn.HEADER_SYNONYMS) <= set(FIELD_BY_NAME)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Gender", "sex"),
        ("Sex", "sex"),
        ("M/F", "sex"),
        ("DOB", "date_of_birth"),
        ("Date of birth", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("Any children?", "has_children"),
        ("Children (Y/N)", "has_children"),
        ("MH", "mental_health"),
        ("Mental health", "mental_health"),
        ("Perpetrator gender", "perpetrator_sex"),
        ("Perp DOB", "other_identifier"),
        ("Child 1 name", "other_identifier"),
        ("Number of children", "children_count"),
        ("Date of MARAC", "referral_date"),
        ("Crime ref", "police_reference"),
        ("NHS No", "nhs_number"),
    ],
)
def test_victim_headers(header, field):
    assert VICTIM.match(header).field == field


@pytest.mark.parametrize(
    ("header", "field", "confidence"),
    [
        ("Mental health issues?", "mental_health", Confidence.HIGH),
        ("Needs MH", "mental_health", Confidence.MEDIUM),
        ("Victim Gender", "sex", Confidence.MEDIUM),
        ("Abuse types Financial", "financial", Confidence.MEDIUM),
        ("Perpetrator Lives with?", "lives_with_perpetrator", Confidence.MEDIUM),
    ],
)
def test_medium_confidence(header, field, confidence):
    match = VICTIM.match(header)
    assert (match.field, match.confidence) == (field, confidence)


def test_the_perpetrator_is_someone_else_in_a_victim_file():
    assert VICTIM.match("Perpetrator mental health") is None
    assert VICTIM.match("Perpetrator age") is None
    assert VICTIM.match("Perpetrator name").field == "other_identifier"
    assert PERPETRATOR.match("Perpetrator name").field == "full_name"
    assert PERPETRATOR.match("Offender gender").field == "sex"
    assert PERPETRATOR.match("Victim name").field == "other_identifier"
    assert PERPETRATOR.match("Repeat").field == "repeat_offender"
    assert VICTIM.match("Repeat").field == "repeat_referral"


def test_ambiguous_and_unknown_headers_are_not_guessed():
    assert VICTIM.match("Hx DV") is None
    assert VICTIM.match("Keyworker") is None
    assert VICTIM.match("Mental helth") is None
    assert VICTIM.suggest("Mental helth").confidence is Confidence.LOW


def test_template_labels_map_with_high_confidence():
    for f in FIELDS:
        index = VICTIM if RecordType.VICTIM in f.record_types else PERPETRATOR
        if f.output or f.kind is Kind.IDENTIFIER or f.name == "date_of_birth":
            assert index.match(f.label).field == f.name, f.label


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_one_agency(tmp_path):
    path = _write(
        tmp_path,
        'name = "Outreach"\nfile = "out.xlsx"\nsheet = 1\nheader_row = 5\n'
        'service_type = "outreach"\n[columns]\n"MH" = "mental_health"\n"Keyworker" = "ignore"\n'
        '[codes.sex]\n"W" = "female"\n',
    )
    [m] = load_mappings(path)
    assert (m.name, m.file, m.sheet, m.header_row, m.service_type) == (
        "Outreach",
        tmp_path / "out.xlsx",
        1,
        5,
        "outreach",
    )
    assert m.columns == {"MH": "mental_health", "Keyworker": "ignore"}
    assert m.codes == {"sex": {"W": "female"}}


def test_load_several_agencies(tmp_path):
    path = _write(
        tmp_path,
        '[[agencies]]\nfile = "a.csv"\n[[agencies]]\nname = "B"\nfile = "b.csv"\n'
        'record_type = "perpetrator"\nheader_row = "auto"\n',
    )
    a, b = load_mappings(path)
    assert (a.name, b.name, b.record_type, b.header_row) == ("a", "B", RecordType.PERPETRATOR, None)


def test_every_problem_in_a_mapping_is_reported_at_once(tmp_path):
    path = _write(
        tmp_path,
        'file = "a.csv"\ncolums = {}\nheader_row = 0\nservice_type = "gp"\n'
        '[columns]\n"MH" = "mental_helth"\n"Prev" = "previous_da_record"\n'
        '[codes.sex]\n"W" = "woman"\n[codes.date_of_birth]\n"x" = ""\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_mappings(path)
    assert str(caught.value).splitlines() == [
        'mapping.toml: unknown key "colums"; did you mean "columns"?',
        'mapping.toml: header_row must be "auto" or a row number (1 or more), not 0',
        'mapping.toml: service_type "gp" is not one of outreach, idva, refuge, marac, police, '
        "substance_misuse, childrens_services, health, housing, perpetrator_programme, other",
        'mapping.toml: columns."MH": unknown field "mental_helth"; did you mean "mental_health"?',
        'mapping.toml: columns."Prev": unknown field "previous_da_record" '
        "(it is not a field of victim records)",
        'mapping.toml: codes.sex."W": "woman" is not allowed; '
        'use one of female, male, other, not recorded (or "")',
        "mapping.toml: codes.date_of_birth: date_of_birth takes no codes",
    ]


def test_bad_toml(tmp_path):
    path = _write(tmp_path, 'file = "a.csv\n')
    with pytest.raises(ConfigError, match=r"^mapping.toml: not valid TOML: "):
        load_mappings(path)


def test_missing_mapping_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_mappings(tmp_path / "nope.toml")


def test_suggestion_is_valid_toml_that_loads(tmp_path):
    suggestion = suggest_mapping(DATA / "merged-header.xlsx")
    text = suggestion.to_toml()
    data = tomllib.loads(text)
    assert data["header_row"] == 3
    assert data["columns"]["Client / Gender"] == "sex"
    assert data["columns"]["Perpetrator / Gender"] == "perpetrator_sex"
    assert "Perpetrator / Age" not in data["columns"]
    assert '# "Perpetrator / Age" = ""' in text
    path = tmp_path / "merged-header.toml"
    path.write_text(text, encoding="utf-8")
    [m] = load_mappings(path)
    assert m.columns["Needs / MH"] == "mental_health"


def test_suggestion_lists_unknown_codes_and_hides_identifiers():
    text = suggest_mapping(DATA / "bad-cells.csv").to_toml()
    assert '"Q" = ""  # 1 row; not recognised' in text
    assert '"Maybe" = ""  # 1 row; not recognised' in text
    assert '"Forename" = "first_name"' in text and "identifier: values not shown" in text
    for name in ("Jane", "Smith", "Jones", "1985"):
        assert name not in text


def test_suggestion_shows_only_values_seen_in_three_rows_or_more():
    text = suggest_mapping(DATA / "clean.csv").to_toml()
    assert "Referral date" in text and "4 distinct values, none in 3+ rows (not shown)" in text


def test_every_field_is_documented():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "mapping.md").read_text(encoding="utf-8")
    for f in FIELDS:
        assert f"| `{f.name}` |" in docs, f.name
        for value in f.values:
            assert f"`{value}`" in docs, value
