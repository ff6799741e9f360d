"""Errors a user can act on.

Every message names the file, the sheet, the row and the column, what was found and what was expected,
so that an analyst can fix a spreadsheet in one pass. The CLI prints these without a traceback; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class Problem:
    """One bad cell or line: a stable slug, where it is, and what was expected."""

    slug: str
    message: str
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)


class NeedsAssessError(Exception):
    """Base of every error the CLI reports as a message rather than a traceback."""

    exit_code = 2


class InputError(NeedsAssessError):
    """A problem with an input file; collects every problem found before it is raised."""

    def __init__(self, file: str | Path | None, problems: list[Problem] | Problem, sheet: str | None = None):
        self.file = str(Path(file).name) if file is not None else None
        self.path = str(file) if file is not None else None
        self.sheet = sheet
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self._format())

    @property
    def slugs(self) -> list[str]:
        return [p.slug for p in self.problems]

    def _prefix(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet is not None:
            parts.append(f'sheet "{self.sheet}"')
        return ", ".join(parts)

    def _format(self) -> str:
        prefix = self._prefix()
        lines = []
        for p in self.problems[:MAX_PROBLEMS_SHOWN]:
            where = ", ".join(x for x in (prefix, p.where()) if x)
            lines.append(f"{where}: {p.message}" if where else p.message)
        hidden = len(self.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            lines.append(
                f"... and {hidden} more problem{'s' if hidden != 1 else ''} in {self.file or 'the input'}."
            )
        return "\n".join(lines)


class ConfigError(InputError):
    """A problem in assessment.toml or another settings file."""


class PackError(InputError):
    """A reference pack that is missing, malformed or does not fit the request."""


class OutputError(NeedsAssessError):
    """An output that cannot be written (exists without --force, folder missing)."""
