"""Read-only pages served again, to the same user, for as long as the database has not changed.

A page is stored under PostgreSQL's current snapshot (`pg_current_snapshot()`), read by `DatabaseSnapshotMiddleware`
first thing in the request, before the session, the user or their roles are read.
Two equal snapshots see exactly the same committed rows, and every commit of a writing transaction (an import, a live
answer, a certification run, a revocation, an `update()` that sends no signal) gives the next reads a new snapshot,
which the stored page then no longer matches. A page whose reads happened to see a commit made after its snapshot
was taken is newer than its key, never older: no later request has that snapshot any more. So no list of what
changes which page is needed, and none can be forgotten.

What else a page depends on is in its key: the release of the code, the view and its arguments, the host, the full
path, the user, the language, the time zone, the day and htmx's headers. CSRF tokens, the only per-browser part of a
page, are taken out when a page is stored and minted afresh for the browser it is served to. Pages are only stored
for GET requests answered 200 within `WORLDCLASS_PAGE_CACHE_MAX_BYTES`, and never on SQLite (the demo's embedded
database), inside a transaction, with messages pending, or for an anonymous visitor's query string or htmx request
(which would let anyone fill the cache). The cache is a help, never a dependency: if it fails, the page is rendered.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

# Django's own unmasking (private, unchanged since Django 4.1): the only sure way to tell this browser's tokens.
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

T = TypeVar("T")
logger = logging.getLogger(__name__)

# '<' is escaped in every text a template renders, so no page holds this except where a token was.
_TOKEN_PLACEHOLDER = b"<worldclass-csrf-token>"
_MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# The headers an htmx request carries that a view could answer differently (none of the cached views does yet).
_VARYING_HEADERS = ("HX-Request", "HX-Target")
# Headers of the view's own response that a replay keeps; the middleware adds the others again on the way out.
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Cache-Control")


def database_snapshot() -> str | None:
    """The snapshot the next reads will see at least, or None when pages must be neither stored nor served: on
    SQLite, and inside a transaction (its own uncommitted rows are in no snapshot; requests run in autocommit)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


class DatabaseSnapshotMiddleware:
    """Read the snapshot before anything else in a GET to a cached view. Read later, after the session, the user and
    their roles, a commit landing in between (a right withdrawn) would leave a page computed from the older rows
    stored under the newer snapshot, and replays skip the view's own checks. First in `MIDDLEWARE` (tested)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "GET"
            and settings.WORLDCLASS_PAGE_CACHE_SECONDS
            and connection.vendor == "postgresql"  # SQLite's pages are never stored: nothing to resolve
            and _is_cached_view(request)
        ):
            request.database_snapshot = database_snapshot()
        return self.get_response(request)


def _is_cached_view(request) -> bool:
    try:
        func = resolve(request.path_info).func
    except Resolver404:
        return False
    # A DRF view set's function carries its class (`cls`), which marks itself with `page_cache`.
    return bool(getattr(func, "page_cache", False) or getattr(getattr(func, "cls", None), "page_cache", False))


def cached_until_data_changes(view: Callable) -> Callable:
    """Serve the view's 200 answer to a GET again to the same user while the database snapshot is unchanged."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        snapshot = _usable_snapshot(request)
        if snapshot is None or _has_messages(request):
            return view(request, *args, **kwargs)
        key = _key(request, _view_name(view, args, kwargs))
        stored = _cache_get(key)
        if stored is not None and stored["snapshot"] == snapshot:
            return _replay(request, stored)
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        return _store_when_complete(request, response, key=key, snapshot=snapshot)

    wrapper.page_cache = True
    return wrapper


def _usable_snapshot(request) -> str | None:
    """The snapshot the middleware read for this request, if its answer may be stored and served."""
    # Set by the middleware only for a GET to a cached view, with the cache on: its conditions are not repeated here.
    snapshot = getattr(request, "database_snapshot", None)
    if snapshot is None:
        return None
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated) and (request.META.get("QUERY_STRING") or _is_htmx(request)):
        return None
    return snapshot


