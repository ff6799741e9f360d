"""The agencies stage of a run: every [[agencies]] file -> one pseudonymised client table on the Assessment."""

from __future__ import annotations

from needsassess.assessment import Assessment, InputFile
from needsassess.errors import ConfigError, Problem

CLIENTS_KEYS = {"secret_file", "as_of", "merged"}


def agencies_stage(assessment: Assessment) -> None:
    """Read every [[agencies]] file into one pseudonymised client table, accounting for every row."""
    import datetime as dt

    from needsassess.clients.agencies import mappings_from_entries, merge_agencies
    from needsassess.clients.merge import load_secret

    config = assessment.config
    entries = config.raw.get("agencies")
    if not entries:
        return
    settings = config.section("clients")
    unknown = sorted(set(settings) - CLIENTS_KEYS)
    if unknown:
        raise ConfigError(
            config.path,
            [
                Problem(
                    "unknown-key",
                    f"[clients] has no setting {k}; expected one of " + ", ".join(sorted(CLIENTS_KEYS)),
                )
                for k in unknown
            ],
        )
    as_of = settings.get("as_of")
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            pass
    if as_of is not None and not isinstance(as_of, dt.date):
        raise config.error("bad-value", f"[clients] as_of = {as_of!r}; expected a date such as 2016-04-30")
    mappings, mapping_files = mappings_from_entries(entries, config.path)
    secret_file = settings.get("secret_file")
    secret = load_secret(config.resolve(secret_file) if secret_file else None)
    result = merge_agencies(mappings, secret, as_of=as_of)
    assessment.agencies = result
    for path in mapping_files:
        assessment.inputs.append(InputFile("agency mapping", path))
    for mapping, account in zip(mappings, result.reconciliation.files, strict=True):
        sheet = f', sheet "{account.sheet}"' if account.sheet else ""
        assessment.inputs.append(
            InputFile(
                "agency data",
                mapping.file,
                f"{account.agency}{sheet}: {account.rows_read} rows read, {account.rows_used} used, "
                f"{account.rows_rejected} rejected, {account.rows_set_aside} set aside",
            )
        )
    rejected = sum(f.rows_rejected for f in result.reconciliation.files)
    if rejected:
        assessment.warnings.append(
            f"{rejected} agency row{'s' if rejected != 1 else ''} rejected; the Data quality sheet lists "
            "each with its file, row and reason"
        )
