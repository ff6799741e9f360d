"""The HTTP client: cache on disk, offline mode, retries, clear errors; no network at import."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from replay import Replay

from needsassess.http import (
    Fetcher,
    FetchError,
    NotCachedError,
    OfflineError,
    Response,
    build_url,
    default_cache_dir,
    looks_like_html,
    reject_html,
)

ROOT = Path(__file__).resolve().parents[1]


def test_answer_is_cached_with_url_date_and_status(replay: Replay, tmp_path: Path) -> None:
    with Fetcher(cache_dir=tmp_path) as fetcher:
        response = fetcher.get(f"{replay.fingertips}/profiles")
    assert response.status == 200 and not response.from_cache
    body_path, meta_path = fetcher.cache_paths(response.url)
    assert body_path.read_bytes() == response.body
    meta = json.loads(meta_path.read_text())
    assert meta["url"] == f"{replay.fingertips}/profiles"
    assert meta["status"] == 200
    assert meta["retrieved"] == response.retrieved and meta["retrieved"].endswith("+00:00")


def test_offline_reads_the_cache_and_never_the_network(replay: Replay, tmp_path: Path) -> None:
    url = f"{replay.fingertips}/profiles"
    with Fetcher(cache_dir=tmp_path) as online:
        first = online.get(url)
    before = len(replay.requests)
    with Fetcher(cache_dir=tmp_path, offline=True) as offline:
        cached = offline.get(url)
    assert len(replay.requests) == before
    assert cached.from_cache and cached.body == first.body and cached.retrieved == first.retrieved
    assert cached.source() == {
        "url": url,
        "retrieved": first.retrieved,
        "from_cache": True,
        "sha256": hashlib.sha256(first.body).hexdigest(),
    }


def test_offline_without_a_cached_copy_says_so(tmp_path: Path) -> None:
    with Fetcher(cache_dir=tmp_path, offline=True) as fetcher, pytest.raises(NotCachedError) as info:
        fetcher.get("http://127.0.0.1:9/api/profiles")
    assert str(info.value) == (
        f"offline, and the cache ({tmp_path}) has no copy of http://127.0.0.1:9/api/profiles; "
        "run the same command once while online, or give the file yourself."
    )


def test_a_500_is_retried_then_succeeds(replay: Replay, tmp_path: Path) -> None:
    replay.fail("/profiles", (500, "text/plain", b"busy"))
    with Fetcher(cache_dir=tmp_path, backoff=0) as fetcher:
        response = fetcher.get(f"{replay.fingertips}/profiles")
    assert response.status == 200
    assert replay.count("/profiles") == 2


def test_backoff_doubles_between_tries(replay: Replay, tmp_path: Path) -> None:
    replay.fail("/profiles", *[(503, "text/plain", b"down")] * 3)
    waits: list[float] = []
    with Fetcher(cache_dir=tmp_path, backoff=0.5, sleep=waits.append) as fetcher:
        fetcher.get(f"{replay.fingertips}/profiles")
    assert waits == [0.5, 1.0, 2.0]


def test_a_persistent_500_is_an_error_after_the_retries(replay: Replay, tmp_path: Path) -> None:
    replay.fail("/profiles", *[(500, "text/plain", b"busy")] * 10)
    url = f"{replay.fingertips}/profiles"
    with Fetcher(cache_dir=tmp_path, retries=2, backoff=0) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(url)
    host = url.split("/")[2]
    assert str(info.value) == (
        f"{host} answered HTTP 500 3 times for {url}; the service may be down, try again later."
    )
    assert replay.count("/profiles") == 3


def test_a_404_is_not_retried(replay: Replay, tmp_path: Path) -> None:
    with Fetcher(cache_dir=tmp_path, backoff=0) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(f"{replay.base}/nothing-here")
    assert "answered HTTP 404" in str(info.value) and "no such route" in str(info.value)
    assert replay.count("/nothing-here") == 1


def test_unreachable_service_gives_one_clear_line(closed_port_url: str, tmp_path: Path) -> None:
    fetcher = Fetcher(
        cache_dir=tmp_path, backoff=0, retries=1, offline_hint="use --offline or a population file"
    )
    with fetcher, pytest.raises(OfflineError) as info:
        fetcher.get(f"{closed_port_url}/api/v01/dataset/NM_2002_1.data.csv")
    host = closed_port_url.removeprefix("http://")
    assert str(info.value) == f"could not reach {host} (no connection); use --offline or a population file."


def test_html_pages_are_recognised() -> None:
    page = Response(
        url="http://x/a", status=200, body=b"\xef\xbb\xbf\n<!DOCTYPE html><html><title> Down </title>"
    )
    assert looks_like_html(page)
    with pytest.raises(FetchError, match='NOMIS answered with a web page \\("Down"\\)'):
        reject_html(page, "NOMIS")
    assert not looks_like_html(
        Response(url="http://x/a", status=200, body=b'"DATE_NAME"\n', content_type="text/csv")
    )
    assert looks_like_html(Response(url="http://x/a", status=200, body=b"oops", content_type="text/html"))


def test_query_order_is_kept_and_nomis_ranges_stay_readable() -> None:
    url = build_url("http://h/data.csv", {"geography": "E06000001", "c_age": "101...191", "gender": "1,2"})
    assert url == "http://h/data.csv?geography=E06000001&c_age=101...191&gender=1,2"
    assert build_url("http://h/x?a=1", {"b": 2}) == "http://h/x?a=1&b=2"


def test_cache_folder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEEDSASSESS_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    assert Fetcher().cache_dir == tmp_path / "c"
    assert Fetcher(cache_dir=tmp_path / "p").cache_dir == tmp_path / "p"
    monkeypatch.delenv("NEEDSASSESS_CACHE")
    assert default_cache_dir() == Path.home() / ".cache" / "needsassess"


def test_importing_the_package_touches_neither_httpx_nor_the_network() -> None:
    code = (
        "import sys, socket\n"
        "def refuse(*a, **k): raise SystemExit('network touched at import')\n"
        "socket.socket.connect = refuse\n"
        "import needsassess.cli, needsassess.http, needsassess.nomis, needsassess.fingertips\n"
        "print(sorted(m for m in ('httpx', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
