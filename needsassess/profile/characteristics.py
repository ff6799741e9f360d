"""The items of the needs profile: which fields are counted, under which labels, with which values.

A `Characteristic` is one row group of a published table (a flag shows its "yes" row, a category every
value). The catalogues below (`DEMOGRAPHICS`, `NEEDS`, `ABUSE_TYPES`...) are the tables' contents, in the
order published; the schema's canonical values are taken in its order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from needsassess.clients import schema

NOT_RECORDED = schema.NOT_RECORDED
YES, NO = schema.Flag.YES.value, schema.Flag.NO.value
ALL_AGENCIES = "All agencies"


class Unit(StrEnum):
    """What a count counts."""

    PEOPLE = "people"
    REFERRALS = "referrals"


class Kind(StrEnum):
    FLAG = "flag"  # yes | no | not recorded; the "yes" row is shown
    CATEGORY = "category"  # one of `values`, or not recorded; every value is shown


class Combine(StrEnum):
    """How one person's episodes become one value."""

    ANY = "any"  # flags: yes if any episode says yes, else no if any says no
    FIRST = "first"  # the earliest episode that records a value (at entry)
    LAST = "last"  # the latest episode that records a value (at exit)


@dataclass(frozen=True)
class Characteristic:
    """One item of the profile: a field of the merged table, or one derived from fields."""

    column: str
    label: str
    kind: Kind = Kind.FLAG
    values: tuple[str, ...] = (YES, NO)
    labels: dict[str, str] = field(default_factory=dict, hash=False)  # value -> label shown

    @property
    def shown(self) -> tuple[str, ...]:
        """Values that get their own row in published tables."""
        return (YES,) if self.kind is Kind.FLAG else self.values

    def value_label(self, value: str) -> str:
        if self.kind is Kind.FLAG:
            return self.label
        return self.labels.get(value, value.replace("_", " "))


def flag(column: str, label: str) -> Characteristic:
    return Characteristic(column, label)


def category(
    column: str, label: str, values: Sequence[str], labels: dict[str, str] | None = None
) -> Characteristic:
    return Characteristic(column, label, Kind.CATEGORY, tuple(values), labels or {})


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


# The canonical values of the client schema, in its order.
SEXES = _values(schema.Sex)
AGE_BANDS = tuple(label for label, _, _ in schema.AGE_BANDS)
ETHNIC_GROUPS = _values(schema.EthnicGroup)
RISK_LEVELS = _values(schema.RiskLevel)
RELATIONSHIPS = _values(schema.Relationship)
ACCOMMODATION_TYPES = _values(schema.AccommodationType)
UNABLE_REASONS = _values(schema.UnableReason)
SUPPORT_END_REASONS = _values(schema.SupportEndReason)
MOVE_ON_DESTINATIONS = _values(schema.MoveOnDestination)
IN_WORK_OR_LEARNING = (schema.EmploymentStatus.EMPLOYED.value, schema.EmploymentStatus.EDUCATION.value)

SEX_LABELS = {"female": "Female", "male": "Male", "other": "Other"}
ETHNIC_LABELS = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "other": "Other ethnic group",
}
RELATIONSHIP_LABELS = {
    "partner": "Partner",
    "ex_partner": "Ex-partner",
    "family": "Family member",
    "other": "Other",
}
ACCOMMODATION_LABELS = {
    "refuge": "Refuge",
    "specialist_refuge": "Specialist refuge",
    "dispersed": "Dispersed accommodation",
    "sanctuary": "Sanctuary scheme",
    "second_stage": "Second stage / move-on",
    "other": "Other safe accommodation",
}
TRIO_VALUES = ("neither", "mental_health_only", "substance_misuse_only", "both")
TRIO_LABELS = {
    "neither": "Neither mental ill-health nor substance misuse",
    "mental_health_only": "Mental ill-health only",
    "substance_misuse_only": "Substance misuse only",
    "both": "Both: domestic abuse, mental ill-health and substance misuse (toxic trio)",
}
CHILDREN_BANDS = ("0", "1", "2", "3", "4 or more")
NEEDS_COUNTED = ("mental_health", "substance_misuse", "financial_problems", "housing_need", "neet")
NEEDS_COUNT_VALUES = ("0", "1", "2", "3 or more")

