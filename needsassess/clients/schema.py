"""The canonical client and perpetrator records every agency spreadsheet is mapped to.

One row is one person in one agency episode. Every field but `agency` is optional, and "not recorded" is
a value of its own: a blank, "Unknown" or "Declined" cell is never silently a "no".

Each field carries the rule applied when a cell is bad (a code outside the allowed values, an impossible
age, a date in the future): `warn` keeps the row and sets that cell to "not recorded"; `reject` leaves the
whole row out. Both are reported, with file, sheet, row and column, in the Data quality sheet.

Direct identifiers (names, dates of birth, addresses, phone and NHS numbers, police references, free-text
notes) are fields too, so that their columns are recognised; they never leave the reader, except as
input to the pseudonymised person key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

NOT_RECORDED = "not recorded"


class Kind(StrEnum):
    """How a field's cells are read."""

    FLAG = "flag"  # yes | no | not recorded
    CATEGORY = "category"  # one of `allowed`, or not recorded
    INTEGER = "integer"  # a whole number within [minimum, maximum]
    NUMBER = "number"  # a number within [minimum, maximum]
    DURATION = "duration"  # a length of time: "3", "3 years", "18 months"
    DATE = "date"  # an Excel date, an Excel serial number or day-first text
    IDENTIFIER = "identifier"  # recognised so that it can be dropped; never output


class Rule(StrEnum):
    """What happens to a row whose cell in this field is bad."""

    WARN = "warn"  # keep the row; the cell becomes "not recorded"
    REJECT = "reject"  # leave the row out


class RecordType(StrEnum):
    """Whose record a file holds: victims/survivors (clients) or perpetrators."""

    VICTIM = "victim"
    PERPETRATOR = "perpetrator"


