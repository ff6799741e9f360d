"""What the blank agency data-return workbooks hold, so that next year's data arrive clean.

One workbook per kind of return (community victim services, safe accommodation, perpetrators): a Return
sheet with one row per client episode, headers that map with no configuration, drop-down lists of the
schema's allowed values, date and whole-number checks; and a Notes sheet explaining every column. The
workbooks are written by needsassess.report.clients.
"""

from __future__ import annotations

from dataclasses import dataclass

from needsassess.clients.schema import Field, Kind

_IDENTIFIERS = ("client_ref", "first_name", "surname", "date_of_birth")
_PERSON = (
    "referral_date",
    "sex",
    "ethnic_group",
    "disability",
    "lgbt",
    "pregnant",
    "has_children",
    "children_count",
)
_NEEDS = (
    "mental_health",
    "alcohol_misuse",
    "drug_misuse",
    "financial_problems",
    "housing_need",
    "employment_status",
)
_ABUSE = (
    "physical",
    "sexual",
    "emotional",
    "financial",
    "jealous_controlling",
    "harassment_stalking",
    "abuse_duration_months",
    "risk_level",
    "perpetrator_sex",
    "perpetrator_relationship",
    "lives_with_perpetrator",
    "repeat_referral",
)
_OUTCOMES = ("abuse_reduced", "feels_safer", "quality_of_life_improved")
_ACCOMMODATION = (
    "accommodation_type",
    "from_out_of_area",
    "referral_outcome",
    "unable_reason",
    "support_end_reason",
    "move_on_destination",
    "children_supported",
)
_PERPETRATOR = (
    "referral_date",
    "sex",
    "ethnic_group",
    "alcohol_misuse",
    "drug_misuse",
    "mental_health",
    "financial_problems",
    "employment_status",
    "previous_da_record",
    "repeat_offender",
)


@dataclass(frozen=True)
class ReturnTemplate:
    filename: str
    title: str
    record_type: str
    fields: tuple[str, ...]


TEMPLATES: tuple[ReturnTemplate, ...] = (
    ReturnTemplate(
        "victim-services-data-return.xlsx",
        "Domestic abuse victim services: client data return",
        "victim",
        _IDENTIFIERS + _PERSON + _NEEDS + _ABUSE + _OUTCOMES,
    ),
    ReturnTemplate(
        "safe-accommodation-data-return.xlsx",
        "Domestic abuse safe accommodation (Part 4): referrals and residents data return",
        "victim",
        _IDENTIFIERS + _PERSON + _NEEDS + ("risk_level",) + _ACCOMMODATION,
    ),
    ReturnTemplate(
        "perpetrator-data-return.xlsx",
        "Domestic abuse perpetrators: data return",
        "perpetrator",
        _IDENTIFIERS + _PERPETRATOR,
    ),
)

NOTES = (
    "One row per client episode: a person referred twice in the year has two rows.",
    'Use the drop-down lists. If something was not asked or not known, choose "not recorded" or leave the '
    'cell blank: never "no". "No" means the question was asked and the answer was no.',
    "Names, dates of birth and your client reference are used only to build a pseudonymous key, so that a "
    "person known to several services is counted once. They are dropped on reading and appear in no output. "
    "Share this "
    "return only under your data-sharing agreement, by a secure route.",
    "Dates as day/month/year. Do not add totals rows, merged cells or extra header rows; "
    "do not rename columns.",
)


def display_value(value: str) -> str:
    """A canonical value as agencies see it in drop-downs: "ex_partner" -> "ex partner"."""
    return value.replace("_", " ")


def allowed_text(f: Field) -> str:
    """What a column accepts, in words, for the Notes sheet."""
    if f.values:
        return ", ".join(display_value(v) for v in f.values)
    if f.kind is Kind.DATE:
        return "a date (day/month/year)"
    if f.kind is Kind.INTEGER:
        return f"a whole number, {f.minimum:g} to {f.maximum:g}"
    if f.kind is Kind.DURATION:
        return f"a number of months, 0 to {f.maximum:g}"
    return "text (used only for the pseudonymous key)"