DEMOGRAPHICS = (
    category("sex", "Sex", SEXES, SEX_LABELS),
    category("age_band", "Age band", AGE_BANDS),
    category("ethnic_group", "Ethnic group", ETHNIC_GROUPS, ETHNIC_LABELS),
    flag("disability", "Disability"),
    flag("lgbt", "LGBT+"),
    flag("pregnant", "Pregnant"),
)
NEEDS = (
    flag("has_children", "Has children"),
    flag("mental_health", "Mental health"),
    flag("substance_misuse", "Substance misuse (alcohol or drugs)"),
    flag("alcohol_misuse", "Alcohol misuse"),
    flag("drug_misuse", "Drug misuse"),
    flag("financial_problems", "Financial problems"),
    flag("housing_need", "Housing need"),
    flag("neet", "Not in employment, education or training"),
)
CHILDREN = (category("children_band", "Number of children", CHILDREN_BANDS),)
MULTIPLE_NEEDS = (
    category("toxic_trio", "Mental ill-health and substance misuse", TRIO_VALUES, TRIO_LABELS),
    category("needs_count", "Number of needs", NEEDS_COUNT_VALUES),
)
ABUSE_TYPES = (
    flag("jealous_controlling", "Jealous and controlling behaviour"),
    flag("harassment_stalking", "Harassment and stalking"),
    flag("physical", "Physical abuse"),
    flag("sexual", "Sexual abuse"),
    flag("emotional", "Emotional abuse"),
    flag("financial", "Financial abuse"),
)
ABUSE_CONTEXT = (
    category("risk_level", "Risk level", RISK_LEVELS),
    category("perpetrator_relationship", "Perpetrator relationship", RELATIONSHIPS, RELATIONSHIP_LABELS),
    category("perpetrator_sex", "Perpetrator sex", SEXES, SEX_LABELS),
    flag("lives_with_perpetrator", "Lives with the perpetrator"),
    flag("repeat_referral", "Repeat referral (as recorded by the agency)"),
    flag("referred_again", "Referred more than once in the period"),
)
OUTCOMES = (
    flag("abuse_reduced", "Abuse stopped or reduced"),
    flag("feels_safer", "Feels safer"),
    flag("quality_of_life_improved", "Quality of life improved"),
)
PERPETRATOR = (
    category("sex", "Sex", SEXES, SEX_LABELS),
    category("age_band", "Age band", AGE_BANDS),
    flag("alcohol_misuse", "Alcohol misuse"),
    flag("drug_misuse", "Drug misuse"),
    flag("mental_health", "Mental health"),
    flag("financial_problems", "Financial problems"),
    flag("previous_da_record", "Previous domestic abuse record"),
    flag("repeat_offender", "Repeat domestic abuse perpetrator"),
)
SPECIALIST = (
    flag("minoritised", "Black and minoritised (ethnic group other than White)"),
    flag("disability", "Disabled"),
    flag("lgbt", "LGBT+"),
    flag("mental_health", "Mental health"),
    flag("substance_misuse", "Substance misuse (alcohol or drugs)"),
    flag("male_victim", "Male victim"),
    flag("young_victim", "Young victim (aged 16-24)"),
    flag("older_victim", "Older victim (aged 65+)"),
    flag("any_specialist", "At least one of these characteristics"),
)

# Fields taken at exit rather than at entry when a person's episodes are combined.
AT_EXIT = frozenset(
    {"abuse_reduced", "feels_safer", "quality_of_life_improved", "support_end_reason", "move_on_destination"}
)
FLAG_FIELDS = frozenset(
    c.column
    for group in (DEMOGRAPHICS, NEEDS, ABUSE_TYPES, ABUSE_CONTEXT, PERPETRATOR)
    for c in group
    if c.kind is Kind.FLAG
) | {"from_out_of_area"}
DERIVED = frozenset(
    {"neet", "children_band", "toxic_trio", "needs_count", "referred_again", "minoritised", "male_victim",
     "young_victim", "older_victim", "any_specialist", "age_band"}
)  # fmt: skip
