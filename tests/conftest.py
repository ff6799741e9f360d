"""Shared fixtures: small population files in each real layout, built fresh for every test, and a local
replay server standing in for NOMIS and Fingertips (see tests/replay.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from replay import Replay, start

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "northmere"
DATA = Path(__file__).resolve().parent / "data"

AGES = [*range(90), "90+"]


def ages_flat(per_age: int) -> list[int]:
    return [per_age] * 91


def write_mye_workbook(
    path: Path,
    areas: list[tuple[str, str, list[int], list[int]]],
    *,
    title_rows: int = 4,
    year: int = 2015,
    extra_rows: list[list] | None = None,
    drop_female: bool = False,
) -> Path:
    """An ONS MYE2-style workbook: contents sheet, title rows, then Code, Name, Geography, All ages, 0 ... 90+."""
    wb = Workbook()
    wb.active.title = "Contents"
    wb.active["A1"] = "Population estimates"
    for sex, title in (("male", "MYE2 - Males"), ("female", "MYE2 - Females")):
        if drop_female and sex == "female":
            continue
        ws = wb.create_sheet(title)
        ws.append([f"Mid-{year} Population Estimates: {sex}s"])
        for _ in range(title_rows - 1):
            ws.append([])
        ws.append(["Code", "Name", "Geography", "All ages", *AGES])
        for code, name, female, male in areas:
            values = female if sex == "female" else male
            ws.append(
                [code, name, "Unitary Authority", sum(v for v in values if isinstance(v, int)), *values]
            )
        for row in extra_rows or []:
            ws.append(row)
    wb.save(path)
    return path


def hartlepool_like(female_16_59: int = 26_600, male_16_59: int = 25_800) -> tuple[list[int], list[int]]:
    """Single-year counts whose 16-59 totals are exactly the given figures (44 ages)."""

    def spread(total: int) -> list[int]:
        values = [500] * 91
        base, extra = divmod(total, 44)
        for age in range(16, 60):
            values[age] = base + (1 if age - 16 < extra else 0)
        return values

    return spread(female_16_59), spread(male_16_59)


@pytest.fixture
def mye_xlsx(tmp_path: Path) -> Path:
    female, male = hartlepool_like()
    other_f, other_m = ages_flat(300), ages_flat(280)
    return write_mye_workbook(
        tmp_path / "mye2.xlsx",
        [("E06000001", "Hartlepool", female, male), ("E06000002", "Middlesbrough", other_f, other_m)],
    )


@pytest.fixture
def tidy_csv(tmp_path: Path) -> Path:
    female, male = hartlepool_like()
    lines = ["area_code,area_name,year,sex,age,population"]
    for sex, values in (("female", female), ("male", male)):
        for age, v in enumerate(values):
            lines.append(f"E06000001,Hartlepool,2015,{sex},{age},{v}")
    path = tmp_path / "tidy.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    """A local server on 127.0.0.1 replaying recorded answers; env points needsassess at it."""
    state = Replay()
    server = start(state)
    monkeypatch.setenv("NEEDSASSESS_NOMIS_URL", state.nomis)
    monkeypatch.setenv("NEEDSASSESS_FINGERTIPS_URL", state.fingertips)
    monkeypatch.setenv("NEEDSASSESS_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr("needsassess.http.DEFAULT_BACKOFF", 0.0)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: what an offline machine sees."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.json")
