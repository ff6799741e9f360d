"""The whole sample run against committed expectations: every workbook cell, the draft's Markdown and the
manifest (less the run's time, the tool version and the hashes of outputs that carry the date).

This is the net under any restructuring: a change that moves code must leave these files as they are.
`pytest --update-golden` rewrites them from the current code; review the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from needsassess.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CONFIG = REPO / "samples" / "northmere" / "assessment.toml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "sample_run"

TODAY = dt.date.today()
DATE_TEXTS = (
    TODAY.isoformat(),
    f"{TODAY.day} {TODAY:%B %Y}",
    f"{TODAY:%d %B %Y}",
    f"{TODAY:%d/%m/%Y}",
)
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?")


def _normalise_text(text: str, out: Path) -> str:
    text = text.replace(str(out), "<out>").replace(str(REPO), "<repo>")
    text = ISO_TIME.sub("<time>", text)
    for today in DATE_TEXTS:
        text = text.replace(today, "<today>")
    return text


def _normalise(value: Any, out: Path) -> Any:
    if isinstance(value, dt.datetime):
        return "<time>" if value.date() == TODAY else value.isoformat()
    if isinstance(value, dt.date):
        return "<today>" if value == TODAY else value.isoformat()
    if isinstance(value, str):
        return _normalise_text(value, out)
    if isinstance(value, float):
        return round(value, 9)
    return value


def _workbook_cells(path: Path, out: Path) -> dict[str, list[list[Any]]]:
    book = load_workbook(path, read_only=True, data_only=True)
    cells = {}
    for sheet in book.worksheets:
        rows = [[_normalise(v, out) for v in row] for row in sheet.iter_rows(values_only=True)]
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        cells[sheet.title] = rows
    book.close()
    return cells


def _manifest(path: Path, out: Path) -> dict[str, Any]:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.pop("created")
    manifest.pop("version")
    for output in manifest["outputs"]:
        output.pop("sha256", None)  # the workbook, drafts and charts carry the run's date or time
    text = _normalise_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False), out)
    normalised: dict[str, Any] = json.loads(text)
    return normalised


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "out"
    result = CliRunner().invoke(app, ["run", str(SAMPLE_CONFIG), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def _check(name: str, actual: Any, update: bool) -> None:
    path = GOLDEN / name
    if isinstance(actual, str):
        text = actual
    else:
        text = json.dumps(actual, indent=1, ensure_ascii=False, default=str) + "\n"
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if isinstance(actual, str):
        assert text == expected
    else:
        assert json.loads(text) == json.loads(expected)


def test_workbook_cells_match_the_golden_file(sample_run: Path, update_golden: bool) -> None:
    cells = _workbook_cells(sample_run / "northmere_needs_assessment.xlsx", sample_run)
    _check("workbook.json", cells, update_golden)


def test_draft_markdown_matches_the_golden_file(sample_run: Path, update_golden: bool) -> None:
    text = _normalise_text((sample_run / "northmere_draft.md").read_text(encoding="utf-8"), sample_run)
    _check("draft.md", text, update_golden)


def test_draft_html_text_matches_the_golden_file(sample_run: Path, update_golden: bool) -> None:
    html = (sample_run / "northmere_draft.html").read_text(encoding="utf-8")
    html = re.sub(r'src="data:image/png;base64,[^"]*"', 'src="<png>"', html)
    _check("draft.html", _normalise_text(html, sample_run), update_golden)


def test_manifest_matches_the_golden_file(sample_run: Path, update_golden: bool) -> None:
    _check("manifest.json", _manifest(sample_run / "manifest.json", sample_run), update_golden)
