"""Built-in synonyms: the headers and codes agencies commonly use, mapped to canonical fields and values.

These let a typical agency spreadsheet map with no configuration. A mapping file overrides them column by
column and code by code. Keys are written as people type them; they are compared after `header_key` /
`code_key` normalisation, so case, spacing and punctuation do not matter.
"""

from __future__ import annotations

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client_ref": (
        "client ref", "client reference", "client id", "client no", "client number", "ref", "ref no",
        "reference", "id", "case ref", "case reference", "case id", "case number", "case no", "urn",
        "unique reference", "record id", "marac ref", "marac reference", "idva ref", "service user id",
        "su id", "su ref", "person id", "nominal id", "offender id", "perpetrator id", "resident ref", "resident id",
    ),
    "first_name": ("first name", "forename", "forenames", "given name", "first names", "christian name"),
    "surname": ("surname", "last name", "family name"),
    "full_name": (
        "name", "full name", "client name", "victim name", "service user name", "su name", "names",
        "perpetrator name", "offender name", "resident name", "nominal name",
    ),
    "date_of_birth": ("dob", "d o b", "date of birth", "birth date", "birthdate", "born"),
    "address": (
        "address", "address line 1", "address line 2", "address line 3", "address 1", "address 2",
        "address 3", "street", "home address", "house number", "town", "current address",
    ),
    "postcode": ("postcode", "post code", "postal code", "pcode"),
    "phone": (
        "phone", "telephone", "tel", "tel no", "mobile", "mobile number", "phone number", "contact number",
        "telephone number", "safe number", "safe contact number",
    ),
    "email": ("email", "e mail", "email address"),
    "nhs_number": ("nhs number", "nhs no", "nhs", "nhs num"),
    "police_reference": (
        "police reference", "police ref", "crime reference", "crime ref", "crime number", "crime no", "crn",
        "incident number", "incident ref", "incident no", "storm ref", "occurrence number", "niche ref",
        "police incident number", "log number", "crime reference number",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "case notes", "free text", "narrative", "details", "summary",
        "additional information", "other information", "remarks", "other notes", "worker notes",
    ),
    "referral_date": (
        "referral date", "date of referral", "date referred", "date", "start date", "date opened",
        "case opened", "open date", "date of marac", "marac date", "meeting date", "date of incident",
        "incident date", "date received", "referral received", "entry date", "date of entry",
        "admission date", "date admitted", "date of admission", "date of first contact", "intake date",
    ),
    "service_type": ("service type", "type of service", "service", "team", "programme"),
    "sex": ("sex", "gender", "m f", "f m", "sex m f", "gender m f", "gender identity"),
    "age": ("age", "age at referral", "age on referral", "age years", "age yrs", "age at incident", "age now"),
    "ethnic_group": ("ethnicity", "ethnic group", "ethnic origin", "ethnic", "race", "ethnicity code"),
    "disability": ("disability", "disabled", "has a disability", "any disability", "disability status"),
    "lgbt": ("lgbt", "lgbtq", "lgbt+", "lgbtq+", "lgbtqi", "lgbtqia", "sexual orientation", "lgb"),
    "pregnant": ("pregnant", "pregnancy", "currently pregnant"),
    "has_children": (
        "any children", "children", "has children", "dependent children", "children y n", "children yes no",
        "kids", "parent", "has dependants", "children in household y n",
    ),
    "children_count": (
        "number of children", "no of children", "children count", "how many children", "num children",
        "no children", "children number", "number of children in household", "children in household",
        "no of children in household", "cyp in household", "number of cyp", "children in the household",
        "no of cyp",
    ),
    "mental_health": (
        "mh", "mental health", "mental health issues", "mental health needs", "mental ill health", "mh issues",
        "mental health concerns", "mh need", "mh needs", "mental health problems",
    ),
    "substance_misuse": (
        "substance misuse", "substance use", "sm", "drugs alcohol", "drugs and alcohol", "drug alcohol",
        "drug and alcohol", "substance", "sub misuse", "substances", "alcohol drugs", "alcohol and drugs",
        "substance misuse issues",
    ),
    "alcohol_misuse": ("alcohol", "alcohol misuse", "alcohol use", "alcohol issues", "etoh", "alcohol problems"),
    "drug_misuse": ("drugs", "drug misuse", "drug use", "drug issues", "illicit drugs", "drug problems"),
    "financial_problems": (
        "financial problems", "finance", "finances", "financial issues", "money problems", "debt", "debts",
        "financial difficulties", "money worries", "financial needs", "finance issues",
    ),
    "housing_need": (
        "housing need", "housing", "housing issues", "housing problems", "homeless", "housing needs",
        "at risk of homelessness", "homelessness",
    ),
    "employment_status": (
        "employment", "employment status", "economic status", "work status", "occupation", "working",
        "employment status at entry", "employment education training", "ete status",
    ),
    "physical": ("physical", "physical abuse", "physical violence", "violence"),
    "sexual": ("sexual", "sexual abuse", "sexual violence"),
    "emotional": (
        "emotional", "emotional abuse", "psychological", "psychological abuse", "emotional psychological",
        "emotional psychological abuse", "emotional and psychological abuse",
    ),
    "financial": ("financial abuse", "economic abuse", "economic", "financial economic abuse"),
    "jealous_controlling": (
        "jealous controlling", "jealous and controlling", "jealous controlling behaviour",
        "jealous and controlling behaviour", "jealous and controlling behaviours", "controlling",
        "coercive control", "controlling behaviour", "coercive and controlling behaviour",
        "coercive controlling behaviour", "jealousy", "coercive controlling",
    ),
    "harassment_stalking": (
        "harassment stalking", "harassment and stalking", "stalking", "stalking harassment",
        "stalking and harassment", "harassment",
    ),
    "abuse_duration_months": (
        "abuse duration months", "length of abuse months", "duration of abuse months", "months of abuse",
        "abuse length months", "length of abuse mths",
    ),
    "abuse_duration_years": (
        "length of abuse", "duration of abuse", "length of abuse years", "years of abuse", "abuse duration",
        "abuse duration years", "length of abuse yrs", "how long abused", "abuse length",
    ),
    "risk_level": (
        "risk", "risk level", "dash risk", "dash risk level", "risk assessment", "dash", "ric risk level",
        "risk grading", "dash outcome", "risk category", "dash ric", "risk rating",
    ),
    "perpetrator_sex": (
        "perpetrator sex", "perpetrator gender", "perp gender", "perp sex", "offender gender", "offender sex",
        "gender of perpetrator", "sex of perpetrator", "abuser gender", "abuser sex", "suspect gender",
        "alleged perpetrator gender", "perpetrator m f", "perp m f",
    ),
    "perpetrator_relationship": (
        "relationship", "relationship to perpetrator", "perpetrator relationship", "relationship with perpetrator",
        "perp relationship", "relationship to abuser", "relationship type", "relationship to perp",
        "perpetrator relationship to victim", "victim perpetrator relationship",
    ),
    "lives_with_perpetrator": (
        "lives with perpetrator", "living with perpetrator", "cohabiting", "living together", "lives with abuser",
        "cohabiting with perpetrator", "perpetrator in household", "lives with perp", "living with perp",
        "still living with perpetrator",
    ),
    "repeat_referral": (
        "repeat", "repeat referral", "repeat case", "repeat marac", "previous referral", "re referral",
        "repeat victim", "repeat client", "repeat y n",
    ),
    "abuse_reduced": (
        "abuse reduced", "reduction in abuse", "abuse stopped or reduced", "abuse ceased reduced",
        "abuse ceased or reduced", "reduced abuse",
    ),
    "feels_safer": ("feels safer", "feel safer", "increased safety", "safer", "feeling safer", "improved safety"),
    "quality_of_life_improved": (
        "quality of life improved", "improved quality of life", "quality of life", "qol improved", "qol",
        "improved qol",
    ),
    "accommodation_type": (
        "accommodation type", "type of accommodation", "accommodation", "scheme", "scheme type", "unit type",
        "property type", "bedspace type", "safe accommodation type",
    ),
    "from_out_of_area": (
        "from out of area", "out of area", "from outside area", "out of area referral", "ooa", "out of borough",
        "from outside the area", "out of county",
    ),
    "referral_outcome": (
        "referral outcome", "outcome of referral", "outcome", "referral accepted", "admitted", "decision",
        "accepted", "referral decision",
    ),
    "unable_reason": (
        "unable reason", "reason unable to support", "reason not supported", "reason declined",
        "reason not accepted", "decline reason", "reason for decline", "reason unable to accommodate",
        "reason for non admission", "reason not admitted", "reason referral declined", "declined reason",
    ),
    "support_end_reason": (
        "support end reason", "reason support ended", "reason for leaving", "leaving reason", "exit reason",
        "reason for exit", "end reason", "reason for ending support", "closure reason", "reason for closure",
        "reason left",
    ),
    "move_on_destination": (
        "move on destination", "move on", "destination", "move on accommodation", "where moved to",
        "destination on leaving", "exit destination", "moved on to", "move on to",
    ),
    "children_supported": (
        "children supported", "number of children supported", "children accommodated",
        "no of children accommodated", "accompanying children", "children in refuge", "children with client",
        "no of children supported",
    ),
    "previous_da_record": (
        "previous da record", "previous domestic abuse record", "previous da", "prior da offences",
        "previous da convictions", "da history", "previous dv", "previous domestic violence", "history of da",
        "previous da offending", "previous record", "previous da offences", "previous convictions",
    ),
    "repeat_offender": (
        "repeat offender", "repeat perpetrator", "repeat da offender", "repeat", "repeat suspect",
        "repeat da perpetrator",
    ),
}

