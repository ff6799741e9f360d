"""Fetch public data over HTTP, with timeouts, a few retries and an on-disk cache.

One small client for the NOMIS and Fingertips APIs. Every response that arrives is stored in a cache
folder keyed by the sha256 of its URL: the body, and beside it a json sidecar with the URL, the
retrieval time and the HTTP status, so that a run can say where each figure came from and when.
Offline, the cache is the only source; a URL that is not in it is a clear error, never a guess.

Nothing here touches the network at import time, and httpx itself is imported only when a request is
made, so that `needsassess --help` stays fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from needsassess import __version__
from needsassess.errors import NeedsAssessError

CACHE_ENV = "NEEDSASSESS_CACHE"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = f"needsassess/{__version__}"


class FetchError(NeedsAssessError):
    """A public-data service answered, but not with the data asked for."""


class OfflineError(FetchError):
    """The service could not be reached at all (no network, DNS failure, timeout)."""


class NotCachedError(FetchError):
    """Offline mode was asked for, and the cache holds no copy of the URL."""


@dataclass(frozen=True)
class Response:
    """One answer, from the network or from the cache, with where and when it was retrieved."""

    url: str
    status: int
    body: bytes
    retrieved: str = ""  # ISO 8601, UTC
    content_type: str = ""
    from_cache: bool = False

    @property
    def text(self) -> str:
        return self.body.decode("utf-8-sig", errors="replace")

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    def source(self) -> dict[str, Any]:
        """The provenance of this answer, as the manifest records it."""
        return {
            "url": self.url,
            "retrieved": self.retrieved,
            "from_cache": self.from_cache,
            "sha256": hashlib.sha256(self.body).hexdigest(),
        }


def default_cache_dir() -> Path:
    """The cache folder: $NEEDSASSESS_CACHE if set, else ~/.cache/needsassess."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "needsassess"


def build_url(base: str, params: Mapping[str, Any] | None = None) -> str:
    """Join a base URL and query parameters in a fixed order, so the same request has the same cache key.

    Commas, dots and plus signs stay readable (NOMIS ranges such as `c_age=101...191`).
    """
    if not params:
        return base
    query = urlencode([(k, str(v)) for k, v in params.items() if v is not None], safe=",.*+:")
    return f"{base}{'&' if '?' in base else '?'}{query}"


def looks_like_html(response: Response) -> bool:
    """True when a service answered with a web page (an error or maintenance page) instead of data."""
    if "html" in response.content_type.lower():
        return True
    head = response.body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def html_title(response: Response) -> str:
    """The <title> of an HTML answer, or its first words, for an error message."""
    text = response.text
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if match and match.group(1).strip():
        return " ".join(match.group(1).split())
    stripped = re.sub(r"<[^>]+>", " ", text)
    return " ".join(stripped.split())[:120] or "an empty page"


def reject_html(response: Response, service: str) -> None:
    """Raise a FetchError if `response` is a web page rather than data."""
    if looks_like_html(response):
        raise FetchError(
            f'{service} answered with a web page ("{html_title(response)}") instead of data for '
            f"{response.url}; the service may be down or the request malformed. Try again later."
        )


class Fetcher:
    """GET URLs with timeouts and limited retries, caching every answer on disk.

    `offline=True` reads the cache only. Online, every request goes to the network and refreshes the
    cache, so a cached copy is always the latest answer seen; a network failure is an error that
    suggests `--offline` rather than a silent fall back to an older copy.
    """

    def __init__(
        self,
        *,
        cache_dir: str | Path | None = None,
        offline: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float | None = None,
        offline_hint: str = "use --offline to read the cache",
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        self.offline = offline
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = DEFAULT_BACKOFF if backoff is None else backoff
        self.offline_hint = offline_hint
        self._sleep = sleep
        self._client: Any = None
        self.log: list[Response] = []

    # -- context manager -------------------------------------------------------------------------
    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- cache -----------------------------------------------------------------------------------
    def cache_paths(self, url: str) -> tuple[Path, Path]:
        """Where the body and the json sidecar of `url` are cached."""
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.cache_dir / f"{key}.body", self.cache_dir / f"{key}.json"

    def read_cache(self, url: str) -> Response | None:
        body_path, meta_path = self.cache_paths(url)
        if not (body_path.is_file() and meta_path.is_file()):
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("url") != url:  # a hash collision, or a hand-edited sidecar
            return None
        return Response(
            url=url,
            status=int(meta.get("status", 200)),
            body=body_path.read_bytes(),
            retrieved=str(meta.get("retrieved", "")),
            content_type=str(meta.get("content_type", "")),
            from_cache=True,
        )

    def write_cache(self, response: Response) -> None:
        body_path, meta_path = self.cache_paths(response.url)
        meta = {
            "url": response.url,
            "retrieved": response.retrieved,
            "status": response.status,
            "content_type": response.content_type,
        }
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _replace_atomically(body_path, response.body)
            _replace_atomically(meta_path, (json.dumps(meta, indent=2) + "\n").encode("utf-8"))
        except OSError:
            # A cache that cannot be written costs a download next time; it must not stop the run.
            pass

    # -- requests --------------------------------------------------------------------------------
    def get(self, url: str, params: Mapping[str, Any] | None = None) -> Response:
        """GET `url` (with `params`), from the network or, offline, from the cache."""
        full_url = build_url(url, params)
        if self.offline:
            cached = self.read_cache(full_url)
            if cached is None:
                raise NotCachedError(
                    f"offline, and the cache ({self.cache_dir}) has no copy of {full_url}; "
                    "run the same command once while online, or give the file yourself."
                )
            self.log.append(cached)
            return cached
        response = self._fetch(full_url)
        self.write_cache(response)
        self.log.append(response)
        return response

    def _client_or_new(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            )
        return self._client

    def _fetch(self, url: str) -> Response:
        import httpx

        client = self._client_or_new()
        host = urlsplit(url).netloc
        attempts = self.retries + 1
        last_problem = ""
        for attempt in range(attempts):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            try:
                answer = client.get(url)
            except httpx.TransportError as exc:
                last_problem = _describe_transport_error(exc)
                continue
            if answer.status_code in RETRY_STATUSES:
                last_problem = f"HTTP {answer.status_code}"
                continue
            response = Response(
                url=url,
                status=answer.status_code,
                body=answer.content,
                retrieved=datetime.now(UTC).isoformat(timespec="seconds"),
                content_type=answer.headers.get("content-type", ""),
            )
            if answer.status_code >= 400:
                raise FetchError(f"{host} answered HTTP {answer.status_code} for {url}: {_snippet(response)}")
            return response
        if last_problem.startswith("HTTP "):
            raise FetchError(
                f"{host} answered {last_problem} {attempts} times for {url}; the service may be down, "
                "try again later."
            )
        raise OfflineError(f"could not reach {host} ({last_problem}); {self.offline_hint}.")


def _describe_transport_error(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if "Connect" in name:
        return "no connection"
    return name


def _snippet(response: Response) -> str:
    if looks_like_html(response):
        return f'a web page, "{html_title(response)}"'
    text = " ".join(response.text.split())
    return text[:200] or "an empty answer"


def _replace_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
