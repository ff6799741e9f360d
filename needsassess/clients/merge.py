"""Pseudonymise, de-duplicate and merge agency records; count people and the overlap between agencies.

The person key is an HMAC-SHA256 of first initial + surname Soundex + date of birth, keyed by a secret
the user holds (env var NEEDSASSESS_SECRET or a file). The same person referred to several agencies gets
the same key even when the name is spelt differently ("Smith"/"Smyth", "Jo"/"Joanne"); without the
secret the key cannot be linked back to anyone. Rows without a name and date of birth fall back to the
agency's own reference (matched within that agency only), else to the row itself.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from needsassess.errors import NeedsAssessError

SECRET_ENV = "NEEDSASSESS_SECRET"
MIN_SECRET_LENGTH = 16
KEY_VERSION = "v1"
KEY_HEX_CHARS = 16

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord"})


class SecretError(NeedsAssessError):
    """No usable secret for the person key."""


class Secret:
    """The pseudonymisation key; never printed."""

    def __init__(self, value: bytes, origin: str):
        self._value = value
        self.origin = origin
        # Keyed once: copying a keyed HMAC skips re-deriving the key pads for every person (same digest).
        self._keyed = hmac.new(value, digestmod=hashlib.sha256)

    def __repr__(self) -> str:
        return f"Secret(from {self.origin})"

    def __reduce__(self) -> tuple[type[Secret], tuple[bytes, str]]:
        # pickled only to go to needsassess.background's worker (the keyed HMAC itself cannot be)
        return (Secret, (self._value, self.origin))

    def digest(self, message: str) -> str:
        keyed = self._keyed.copy()
        keyed.update(message.encode("utf-8"))
        return keyed.hexdigest()[:KEY_HEX_CHARS]


def load_secret(
    secret_file: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Secret | None:
    """The secret from --secret-file if given, else from NEEDSASSESS_SECRET; None if neither is set."""
    environ = os.environ if environ is None else environ
    if secret_file is not None:
        path = Path(secret_file)
        if not path.is_file():
            raise SecretError(f"secret file not found: {path}")
        text, origin = path.read_text(encoding="utf-8").strip(), f"file {path.name}"
    elif environ.get(SECRET_ENV):
        text, origin = environ[SECRET_ENV].strip(), SECRET_ENV
    else:
        return None
    if len(text) < MIN_SECRET_LENGTH:
        raise SecretError(
            f"the secret in {origin} is {len(text)} characters; use at least {MIN_SECRET_LENGTH} "
            "(a short secret could be guessed, and with it every person key)"
        )
    return Secret(text.encode("utf-8"), origin)


def secret_missing(file: str, columns: list[str]) -> SecretError:
    shown = ", ".join(f'"{c}"' for c in columns)
    return SecretError(
        f"{file} has identifying columns ({shown}) but no secret to pseudonymise them; "
        f"set {SECRET_ENV} or give a secret file (--secret-file, or secret_file under [clients])"
    )


# --- name normalisation and the key ---------------------------------------------------------------------

_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def name_letters(name: str) -> str:
    """Lower-case ASCII letters of a name: "O'Brien-Renée" -> "obrienrenee"."""
    text = unicodedata.normalize("NFKD", name)
    return re.sub(r"[^a-z]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def soundex(name: str) -> str:
    """American Soundex of a surname ("Robert" -> "R163", "Smyth" -> "S530"); "" if it has no letters."""
    letters = name_letters(name)
    if not letters:
        return ""
    code = letters[0].upper()
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for char in letters[1:]:
        digit = _SOUNDEX_CODES.get(char, "")
        if digit and digit != previous:
            code += digit
            if len(code) == 4:
                break
        if char not in "hw":  # h and w do not separate letters with the same code
            previous = digit
    return (code + "000")[:4]


def split_full_name(name: str) -> tuple[str, str]:
    """(first name, surname) of "Forename Middle Surname" or "SURNAME, Forename"; titles dropped."""
    if "," in name:
        surname, _, first = name.partition(",")
        first_words = [w for w in first.split() if name_letters(w) not in _TITLES]
        return (first_words[0] if first_words else ""), surname.strip()
    words = [w for w in name.split() if name_letters(w) not in _TITLES]
    if len(words) < 2:
        return "", (words[0] if words else "")
    return words[0], words[-1]


@dataclass(frozen=True)
class KeyInputs:
    """The identifying columns of one file as object arrays of text ("" where missing); dates as ISO."""

    first_name: np.ndarray
    surname: np.ndarray
    date_of_birth: np.ndarray
    client_ref: np.ndarray


def person_keys(
    inputs: KeyInputs, agency: str, secret: Secret | None, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Person keys and their basis ("name+dob", "agency ref" or "row") for one file's rows."""
    initials = _per_distinct(inputs.first_name, lambda name: name_letters(name)[:1])
    codes = _per_distinct(inputs.surname, soundex)
    refs = _per_distinct(inputs.client_ref, lambda ref: ref.strip().lower())
    named = (initials != "") & (codes != "") & (inputs.date_of_birth != "")
    has_ref = ~named & (refs != "")
    keys = (agency + "#" + rows.astype(str)).astype(object)
    basis = np.full(len(rows), "row", dtype=object)
    if secret is not None and len(rows):
        message = KEY_VERSION + "|" + initials + "|" + codes + "|" + inputs.date_of_birth
        keys[named] = _per_distinct(message[named], secret.digest)
        basis[named] = "name+dob"
        message = KEY_VERSION + "|ref|" + agency + "|" + refs
        keys[has_ref] = _per_distinct(message[has_ref], secret.digest)
        basis[has_ref] = "agency ref"
    return keys, basis