# Words that add nothing to a header's meaning; a header that matches a synonym once they are removed is a
# medium-confidence match ("Mental health issues?" -> mental_health).
NOISE_WORDS = frozenset(
    {
        "any", "has", "have", "client", "clients", "victim", "victims", "survivor", "su", "service", "user",
        "issue", "issues", "problem", "problems", "need", "needs", "concern", "concerns", "identified",
        "disclosed", "recorded", "flag", "indicator", "status", "y", "n", "yes", "no", "u", "type", "types",
        "of", "the", "current", "currently", "at", "referral", "entry", "on", "hx", "history", "a", "is",
        "experienced", "code", "category", "support", "and", "or", "in", "to", "by", "kind", "unknown",
    }
)

# Headers too ambiguous to map on their own ("Financial": problems or abuse?); a group header above them
# ("Abuse types / Financial") settles it.
AMBIGUOUS_HEADERS = frozenset({"financial"})

# A header with one of these words is about the perpetrator; in a victim file it can only map to a
# perpetrator_* field, and in a perpetrator file the word is dropped before matching ("Offender gender").
PERPETRATOR_WORDS = frozenset({"perpetrator", "perpetrators", "perp", "offender", "suspect", "abuser", "alleged"})

# Code vocabularies: canonical value -> raw codes. Compared after code_key() normalisation.
NOT_RECORDED_CODES: tuple[str, ...] = (
    "", "unknown", "unk", "u", "not known", "nk", "n k", "not recorded", "nr", "declined", "declined to answer",
    "declined to say", "refused", "refused to say", "prefer not to say", "not asked", "not stated",
    "not disclosed", "n a", "na", "#n/a", "#na", "n/a", "-", "--", "?", "tbc", "missing", "null", "none recorded",
    "not given", "no data", "not provided", "not applicable", "dk", "don't know", "dont know", "#value!",
    "#ref!", "#div/0!", "not answered", "unanswered", "blank", "nan",
)