def _is_htmx(request) -> bool:
    return any(request.headers.get(header) for header in _VARYING_HEADERS)


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # the cache is a help: a failing Redis renders the page
        logger.warning("page cache unavailable for reading", exc_info=True)
        return None


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, settings.WORLDCLASS_PAGE_CACHE_SECONDS)
    except Exception:  # the page was rendered; it is only not kept
        logger.warning("page cache unavailable for writing", exc_info=True)


def _has_messages(request) -> bool:
    # The base page shows (and so uses up) pending messages: such a page is for this request only.
    return hasattr(request, "_messages") and len(get_messages(request)) > 0


def _key(request, name: str) -> str:
    user = getattr(request, "user", None)
    parts = [
        _release(),
        name,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        str(user.pk) if user is not None and user.is_authenticated else "-",
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        *(request.headers.get(header, "") for header in _VARYING_HEADERS),
    ]
    return "worldclass.page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@lru_cache(maxsize=1)
def _release() -> str:
    """The code's identity (its files' names, sizes and times): a deploy serves none of the last release's pages."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html", ".mo", ".txt", ".json"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _view_name(view: Callable, args: tuple, kwargs: dict) -> str:
    return f"{view.__module__}.{view.__qualname__}{args!r}{sorted(kwargs.items())!r}"


def cached_data(request, compute: Callable[[], T], *, name: str) -> T:
    """What `compute()` returns for this request, given again while the snapshot is unchanged: the API's answers,
    which its renderer then turns into JSON or a page for each request. `request` is the authenticated one, of a
    view set marked `page_cache = True` (so that the middleware read the snapshot)."""
    snapshot = _usable_snapshot(request)
    if snapshot is None:
        return compute()
    key = _key(request, f"data:{name}")
    stored = _cache_get(key)
    if stored is not None and stored["snapshot"] == snapshot:
        return stored["data"]
    data = compute()
    _cache_set(key, {"snapshot": snapshot, "data": data})
    return data


def _store_when_complete(request, response, *, key: str, snapshot: str):
    def store(content: bytes) -> None:
        if len(content) > settings.WORLDCLASS_PAGE_CACHE_MAX_BYTES:
            return
        is_html = response.get("Content-Type", "").startswith("text/html")
        content, has_tokens = _without_tokens(request, content) if is_html else (content, False)
        entry = {
            "snapshot": snapshot,
            "content": content,
            "has_tokens": has_tokens,
            "headers": [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)],
        }
        _cache_set(key, entry)

    if response.streaming:
        response.streaming_content = _collected(response.streaming_content, store)
        return response
    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(lambda rendered: store(rendered.content))
        return response
    store(response.content)
    return response


def _collected(chunks: Iterable[bytes], store: Callable[[bytes], None]) -> Iterator[bytes]:
    """Pass a streamed download through, and store it once it has been sent whole and was not too large."""
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size > settings.WORLDCLASS_PAGE_CACHE_MAX_BYTES:
                kept = None
            else:
                kept.append(chunk)
        yield chunk
    if kept is not None:
        store(b"".join(kept))


def _without_tokens(request, content: bytes) -> tuple[bytes, bool]:
    """The page with each CSRF token of this browser replaced by a placeholder, and whether there was one."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content, False
    found = False

    def placeholder(match: re.Match) -> bytes:
        nonlocal found
        if _unmask_cipher_token(match.group().decode()) != secret:
            return match.group()
        found = True
        return _TOKEN_PLACEHOLDER

    content = _MASKED_TOKEN.sub(placeholder, content)
    return content, found


def _replay(request, stored: dict) -> HttpResponse:
    content = stored["content"]
    if stored["has_tokens"]:
        content = content.replace(_TOKEN_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in stored["headers"]:
        response[name] = value
    return response
