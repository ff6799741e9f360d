"""The fields of a police incident extract: header synonyms, the code books and the values they give.

The reader (police/read.py) maps an extract's headers to FIELDS through these synonyms, the same way
agency files are mapped (clients/synonyms.py), and reads coded cells through CODE_BOOKS; a mapping's
[police.columns] and [police.codes] override them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from needsassess.clients import synonyms as syn
from needsassess.clients.values import code_key, header_key

# --- fields and their synonyms ---------------------------------------------------------------------------

IGNORE = "ignore"


def _words(text: str) -> tuple[str, ...]:
    """Synonyms written as one string, "incident id | incident ref | ...", for readability."""
    return tuple(w.strip() for w in text.split("|"))


FIELDS: dict[str, tuple[str, ...]] = {
    # field: header synonyms, most preferred first (where two headers match one field, the earlier wins)
    "incident_ref": _words(
        "incident id | incident ref | incident reference | incident number | incident no | "
        "occurrence ref | occurrence reference | occurrence number | occurrence no | occurrence id | "
        "crime number | crime ref | crime reference | reference | ref | urn | log number | record id | "
        "id"
    ),
    "date": _words(
        "date | incident date | date of incident | date reported | reported date | report date | "
        "date recorded | recorded date | occurred date | date occurred | date committed | "
        "committed date | offence date | created date"
    ),
    "area": _words(
        "area | area code | area name | local authority | local authority code | local authority name | "
        "la | la code | la name | lad code | lad name | district | borough | unitary authority | "
        "community safety partnership | csp | policing area"
    ),
    "ward": _words("ward | ward name | ward code | electoral ward"),
    "lsoa": _words("lsoa | lsoa code | lsoa11cd | lsoa21cd | lower super output area"),
    "crime": _words(
        "crime non crime | crime or non crime | crime or incident | crime incident | crimed | "
        "crime flag | crime status | recorded crime | crime | classification"
    ),
    "offence": _words(
        "offence type | offence | offence description | offence group | offence category | crime type | "
        "crime category | home office offence | ho offence"
    ),
    "victim_key": _words(
        "victim id | victim key | victim ref | victim reference | victim number | victim urn | "
        "victim nominal | victim nominal id | person id | nominal id | ip id | injured party id"
    ),
    "victim_age": _words(
        "victim age | age of victim | ip age | injured party age | victim age at incident | age"
    ),
    "victim_sex": _words(
        "victim sex | victim gender | sex of victim | gender of victim | ip sex | ip gender | "
        "injured party sex | injured party gender | sex | gender"
    ),
    "perpetrator_age": _words(
        "perpetrator age | suspect age | offender age | age of perpetrator | age of suspect | "
        "age of offender | perp age | accused age"
    ),
    "perpetrator_sex": _words(
        "perpetrator sex | perpetrator gender | suspect sex | suspect gender | offender sex | "
        "offender gender | perp sex | perp gender | accused sex | accused gender"
    ),
    "children_present": _words(
        "children present | child present | childrens present | cyp present | any children present | "
        "children at incident | children present at incident"
    ),
    "children_count": _words(
        "number of children | number of children present | no of children | no of children present | "
        "children count | children involved | number of children involved | num children | "
        "count of children"
    ),
    "risk": _words(
        "risk level | risk | dash risk | dash risk level | dash | dash grading | risk grading | "
        "risk rating | risk assessment"
    ),
    "alcohol": _words(
        "alcohol involved | alcohol | alcohol related | alcohol flag | alcohol factor | alcohol marker"
    ),
}
FIELD_LABELS = {
    "incident_ref": "incident reference",
    "date": "date",
    "area": "area",
    "ward": "ward",
    "lsoa": "LSOA",
    "crime": "crime or non-crime",
    "offence": "offence type",
    "victim_key": "victim key",
    "victim_age": "victim age",
    "victim_sex": "victim sex",
    "perpetrator_age": "perpetrator age",
    "perpetrator_sex": "perpetrator sex",
    "children_present": "children present",
    "children_count": "number of children",
    "risk": "risk level",
    "alcohol": "alcohol involved",
}
# Values a mapping's [codes.FIELD] may give, per coded field ("" means not recorded).
CODE_VALUES = {
    "crime": ("crime", "non_crime", ""),
    "victim_sex": ("female", "male", "other", ""),
    "perpetrator_sex": ("female", "male", "other", ""),
    "children_present": ("yes", "no", ""),
    "alcohol": ("yes", "no", ""),
    "risk": ("standard", "medium", "high", ""),
}
IDENTIFYING_WORDS = frozenset(
    {"name", "surname", "forename", "forenames", "dob", "birth", "address", "postcode", "phone", "telephone"}
    | {"mobile", "email", "nhs", "pnc", "ni", "street", "house"}
)

NOT_RECORDED = frozenset(code_key(c) for c in syn.NOT_RECORDED_CODES)


def _book(codes: Mapping[str, tuple[str, ...]], **extra: tuple[str, ...]) -> dict[str, str]:
    """raw code -> value, from the agency code books (read with code_key) and police additions."""
    return {code_key(c): value for value, raw in (*codes.items(), *extra.items()) for c in raw}


CODE_BOOKS: dict[str, dict[str, str]] = {
    "crime": {
        **dict.fromkeys(
            _words(
                "crime | crimed | recorded crime | notifiable crime | notifiable | c | y | yes | 1 | true"
            ),
            "crime",
        ),
        **dict.fromkeys(
            _words(
                "non crime | noncrime | non crime incident | non crime domestic | non crime domestic incident | "
                "incident | domestic incident | nci | non notifiable | n | no | 0 | false"
            ),
            "non_crime",
        ),
    },
    "sex": _book(syn.SEX_CODES),
    "flag": _book(syn.FLAG_CODES, no=("no children",)),
    # DASH: a risk not assessed (or the assessment refused) is not recorded, never "standard"
    "risk": {**_book(syn.RISK_CODES), **dict.fromkeys(_words("not assessed | no dash | dash refused"), "")},
}
FIELD_CODE_BOOK = {
    "crime": "crime",
    "victim_sex": "sex",
    "perpetrator_sex": "sex",
    "children_present": "flag",
    "alcohol": "flag",
    "risk": "risk",
}
CODE_EXPECTED = {
    "crime": "expected Crime or Non-crime (or Y/N); map other codes in [police.codes.crime]",
    "sex": "expected Female/Male, F/M or Unknown",
    "flag": "expected Y/N, Yes/No or Unknown",
    "risk": "expected Standard, Medium, High or Not assessed",
}
MAX_AGE = 120

FRAME_COLUMNS = list(
    _words(
        "row | date | area | ward | lsoa | crime | offence | victim_key | victim_age | victim_sex | "
        "perpetrator_age | perpetrator_sex | children_present | children_count | risk | alcohol"
    )
)


def plain_header(value: Any) -> str:
    """A header as plain words, as agency headers are read, without a trailing "(Y/N)"."""
    return re.sub(r"\s+(?:y n|yes no)$", "", header_key(value))


SYNONYM_INDEX = {plain_header(s): (f, i) for f, syns in FIELDS.items() for i, s in enumerate(syns)}