FLAG_CODES: dict[str, tuple[str, ...]] = {
    "yes": (
        "y", "yes", "1", "true", "x", "t", "✓", "✔", "tick", "ticked", "present", "confirmed", "identified",
        "positive", "yes disclosed", "disclosed", "yes - disclosed", "ye", "yes confirmed",
    ),
    "no": ("n", "no", "0", "false", "f", "none", "nil", "no issues", "not identified", "not present", "negative"),
}

SEX_CODES: dict[str, tuple[str, ...]] = {
    "female": ("f", "female", "woman", "w", "girl", "fem", "women", "feminine", "2"),
    "male": ("m", "male", "man", "boy", "men", "1"),
    "other": ("other", "non-binary", "non binary", "nonbinary", "nb", "x", "intersex", "gender fluid", "3"),
}

RISK_CODES: dict[str, tuple[str, ...]] = {
    "standard": ("standard", "std", "s", "low", "l", "standard risk", "low risk", "1"),
    "medium": ("medium", "med", "m", "medium risk", "moderate", "2"),
    "high": ("high", "h", "high risk", "hr", "very high", "3"),
}

EMPLOYMENT_CODES: dict[str, tuple[str, ...]] = {
    "employed": (
        "employed", "ft", "pt", "full time", "part time", "full-time", "part-time", "self employed",
        "self-employed", "working", "in employment", "employment", "employed full time", "employed part time",
        "maternity leave", "in work", "employed ft", "employed pt", "ft employed", "pt employed",
        "full time employment", "part time employment",
    ),
    "unemployed": (
        "unemployed", "jobseeker", "job seeker", "jsa", "not working", "looking for work", "neet",
        "unemployed seeking work", "out of work",
    ),
    "education": ("student", "education", "training", "in education", "college", "university", "in training"),
    "retired": ("retired",),
    "sick_or_disabled": (
        "long term sick", "long-term sick", "sick", "disabled", "unable to work", "ltsd", "sickness",
        "long term sick or disabled", "incapacity",
    ),
    "other": ("other", "carer", "homemaker", "looking after home", "looking after family", "full time carer"),
}

