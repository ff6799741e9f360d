"""Find the shipped data folders, in a source checkout and in an installed wheel alike.

The design keeps prevalence_rates/ and templates/ at the top of the repository; the wheel carries them
inside the package as needsassess/_data/. One helper hides the difference.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` (prevalence_rates or templates) that ships with this install."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"needsassess is installed without its {name}/ folder; reinstall the package")


def packs_dir() -> Path:
    return data_dir("prevalence_rates")


def templates_dir() -> Path:
    return data_dir("templates")