def _per_distinct(values: np.ndarray, func) -> np.ndarray:
    """func applied once per distinct value of an object array of text."""
    if not len(values):
        return np.array([], dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([func(str(u)) for u in uniques] + [""], dtype=object)[:-1][codes]


# --- de-duplication and overlap ---------------------------------------------------------------------------


@dataclass
class Overlap:
    """How many people are known to 1, 2, 3+ agencies, and to each pair of agencies."""

    by_count: pd.DataFrame  # record_type, agencies_known_to, people
    pairs: pd.DataFrame  # record_type, agency_a, agency_b, people


def number_referrals(records: pd.DataFrame) -> pd.DataFrame:
    """Add referral_number (1, 2, ... per person per agency, by date) and agencies_known_to."""
    if records.empty:
        return records.assign(
            referral_number=pd.Series(dtype="Int64"), agencies_known_to=pd.Series(dtype="Int64")
        )
    n = len(records)
    person = _codes(records["record_type"]) * (n + 1) + _codes(records["client_key"])
    agency = _codes(records["agency"])
    episode = person * (int(agency.max()) + 1) + agency  # one person at one agency
    dates = records["referral_date"].to_numpy(dtype="datetime64[s]").astype("int64")
    order = np.lexsort((records["source_row"].to_numpy(), _codes(records["source_file"]), dates, episode))
    grouped = episode[order]
    starts = np.r_[True, grouped[1:] != grouped[:-1]]
    position = np.arange(n)
    numbers = np.empty(n, dtype="int64")
    numbers[order] = position - np.maximum.accumulate(np.where(starts, position, 0)) + 1
    _, first_of_episode = np.unique(episode, return_index=True)
    people, per_person = np.unique(person[first_of_episode], return_counts=True)
    known = per_person[np.searchsorted(people, person)]
    return records.assign(
        referral_number=pd.array(numbers, dtype="Int64"), agencies_known_to=pd.array(known, dtype="Int64")
    )


def _codes(column: pd.Series) -> np.ndarray:
    return pd.factorize(column, use_na_sentinel=False)[0].astype("int64")


def count_people(records: pd.DataFrame) -> pd.DataFrame:
    """Per agency: referrals, distinct people, repeat referrals (referrals of someone the agency already had).

    The "All agencies" row counts each person once however many agencies know them; its repeat referrals
    are the agencies' own repeats added up, so referrals - people - repeats = referrals of people already
    known to another agency.
    """
    columns = ["record_type", "agency", "referrals", "people", "repeat_referrals"]
    if records.empty:
        return pd.DataFrame(columns=columns)
    grouped = records.groupby(["record_type", "agency"], sort=False)
    frame = grouped.agg(referrals=("client_key", "size"), people=("client_key", "nunique")).reset_index()
    frame["repeat_referrals"] = frame["referrals"] - frame["people"]
    totals = (
        records.groupby("record_type", sort=False)
        .agg(referrals=("client_key", "size"), people=("client_key", "nunique"))
        .reset_index()
        .assign(agency="All agencies")
    )
    repeats = frame.groupby("record_type", sort=False)["repeat_referrals"].sum()
    totals["repeat_referrals"] = totals["record_type"].map(repeats)
    return pd.concat([frame, totals], ignore_index=True)[columns]


def agency_overlap(records: pd.DataFrame) -> Overlap:
    """People by number of agencies that know them (1, 2, 3+), and people shared by each pair of agencies."""
    count_rows, pair_rows = [], []
    for record_type, group in records.groupby("record_type", sort=False):
        known = group[["client_key", "agency"]].drop_duplicates()
        sizes = known.groupby("client_key").size()
        for label, mask in (("1", sizes == 1), ("2", sizes == 2), ("3+", sizes >= 3)):
            count_rows.append(
                {"record_type": record_type, "agencies_known_to": label, "people": int(mask.sum())}
            )
        shared = known[known["client_key"].isin(sizes.index[sizes >= 2])]
        both = shared.merge(shared, on="client_key", suffixes=("_a", "_b"))
        together = both.groupby(["agency_a", "agency_b"]).size()
        agencies = list(dict.fromkeys(group["agency"]))
        for a, b in itertools.combinations(agencies, 2):
            people = int(together.get((a, b), 0))
            pair_rows.append({"record_type": record_type, "agency_a": a, "agency_b": b, "people": people})
    return Overlap(
        pd.DataFrame(count_rows, columns=["record_type", "agencies_known_to", "people"]),
        pd.DataFrame(pair_rows, columns=["record_type", "agency_a", "agency_b", "people"]),
    )