RELATIONSHIP_CODES: dict[str, tuple[str, ...]] = {
    "partner": (
        "partner", "current partner", "husband", "wife", "spouse", "boyfriend", "girlfriend", "intimate partner",
        "cohabitee", "civil partner", "current intimate partner", "fiance", "fiancee", "current",
    ),
    "ex_partner": (
        "ex partner", "ex-partner", "ex", "former partner", "ex husband", "ex-husband", "ex wife", "ex-wife",
        "ex boyfriend", "ex-boyfriend", "ex girlfriend", "ex-girlfriend", "ex intimate partner",
        "ex-intimate partner", "ex spouse", "ex-spouse", "previous partner", "former", "ex partner intimate",
    ),
    "family": (
        "family", "family member", "son", "daughter", "parent", "mother", "father", "brother", "sister",
        "child", "grandson", "granddaughter", "relative", "sibling", "stepson", "step son", "stepfather",
        "uncle", "aunt", "cousin", "other family", "other family member", "in law", "mother in law",
        "father in law", "adult child", "grandchild",
    ),
    "other": ("other", "friend", "acquaintance", "carer", "flatmate", "neighbour", "lodger"),
}

ACCOMMODATION_CODES: dict[str, tuple[str, ...]] = {
    "refuge": ("refuge", "communal refuge", "general refuge", "women's refuge", "womens refuge", "shared refuge"),
    "specialist_refuge": (
        "specialist refuge", "specialist", "bme refuge", "bame refuge", "lgbt refuge", "specialist safe accommodation",
        "male refuge", "men's refuge",
    ),
    "dispersed": ("dispersed", "dispersed accommodation", "dispersed property", "dispersed unit", "self contained"),
    "sanctuary": ("sanctuary", "sanctuary scheme", "target hardening"),
    "second_stage": (
        "second stage", "second-stage", "move on", "move-on", "second stage move on", "step down", "move on flat",
        "second stage accommodation",
    ),
    "other": ("other",),
}

OUTCOME_CODES: dict[str, tuple[str, ...]] = {
    "supported": (
        "supported", "accepted", "admitted", "accommodated", "yes", "y", "offered", "moved in", "offered and accepted",
        "accepted and supported", "successful",
    ),
    "unable_to_support": (
        "unable to support", "not supported", "declined", "not accepted", "refused", "no", "n", "rejected",
        "unsuccessful", "turned away", "not admitted", "unable to accommodate",
    ),
}

UNABLE_REASON_CODES: dict[str, tuple[str, ...]] = {
    "no_space": (
        "no space", "no vacancy", "no vacancies", "full", "lack of capacity", "capacity", "no capacity",
        "no room", "no bed", "no bedspace", "no space available", "refuge full",
    ),
    "needs_unmet": (
        "needs too high", "unable to meet needs", "complex needs", "support needs", "risk too high", "needs unmet",
        "unable to meet support needs", "needs could not be met", "support needs too high",
    ),
    "declined_by_client": (
        "client declined", "declined space", "did not accept", "client did not accept", "withdrew",
        "client withdrew", "not wanted", "declined offer", "client declined space", "refused space",
    ),
    "no_contact": ("no contact", "unable to contact", "could not contact", "uncontactable", "no response"),
    "no_recourse": ("nrpf", "no recourse", "no recourse to public funds"),
    "ineligible": ("ineligible", "not eligible", "out of scope", "does not meet criteria", "not appropriate"),
    "other": ("other",),
}

