"""A local HTTP server on 127.0.0.1 that replays recorded-format NOMIS and Fingertips answers.

Tests run the real client (httpx) against it, so paging, retries, caching and error pages are exercised
end to end without touching the internet. It behaves like the services where the tests depend on it:
NOMIS pages with RecordOffset/RecordLimit and answers a year it does not have with its latest year.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).resolve().parent / "data"

Answer = tuple[int, str, bytes]  # status, content type, body


@dataclass
class Replay:
    """Routes by path; `fail` queues answers to give before the normal one (for retry tests)."""

    base: str = ""
    requests: list[str] = field(default_factory=list)
    queued: dict[str, list[Answer]] = field(default_factory=dict)
    overrides: dict[str, Answer] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def nomis(self) -> str:
        return f"{self.base}/nomis/api/v01"

    @property
    def fingertips(self) -> str:
        return f"{self.base}/fingertips/api"

    def fail(self, key: str, *answers: Answer) -> None:
        """Give `answers` first to requests whose path and query contain `key`."""
        self.queued.setdefault(key, []).extend(answers)

    def answer(self, raw_path: str) -> Answer:
        with self.lock:
            self.requests.append(raw_path)
            for key, answers in self.queued.items():
                if key in raw_path and answers:
                    return answers.pop(0)
            for key, fixed in self.overrides.items():
                if key in raw_path:
                    return fixed
        parts = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        for pattern, handler in ROUTES:
            match = re.fullmatch(pattern, parts.path)
            if match:
                return handler(query, *match.groups())
        return 404, "text/plain", b"no such route"

    def count(self, fragment: str) -> int:
        return sum(fragment in r for r in self.requests)


def _text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def nomis_data(query: dict[str, str]) -> Answer:
    """NM_2002_1.data.csv: the recorded answer for geography and date, paged like NOMIS."""
    geography = query.get("geography", "")
    files = sorted(DATA.glob(f"nomis_{geography}_*.csv"))
    header = (DATA / "nomis_E06000001_2024.csv").read_text(encoding="utf-8").splitlines(keepends=True)[0]
    if not files:
        return 200, "text/csv", header.encode()
    by_year = {int(f.stem.rsplit("_", 1)[1]): f for f in files}
    wanted = query.get("date", "latest")
    year = (
        int(wanted) if wanted.isdigit() and int(wanted) in by_year else max(by_year)
    )  # NOMIS's silent fallback
    lines = by_year[year].read_text(encoding="utf-8").splitlines(keepends=True)
    offset = int(query.get("RecordOffset", "0"))
    limit = int(query.get("RecordLimit", "25000"))
    body = lines[0] + "".join(lines[1:][offset : offset + limit])
    return 200, "text/csv", body.encode()


def nomis_geography(query: dict[str, str], geography_type: str) -> Answer:
    """geography/TYPEnnn.def.sdmx.json?search=*term*: the recorded codelist, filtered like NOMIS does."""
    path = DATA / f"nomis_geography_{geography_type}.json"
    payload = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"structure": {}}
    pattern = re.escape(query.get("search", "*").lower()).replace(r"\*", ".*")
    for codelist in (payload["structure"].get("codelists") or {}).get("codelist", []):
        codelist["code"] = [
            c for c in codelist["code"] if re.fullmatch(pattern, c["description"]["value"].lower())
        ]
    return 200, "application/json", json.dumps(payload).encode()


def fingertips_file(name: str, content_type: str = "application/json") -> Callable[[dict[str, str]], Answer]:
    def handler(query: dict[str, str]) -> Answer:
        return 200, content_type, (DATA / name).read_bytes()

    return handler


def fingertips_metadata(query: dict[str, str]) -> Answer:
    path = DATA / f"fingertips_indicator_metadata_{query.get('profile_id')}.json"
    if not path.exists():
        return 200, "application/json", b"{}"
    return 200, "application/json", path.read_bytes()


def fingertips_data(query: dict[str, str]) -> Answer:
    path = DATA / f"fingertips_all_data_{query.get('indicator_ids')}_{query.get('child_area_type_id')}.csv"
    if not path.exists():  # Fingertips answers an area type without data with a header only
        header = _text("fingertips_all_data_93203_502.csv").splitlines()[0] + "\r\n"
        return 200, "text/csv", header.encode()
    return 200, "text/csv", path.read_bytes()


ROUTES: list[tuple[str, Callable[..., Answer]]] = [
    (r"/nomis/api/v01/dataset/NM_2002_1\.data\.csv", nomis_data),
    (r"/nomis/api/v01/dataset/NM_2002_1/geography/(TYPE\d+)\.def\.sdmx\.json", nomis_geography),
    (r"/fingertips/api/profiles", fingertips_file("fingertips_profiles.json")),
    (r"/fingertips/api/area_types", fingertips_file("fingertips_area_types.json")),
    (r"/fingertips/api/indicator_metadata/by_profile_id", fingertips_metadata),
    (r"/fingertips/api/all_data/csv/by_indicator_id", fingertips_data),
]


def start(replay: Replay) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            status, content_type, body = replay.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    replay.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
