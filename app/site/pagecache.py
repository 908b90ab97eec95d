"""Whole-page cache for anonymous readers, shared by every app server through the cache backend.

A public page (home, stories, a story, prayer requests, feeds, about) is rendered once per
language and address and kept in Flask-Caching's backend (in-process by default, Redis in
production). Per-visitor parts are holes: the CSRF token and the anti-spam time stamp are
stored as placeholders and filled for each visitor after the lookup, so nobody is ever served
another visitor's token. Visitors with anything personal in their session (signed in, a flash
message, their own comments awaiting moderation, a half-done form) skip the cache entirely.

Invalidation: every commit that changes a table a public page reads bumps one generation
number in the database (in the same transaction); cache keys carry the generation, so a change
makes every page fresh at once on every app server. Each process reads the generation at most
once per `PAGE_CACHE_CHECK_SECONDS` (1 s): another server's change shows within that time,
this process's own change at once. Pages also expire after `PAGE_CACHE_SECONDS` (60 s), which
bounds what no commit announces (a story whose publication time arrives).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Integer, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.antispam import shown_at_token
from app.extensions import cache, db
from app.i18n import select_locale

CSRF_HOLE = "\x00csrf-hole\x00"
SHOWN_AT_HOLE = "\x00shown-at-hole\x00"
SAFE_SESSION_KEYS = frozenset({"csrf_token"})  # nothing personal: a random anti-forgery secret
CACHEABLE = frozenset(
    {
        "content.home",
        "content.stories",
        "content.story",
        "content.prayer_requests",
        "content.prayer_request",
        "content.project",
        "feeds.stories_feed",
        "feeds.prayer_feed",
        "feeds.sitemap",
        "site.about",
    }
)
# Tables whose rows public pages show (tests/perf/test_queries.py checks this covers every
# table the cached pages read). A change to any other table (sessions, outbox, audit trail,
# subscribers) leaves the cache alone.
WATCHED_TABLES = frozenset(
    {
        "projects",
        "stories",
        "prayer_requests",
        "media_images",
        "comments",
        "slug_redirects",
        "site_settings",
        "bible_requests",
        "bible_stock_movements",
        "defector_bible_requests",
        "prayer_updates",
        "prayer_update_items",
    }
)
FRESHNESS_HOURS = 1  # a revalidated page keeps its anti-spam stamp at most this long (+1 h)


class PageCacheGeneration(db.Model):
    """One row: raised by every commit that changes what a public page shows."""

    __tablename__ = "page_cache_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# --- the generation --------------------------------------------------------------------------

_local = {"generation": 0, "read_at": 0.0}


def current_generation() -> int:
    interval = current_app.config["PAGE_CACHE_CHECK_SECONDS"]
    now = time.monotonic()
    if now - _local["read_at"] >= interval:
        value = db.session.scalar(
            select(PageCacheGeneration.generation).where(PageCacheGeneration.id == 1)
        )
        db.session.rollback()  # end the read-only transaction; keep the connection free
        _local["generation"], _local["read_at"] = value or 0, now
    return _local["generation"]


def _touches_watched(session: Session) -> bool:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in WATCHED_TABLES:
            return True
    return False


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if _touches_watched(session):
        session.info["page_cache_changed"] = True


def _on_execute(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        state.session.info["page_cache_changed"] = True


def _before_commit(session: Session) -> None:
    if not (session.info.pop("page_cache_changed", False) or _touches_watched(session)):
        return
    raised = session.execute(
        update(PageCacheGeneration)
        .where(PageCacheGeneration.id == 1)
        .values(generation=PageCacheGeneration.generation + 1)
        .execution_options(synchronize_session=False)
    )
    if not raised.rowcount:  # type: ignore[attr-defined]
        session.execute(insert(PageCacheGeneration).values(id=1, generation=1))
    session.info["page_cache_bumped"] = True


def _after_commit(session: Session) -> None:
    session.info.pop("page_cache_changed", None)  # set again by the flush the bump caused
    if session.info.pop("page_cache_bumped", False):
        _local["read_at"] = 0.0  # this process sees its own change at once


def _after_rollback(session: Session) -> None:
    session.info.pop("page_cache_changed", None)
    session.info.pop("page_cache_bumped", None)


def invalidate() -> None:
    """Make every cached page fresh (e.g. after `flask restore`); the caller commits."""
    db.session.info["page_cache_changed"] = True


# --- lookup and store --------------------------------------------------------------------------


def _cacheable() -> bool:
    if not current_app.config["PAGE_CACHE"] or request.method not in ("GET", "HEAD"):
        return False
    if request.endpoint not in CACHEABLE or "Authorization" in request.headers:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False  # would sign the visitor in
    return set(session.keys()) <= SAFE_SESSION_KEYS


def _key() -> str:
    query = request.query_string.decode("latin-1")
    return f"page:{current_generation()}:{select_locale()}:{request.host}{request.path}?{query}"


def _fill(body: str) -> str:
    if CSRF_HOLE in body:
        body = body.replace(CSRF_HOLE, generate_csrf())
    if SHOWN_AT_HOLE in body:
        body = body.replace(SHOWN_AT_HOLE, shown_at_token())
    return body


def _etag(entry_tag: str, personal: bool) -> str | None:
    """Per visitor when the page holds their token: the token in the browser's copy must
    still match their session, and its anti-spam stamp must still be fresh."""
    if not personal:
        return entry_tag
    secret = session.get("csrf_token")
    if not secret:
        return None
    bucket = int(time.time() // (FRESHNESS_HOURS * 3600))
    return hashlib.sha256(f"{entry_tag}|{secret}|{bucket}".encode()).hexdigest()[:32]


def _unchanged(etag: str | None, entry: dict[str, Any], personal: bool) -> bool:
    if request.if_none_match:
        return etag is not None and request.if_none_match.contains(etag)
    since = request.if_modified_since
    # By date only for pages without a visitor's token (feeds, sitemap).
    return not personal and since is not None and since.timestamp() >= entry["stored_at"]


def _respond(entry: dict[str, Any], state: str) -> Response:
    personal = entry["personal"]
    etag = _etag(entry["etag"], personal)
    if _unchanged(etag, entry, personal):
        response = Response(status=304)
    else:
        body = _fill(entry["body"]) if personal else entry["body"]
        response = Response(body, mimetype=entry["mimetype"])
        etag = etag or _etag(entry["etag"], personal)
    if etag is not None:
        response.set_etag(etag)
    if not personal:
        response.last_modified = entry["stored_at"]
    # A page with a visitor's token may live only in that visitor's browser.
    response.headers["Cache-Control"] = "private, no-cache" if personal else "public, no-cache"
    response.headers["X-Page-Cache"] = state
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def lookup() -> Response | None:
    """before_request: answer from the cache, or note the key for `store`."""
    if not _cacheable():
        return None
    key = _key()
    entry = cache.get(key)
    if entry is not None:
        return _respond(entry, "hit")
    g.page_cache_key = key
    return None


def store(response: Response) -> Response:
    """after_request: keep a freshly rendered public page, with its holes cut out."""
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.direct_passthrough:
        return response
    if g.get("comments_personal") or "csp_nonce" in g or "_flashes" in session:
        return response
    if not set(session.keys()) <= SAFE_SESSION_KEYS:
        return response
    body = response.get_data(as_text=True)
    token = g.get("csrf_token")
    if token:
        body = body.replace(token, CSRF_HOLE)
    for stamp in g.get("shown_at_tokens", ()):
        body = body.replace(stamp, SHOWN_AT_HOLE)
    personal = CSRF_HOLE in body or SHOWN_AT_HOLE in body
    entry = {
        "body": body,
        "mimetype": response.mimetype,
        "personal": personal,
        "etag": hashlib.sha256(body.encode()).hexdigest()[:32],
        "stored_at": int(time.time()),
    }
    cache.set(key, entry, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    fresh = _respond(entry, "miss")
    # The response just rendered already holds this visitor's token: keep it, add the headers.
    response.headers["X-Page-Cache"] = "miss"
    for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        if name in fresh.headers:
            response.headers[name] = fresh.headers[name]
    if fresh.status_code == 304:
        return fresh
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE", True)
    app.config.setdefault("PAGE_CACHE_SECONDS", 60)
    app.config.setdefault("PAGE_CACHE_CHECK_SECONDS", 1.0)
    # First of all before_request functions, so a hit skips the rest.
    app.before_request_funcs.setdefault(None, []).insert(0, lookup)
    app.after_request(store)
    if not event.contains(Session, "before_commit", _before_commit):  # once per process
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