END_REASON_CODES: dict[str, tuple[str, ...]] = {
    "no_longer_needed": (
        "no longer needed", "support complete", "support completed", "completed", "planned end", "planned",
        "needs met", "planned exit", "planned departure",
    ),
    "moved_on": (
        "moved on", "moved to other accommodation", "moved out", "rehoused", "moved to new accommodation",
        "moved out of area", "move on",
    ),
    "disengaged": ("disengaged", "lost contact", "left without notice", "abandoned", "unplanned exit", "did not engage"),
    "evicted": ("evicted", "eviction", "asked to leave", "breach of licence", "licence terminated"),
    "returned_to_perpetrator": (
        "returned to perpetrator", "returned to partner", "returned to abuser", "reconciled", "went back to partner",
    ),
    "other": ("other", "deceased", "custody", "hospital"),
}

DESTINATION_CODES: dict[str, tuple[str, ...]] = {
    "social_housing": (
        "social housing", "council", "council housing", "council house", "housing association", "social rented",
        "local authority housing", "ha", "ha tenancy", "council tenancy", "social tenancy", "rsl",
    ),
    "private_rented": ("private rented", "private rent", "private landlord", "prs", "private tenancy", "private"),
    "family_friends": (
        "family", "friends", "family friends", "family or friends", "staying with family", "staying with friends",
        "with family", "with friends",
    ),
    "another_refuge": ("another refuge", "other refuge", "refuge", "refuge elsewhere", "refuge out of area"),
    "own_home": ("returned home", "own home", "home", "returned to own home", "owner occupied", "own property"),
    "temporary_accommodation": (
        "temporary accommodation", "temporary", "ta", "b&b", "b and b", "bed and breakfast", "hostel",
        "supported housing", "emergency accommodation",
    ),
    "returned_to_perpetrator": ("returned to perpetrator", "returned to partner", "returned to abuser"),
    "other": ("other", "prison", "hospital", "abroad", "not known destination"),
}

SERVICE_CODES: dict[str, tuple[str, ...]] = {
    "outreach": ("outreach", "community outreach", "community", "floating support"),
    "idva": ("idva", "isva", "advocacy", "independent domestic violence advisor", "idva service"),
    "refuge": ("refuge", "safe accommodation", "accommodation"),
    "marac": ("marac",),
    "police": ("police",),
    "substance_misuse": ("substance misuse", "drugs and alcohol", "treatment", "drug and alcohol service"),
    "childrens_services": ("childrens services", "children's services", "childrens social care", "social care"),
    "health": ("health", "hospital", "gp", "a&e", "ae"),
    "housing": ("housing", "housing options"),
    "perpetrator_programme": ("perpetrator programme", "perpetrator program", "dvpp"),
    "other": ("other",),
}

# Ethnic group codes are many and free-form; whole-word keywords decide, in this order.
ETHNIC_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mixed", ("mixed", "dual", "multiple", "multiethnic")),
    ("asian", ("asian", "indian", "pakistani", "bangladeshi", "chinese", "sri", "nepali", "aind", "apkn",
               "aban")),
    ("black", ("black", "african", "caribbean", "bafr", "bcrb")),
    ("white", ("white", "british", "irish", "english", "scottish", "welsh", "gypsy", "traveller", "roma",
               "polish", "european", "wbri", "wirt", "woth")),
    ("other", ("other", "arab", "any other", "ooth")),
)

VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": SEX_CODES,
    "perpetrator_sex": SEX_CODES,
    "risk_level": RISK_CODES,
    "employment_status": EMPLOYMENT_CODES,
    "perpetrator_relationship": RELATIONSHIP_CODES,
    "accommodation_type": ACCOMMODATION_CODES,
    "referral_outcome": OUTCOME_CODES,
    "unable_reason": UNABLE_REASON_CODES,
    "support_end_reason": END_REASON_CODES,
    "move_on_destination": DESTINATION_CODES,
    "service_type": SERVICE_CODES,
}

# Codes in a field's own vocabulary win over the not-recorded list ("declined" is an outcome of a refuge
# referral, but a non-answer to "mental health?").
LGBT_CODES: dict[str, tuple[str, ...]] = {
    "yes": ("gay", "lesbian", "bisexual", "bi", "trans", "transgender", "queer", "pansexual", "lgbt", "lgbtq"),
    "no": ("heterosexual", "straight", "heterosexual straight"),
}