class Flag(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_RECORDED = NOT_RECORDED


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class RiskLevel(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


class EthnicGroup(StrEnum):
    """ONS high-level ethnic groups (England and Wales census)."""

    WHITE = "white"
    MIXED = "mixed"
    ASIAN = "asian"
    BLACK = "black"
    OTHER = "other"


class EmploymentStatus(StrEnum):
    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    EDUCATION = "education"
    RETIRED = "retired"
    SICK_OR_DISABLED = "sick_or_disabled"
    OTHER = "other"


class Relationship(StrEnum):
    PARTNER = "partner"
    EX_PARTNER = "ex_partner"
    FAMILY = "family"
    OTHER = "other"


class ServiceType(StrEnum):
    OUTREACH = "outreach"
    IDVA = "idva"
    REFUGE = "refuge"
    MARAC = "marac"
    POLICE = "police"
    SUBSTANCE_MISUSE = "substance_misuse"
    CHILDRENS_SERVICES = "childrens_services"
    HEALTH = "health"
    HOUSING = "housing"
    PERPETRATOR_PROGRAMME = "perpetrator_programme"
    OTHER = "other"


class AccommodationType(StrEnum):
    """Domestic Abuse Act 2021 Part 4 relevant safe accommodation."""

    REFUGE = "refuge"
    SPECIALIST_REFUGE = "specialist_refuge"
    DISPERSED = "dispersed"
    SANCTUARY = "sanctuary"
    SECOND_STAGE = "second_stage"
    OTHER = "other"


class ReferralOutcome(StrEnum):
    SUPPORTED = "supported"
    UNABLE_TO_SUPPORT = "unable_to_support"


class UnableReason(StrEnum):
    NO_SPACE = "no_space"
    NEEDS_UNMET = "needs_unmet"
    DECLINED_BY_CLIENT = "declined_by_client"
    NO_CONTACT = "no_contact"
    NO_RECOURSE = "no_recourse"
    INELIGIBLE = "ineligible"
    OTHER = "other"


class SupportEndReason(StrEnum):
    NO_LONGER_NEEDED = "no_longer_needed"
    MOVED_ON = "moved_on"
    DISENGAGED = "disengaged"
    EVICTED = "evicted"
    RETURNED_TO_PERPETRATOR = "returned_to_perpetrator"
    OTHER = "other"


class MoveOnDestination(StrEnum):
    SOCIAL_HOUSING = "social_housing"
    PRIVATE_RENTED = "private_rented"
    FAMILY_FRIENDS = "family_friends"
    ANOTHER_REFUGE = "another_refuge"
    OWN_HOME = "own_home"
    TEMPORARY_ACCOMMODATION = "temporary_accommodation"
    RETURNED_TO_PERPETRATOR = "returned_to_perpetrator"
    OTHER = "other"


VICTIM = frozenset({RecordType.VICTIM})
PERPETRATOR = frozenset({RecordType.PERPETRATOR})
BOTH = frozenset(RecordType)


@dataclass(frozen=True)
class Field:
    """One canonical field: how its cells are read and what happens when a cell is bad."""

    name: str
    kind: Kind
    label: str  # the header used in data-return templates; also a built-in synonym
    description: str
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    rule: Rule = Rule.WARN
    required: bool = False
    record_types: frozenset[RecordType] = BOTH
    output: bool = True  # False for identifiers and for input-only fields such as date_of_birth
    key_input: bool = False  # identifiers that feed the person key (one column each)

    @property
    def values(self) -> tuple[str, ...]:
        """Values a cell may take after mapping, "not recorded" included."""
        if self.kind is Kind.FLAG:
            return tuple(Flag)
        if self.kind is Kind.CATEGORY:
            return (*self.allowed, NOT_RECORDED)
        return ()


def _flag(name: str, label: str, description: str, record_types=BOTH) -> Field:
    return Field(name, Kind.FLAG, label, description, record_types=record_types)


def _category(name: str, label: str, description: str, enum, record_types=BOTH) -> Field:
    return Field(name, Kind.CATEGORY, label, description, allowed=tuple(enum), record_types=record_types)


def _identifier(name: str, label: str, description: str, key_input: bool = False) -> Field:
    return Field(name, Kind.IDENTIFIER, label, description, output=False, key_input=key_input)


FIELDS: tuple[Field, ...] = (
    # Direct identifiers: recognised by header, dropped at the reader.
    _identifier("client_ref", "Client reference", "The agency's own case or client number.", key_input=True),
    _identifier("first_name", "First name", "Forename(s).", key_input=True),
    _identifier("surname", "Surname", "Family name.", key_input=True),
    _identifier(
        "full_name", "Name", 'Whole name, "Forename Surname" or "Surname, Forename".', key_input=True
    ),
    Field(
        "date_of_birth",
        Kind.DATE,
        "Date of birth",
        "Becomes age at referral and age band, and feeds the person key; then dropped.",
        maximum=110,
        output=False,
        key_input=True,
    ),
    _identifier("address", "Address", "Any address line."),
    _identifier("postcode", "Postcode", "Postcode."),
    _identifier("phone", "Phone", "Telephone or mobile number."),
    _identifier("email", "Email", "Email address."),
    _identifier("nhs_number", "NHS number", "NHS number."),
    _identifier("police_reference", "Police reference", "Crime, incident or occurrence number."),
    _identifier("notes", "Notes", "Free-text notes and comments."),
    _identifier(
        "other_identifier",
        "Other identifying detail",
        "Anyone else's name or date of birth (perpetrator, children).",
    ),
    # Episode.
    Field(
        "referral_date",
        Kind.DATE,
        "Referral date",
        "Date the episode began (referral, MARAC meeting, incident). Required: a row without a valid, "
        "non-future date cannot be placed in the period and is rejected.",
        rule=Rule.REJECT,
        required=True,
    ),
    _category("service_type", "Service type", "Kind of service; usually set once per agency.", ServiceType),
    # About the person.
    _category("sex", "Sex", "Sex of the victim (or, in perpetrator files, of the perpetrator).", Sex),
    Field(
        "age",
        Kind.INTEGER,
        "Age",
        "Age in years at referral; worked out from the date of birth where one is given.",
        minimum=0,
        maximum=110,
    ),
    _category("ethnic_group", "Ethnic group", "ONS high-level ethnic group.", EthnicGroup),
    _flag("disability", "Disability", "Has a disability.", VICTIM),
    _flag("lgbt", "LGBT+", "Lesbian, gay, bisexual or trans.", VICTIM),
    _flag("pregnant", "Pregnant", "Pregnant at referral.", VICTIM),
    _flag(
        "has_children",
        "Any children?",
        "Has children (derived from the number of children if absent).",
        VICTIM,
    ),
    Field(
        "children_count",
        Kind.INTEGER,
        "Number of children",
        "Number of children in the household.",
        minimum=0,
        maximum=20,
        record_types=VICTIM,
    ),
    # Needs.
    _flag("mental_health", "Mental health", "Mental health needs."),
    _flag("substance_misuse", "Substance misuse", "Alcohol or drug misuse (derived from the two if absent)."),
    _flag("alcohol_misuse", "Alcohol misuse", "Alcohol misuse."),
    _flag("drug_misuse", "Drug misuse", "Drug misuse."),
    _flag("financial_problems", "Financial problems", "Financial problems or debt."),
    _flag("housing_need", "Housing need", "Housing need or risk of homelessness.", VICTIM),
    _category("employment_status", "Employment status", "Employment status at referral.", EmploymentStatus),
    # Abuse experienced.
    _flag("physical", "Physical abuse", "Experienced physical abuse.", VICTIM),
    _flag("sexual", "Sexual abuse", "Experienced sexual abuse.", VICTIM),
    _flag("emotional", "Emotional abuse", "Experienced emotional or psychological abuse.", VICTIM),
    _flag("financial", "Financial abuse", "Experienced financial or economic abuse.", VICTIM),
    _flag("jealous_controlling", "Jealous and controlling behaviour", "Coercive control.", VICTIM),
    _flag("harassment_stalking", "Harassment and stalking", "Experienced harassment or stalking.", VICTIM),
    Field(
        "abuse_duration_months",
        Kind.DURATION,
        "Length of abuse (months)",
        'Length of abuse before referral, in months; cells like "3 years" are converted.',
        minimum=0,
        maximum=960,
        record_types=VICTIM,
    ),
    Field(
        "abuse_duration_years",
        Kind.DURATION,
        "Length of abuse (years)",
        "Input only: a length in years, stored as abuse_duration_months.",
        minimum=0,
        maximum=80,
        record_types=VICTIM,
        output=False,
    ),
    _category("risk_level", "Risk level", "Risk assessment outcome (e.g. DASH).", RiskLevel, VICTIM),
    _category("perpetrator_sex", "Perpetrator sex", "Sex of the perpetrator.", Sex, VICTIM),
    _category(
        "perpetrator_relationship",
        "Relationship to perpetrator",
        "Perpetrator's relation to the victim.",
        Relationship,
        VICTIM,
    ),
    _flag(
        "lives_with_perpetrator", "Lives with perpetrator", "Lives with the perpetrator at referral.", VICTIM
    ),
    _flag("repeat_referral", "Repeat referral", "Recorded by the agency as a repeat referral.", VICTIM),
    # Outcomes.
    _flag("abuse_reduced", "Abuse reduced", "At exit, abuse stopped or reduced.", VICTIM),
    _flag("feels_safer", "Feels safer", "At exit, feels safer.", VICTIM),
    _flag(
        "quality_of_life_improved", "Quality of life improved", "At exit, quality of life improved.", VICTIM
    ),
    # Safe accommodation (Domestic Abuse Act 2021 Part 4 annual return).
    _category(
        "accommodation_type", "Accommodation type", "Type of safe accommodation.", AccommodationType, VICTIM
    ),
    _flag("from_out_of_area", "From out of area", "Referred from outside the local authority.", VICTIM),
    _category(
        "referral_outcome",
        "Referral outcome",
        "Whether the household was supported.",
        ReferralOutcome,
        VICTIM,
    ),
    _category(
        "unable_reason", "Reason unable to support", "Why a referral was not supported.", UnableReason, VICTIM
    ),
    _category(
        "support_end_reason",
        "Reason support ended",
        "Why support in accommodation ended.",
        SupportEndReason,
        VICTIM,
    ),
    _category(
        "move_on_destination",
        "Move-on destination",
        "Where the household went on leaving.",
        MoveOnDestination,
        VICTIM,
    ),
    Field(
        "children_supported",
        Kind.INTEGER,
        "Children supported",
        "Children supported with the adult.",
        minimum=0,
        maximum=20,
        record_types=VICTIM,
    ),
    # Perpetrators only.
    _flag("previous_da_record", "Previous DA record", "Has a previous domestic abuse record.", PERPETRATOR),
    _flag(
        "repeat_offender", "Repeat offender", "Recorded as a repeat domestic abuse perpetrator.", PERPETRATOR
    ),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

IDENTIFIER_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.kind is Kind.IDENTIFIER) | {
    "date_of_birth"
}

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("under 16", 0, 15),
    ("16-17", 16, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, 200),
)

# Columns the reader adds to every record, before the mapped fields.
RECORD_COLUMNS: tuple[str, ...] = (
    "client_key",
    "key_basis",
    "record_type",
    "agency",
    "service_type",
    "referral_date",
    "referral_number",
    "agencies_known_to",
)
SOURCE_COLUMNS: tuple[str, ...] = ("source_file", "source_sheet", "source_row")


def fields_for(record_type: RecordType) -> tuple[Field, ...]:
    """The fields a file of this record type may map to (identifiers included)."""
    return tuple(f for f in FIELDS if record_type in f.record_types)


def output_columns(record_type: RecordType) -> list[str]:
    """Columns of the merged table for this record type, in order; no identifier among them."""
    columns = list(RECORD_COLUMNS)
    for f in fields_for(record_type):
        if not f.output or f.name in columns:
            continue
        columns.append(f.name)
        if f.name == "age":
            columns.append("age_band")
    return columns + list(SOURCE_COLUMNS)


def age_band(age: float | None) -> str:
    """The age band of a whole age in years ("25-34"); "not recorded" for a missing age."""
    if age is None or age != age:
        return NOT_RECORDED
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return NOT_RECORDED
