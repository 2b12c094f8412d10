"""Read-only pages served again, to the same user, for as long as the database has not changed.

A page is stored under PostgreSQL's current snapshot (`pg_current_snapshot()`), read before the view reads anything.
Two equal snapshots see exactly the same committed rows, and every commit of a writing transaction (an import, a live
answer, a certification run, a revocation, an `update()` that sends no signal) gives the next reads a new snapshot,
which the stored page then no longer matches. A page whose reads happened to see a commit made after its snapshot
was taken is newer than its key, never older: no later request has that snapshot any more. So no list of what
changes which page is needed, and none can be forgotten.

What else a page depends on is in its key: the view and its arguments, the full path, the user, the language, the
time zone, the day, and the headers a page varies on (htmx's, Accept). CSRF tokens, the only per-browser part of a
page, are taken out when a page is stored and minted afresh for the browser it is served to. Pages are only stored
for GET requests answered 200, and never on SQLite (the demo's embedded database) or inside a transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

# Django's own unmasking (private, unchanged since Django 4.1): the only sure way to tell this browser's tokens.
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation

T = TypeVar("T")

# '<' is escaped in every text a template renders, so no page holds this except where a token was.
_TOKEN_PLACEHOLDER = b"<worldclass-csrf-token>"
_MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_VARYING_HEADERS = (
    "Accept",
    "HX-Request",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
    "HX-Current-URL",
    "HX-Boosted",
)
# Headers of the view's own response that a replay keeps; the middleware adds the others again on the way out.
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Vary")


def database_snapshot() -> str | None:
    """The snapshot the next reads will see at least, or None when pages must be neither stored nor served: on
    SQLite, and inside a transaction (its own uncommitted rows are in no snapshot; requests run in autocommit)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def cached_until_data_changes(view: Callable) -> Callable:
    """Serve the view's 200 answer to a GET again to the same user while the database snapshot is unchanged."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.WORLDCLASS_PAGE_CACHE_SECONDS
        if request.method != "GET" or not seconds or _has_messages(request):
            return view(request, *args, **kwargs)
        snapshot = database_snapshot()
        if snapshot is None:
            return view(request, *args, **kwargs)
        key = _key(request, _view_name(view, args, kwargs))
        stored = cache.get(key)
        if stored is not None and stored["snapshot"] == snapshot:
            return _replay(request, stored)
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        return _store_when_complete(request, response, key=key, snapshot=snapshot, seconds=seconds)

    return wrapper


def _has_messages(request) -> bool:
    # The base page shows (and so uses up) pending messages: such a page is for this request only.
    return hasattr(request, "_messages") and len(get_messages(request)) > 0


def _key(request, name: str) -> str:
    user = getattr(request, "user", None)
    parts = [
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


def _view_name(view: Callable, args: tuple, kwargs: dict) -> str:
    return f"{view.__module__}.{view.__qualname__}{args!r}{sorted(kwargs.items())!r}"


def cached_data(request, compute: Callable[[], T], *, name: str) -> T:
    """What `compute()` returns for this request, given again while the snapshot is unchanged: the API's answers,
    which its renderer then turns into JSON or a page for each request. `request` is the authenticated one."""
    seconds = settings.WORLDCLASS_PAGE_CACHE_SECONDS
    snapshot = database_snapshot() if seconds and request.method == "GET" else None
    if snapshot is None:
        return compute()
    key = _key(request, f"data:{name}")
    stored = cache.get(key)
    if stored is not None and stored["snapshot"] == snapshot:
        return stored["data"]
    data = compute()
    cache.set(key, {"snapshot": snapshot, "data": data}, seconds)
    return data


def _store_when_complete(request, response, *, key: str, snapshot: str, seconds: int):
    def store(content: bytes) -> None:
        is_html = response.get("Content-Type", "").startswith("text/html")
        content, has_tokens = _without_tokens(request, content) if is_html else (content, False)
        entry = {
            "snapshot": snapshot,
            "content": content,
            "has_tokens": has_tokens,
            "headers": [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)],
        }
        cache.set(key, entry, seconds)

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
    if not secret or len(content) > settings.WORLDCLASS_PAGE_CACHE_MAX_BYTES:
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
