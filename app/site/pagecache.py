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
this process's own change at once. Each process also keeps the few pages it served last in
front of the shared backend (same keys, so the same freshness), which spares a Redis round
trip and unpickling per hit. Pages also expire after `PAGE_CACHE_SECONDS` (60 s), which
bounds what no commit announces (a story whose publication time arrives).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, current_app, g, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Integer, event, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import dump_cookie, http_date, parse_accept_header, parse_cookie, parse_date

from app import antispam
from app.extensions import cache, db
from app.i18n import LANG_COOKIE, LANG_COOKIE_MAX_AGE, select_locale

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
# Headers a stored page keeps (the security headers every anonymous response carries).
KEEP_HEADERS = frozenset(
    {
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
        "permissions-policy",
        "cross-origin-opener-policy",
        "strict-transport-security",
    }
)


class PageCacheGeneration(db.Model):
    """One row: raised by every commit that changes what a public page shows."""

    __tablename__ = "page_cache_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# --- the generation --------------------------------------------------------------------------

_local = {"generation": 0, "read_at": 0.0}
# The pages this process served lately, in front of the shared backend (keys carry the
# generation, so an entry here is exactly what the backend holds, until it expires).
_recent: dict[str, dict[str, Any]] = {}
RECENT_MAX = 64


def current_generation(app: Flask) -> int | None:
    """The shared generation, read from the database at most once per check interval; None
    when the database cannot say (the request then goes to the app, which answers for it)."""
    now = time.monotonic()
    if now - _local["read_at"] >= app.config["PAGE_CACHE_CHECK_SECONDS"]:
        try:
            with app.app_context(), db.engine.connect() as connection:
                value = connection.scalar(
                    select(PageCacheGeneration.generation).where(PageCacheGeneration.id == 1)
                )
        except SQLAlchemyError:
            return None
        if value != _local["generation"]:
            _recent.clear()
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


def _write_generation(session: Session, value: Any) -> None:
    """Set the one generation row to `value`; a database without the row (emptied or restored)
    gets one that starts anywhere, never at an old value."""
    written = session.execute(
        update(PageCacheGeneration)
        .where(PageCacheGeneration.id == 1)
        .values(generation=value)
        .execution_options(synchronize_session=False)
    )
    if not written.rowcount:  # type: ignore[attr-defined]
        start = secrets.randbelow(2**30)
        session.execute(insert(PageCacheGeneration).values(id=1, generation=start))


def _before_commit(session: Session) -> None:
    if not (session.info.pop("page_cache_changed", False) or _touches_watched(session)):
        return
    _write_generation(session, PageCacheGeneration.generation + 1)
    session.info["page_cache_bumped"] = True


def _after_commit(session: Session) -> None:
    session.info.pop("page_cache_changed", None)  # set again by the flush the bump caused
    if session.info.pop("page_cache_bumped", False):
        _local["read_at"] = 0.0  # this process sees its own change at once


def _after_rollback(session: Session) -> None:
    session.info.pop("page_cache_changed", None)
    session.info.pop("page_cache_bumped", None)


def forget_recent() -> None:
    """Drop this process's copies (tests empty the database between them)."""
    _recent.clear()
    _local["read_at"] = 0.0


def restart_generation() -> None:
    """After `flask restore`: the restored generation may be one whose pages are still in the
    shared cache, so start from a random value instead (as a new database does)."""
    _write_generation(db.session, secrets.randbelow(2**30))
    db.session.commit()
    forget_recent()


# --- serving from the cache, before Flask (a WSGI middleware) -------------------------------


class PageCache:
    """Answers anonymous GETs of stored pages without entering Flask; everything else (and a
    miss) goes to the app, whose `store` keeps the page for next time.

    The visitor's holes are filled as Flask-WTF and `app.antispam` would: the CSRF secret in
    the visitor's (signed) session cookie, a new session for a first visit, a fresh stamp."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        config = app.config
        self.languages = tuple(config["LANGUAGES"])
        self.default_language = config["BABEL_DEFAULT_LOCALE"]
        self.session_cookie = config["SESSION_COOKIE_NAME"]
        self.remember_cookie = config.get("REMEMBER_COOKIE_NAME", "remember_token")
        self.session_serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        self.csrf_serializer = URLSafeTimedSerializer(
            config.get("WTF_CSRF_SECRET_KEY") or config["SECRET_KEY"], salt="wtf-csrf-token"
        )
        self.stamp_serializer = URLSafeTimedSerializer(config["SECRET_KEY"], salt=antispam.SALT)
        self.accept_cache: dict[str, str] = {}

    # Which visitors and which entry -----------------------------------------------------------

    def _language(self, environ: dict, query: dict, cookies: Any) -> str:
        chosen = (query.get("lang") or [None])[0]
        if chosen not in self.languages and LANG_COOKIE in cookies:
            chosen = cookies[LANG_COOKIE]
        if chosen in self.languages:
            return chosen
        header = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        language = self.accept_cache.get(header)
        if language is None:
            accept = parse_accept_header(header, LanguageAccept)
            language = accept.best_match(self.languages) or self.default_language
            if len(self.accept_cache) < 1000:
                self.accept_cache[header] = language
        return language

    def _secret(self, cookies: Any) -> tuple[bool, str | None]:
        """(eligible, the visitor's CSRF secret): eligible when the session holds nothing
        personal (no cookie, or only the form secret)."""
        if self.session_cookie not in cookies:
            return True, None
        try:
            data = self.session_serializer.loads(
                cookies[self.session_cookie],
                max_age=int(self.app.permanent_session_lifetime.total_seconds()),
            )
        except BadSignature:
            return True, None  # Flask would ignore it too: a new session
        if not isinstance(data, dict) or not set(data) <= SAFE_SESSION_KEYS:
            return False, None
        return True, data.get("csrf_token")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or not self.app.config["PAGE_CACHE"]
            or "HTTP_AUTHORIZATION" in environ
        ):
            return self.wsgi_app(environ, start_response)
        cookies = parse_cookie(environ.get("HTTP_COOKIE"))
        if self.remember_cookie in cookies:
            return self.wsgi_app(environ, start_response)  # would sign the visitor in
        eligible, secret = self._secret(cookies)
        if not eligible:
            return self.wsgi_app(environ, start_response)
        query_string = environ.get("QUERY_STRING", "")
        query = parse_qs(query_string)
        language = self._language(environ, query, cookies)
        host = "|".join(
            environ.get(h, "")
            for h in ("HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO")
        )
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        generation = current_generation(self.app)
        if generation is None:
            return self.wsgi_app(environ, start_response)
        key = f"page:{generation}:{language}:{host}{path}?{query_string}"
        entry = _recent.get(key)
        if entry is None or entry["expires"] <= time.time():
            entry = _backend_get(self.app, key)
            if entry is not None:
                if len(_recent) >= RECENT_MAX:
                    _recent.pop(next(iter(_recent)))  # the oldest
                _recent[key] = entry
        if entry is None:
            environ["nkn.page_cache"] = (key, language)
            return self.wsgi_app(environ, start_response)
        return self._serve(environ, start_response, entry, secret, query, cookies)

    # The answer ---------------------------------------------------------------------------------

    def _serve(self, environ, start_response, entry, secret, query, cookies) -> Iterable[bytes]:
        headers = list(entry["headers"])
        personal = entry["personal"]
        new_session = personal and secret is None
        if new_session:
            secret = secrets.token_hex(20)  # 40 hex digits, like Flask-WTF's own
            headers.append(("Set-Cookie", self._session_cookie(secret)))
        chosen = (query.get("lang") or [None])[0]
        if chosen in self.languages and (cookies.get(LANG_COOKIE) != chosen):
            headers.append(("Set-Cookie", self._lang_cookie(chosen)))
        etag = visitor_etag(entry["etag"], secret if personal else None, personal)
        headers += [
            ("ETag", f'"{etag}"'),
            ("Cache-Control", "private, no-cache" if personal else "public, no-cache"),
            ("Vary", "Cookie, Accept-Language"),
            ("X-Page-Cache", "hit"),
        ]
        if not personal:
            headers.append(("Last-Modified", http_date(entry["stored_at"])))
        if not new_session and unchanged(
            environ.get("HTTP_IF_NONE_MATCH"),
            environ.get("HTTP_IF_MODIFIED_SINCE"),
            etag,
            entry,
        ):
            start_response("304 Not Modified", headers)
            return [b""]
        body = self._fill(entry["parts"], secret) if personal else entry["parts"][0][1]
        headers += [
            ("Content-Type", entry["content_type"]),
            ("Content-Length", str(len(body))),
        ]
        start_response("200 OK", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _fill(self, parts: list[tuple[str, bytes]], secret: str | None) -> bytes:
        values = {
            CSRF_HOLE: self.csrf_serializer.dumps(secret).encode(),
            SHOWN_AT_HOLE: self.stamp_serializer.dumps(round(time.time(), 3)).encode(),
        }
        out = []
        for hole, text in parts:
            if hole:
                out.append(values[hole])
            out.append(text)
        return b"".join(out)

    def _session_cookie(self, secret: str) -> str:
        config = self.app.config
        return dump_cookie(
            self.session_cookie,
            self.session_serializer.dumps({"csrf_token": secret}),
            domain=config.get("SESSION_COOKIE_DOMAIN") or None,
            path=config.get("SESSION_COOKIE_PATH") or config.get("APPLICATION_ROOT") or "/",
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=config["SESSION_COOKIE_HTTPONLY"],
            samesite=config["SESSION_COOKIE_SAMESITE"],
        )

    def _lang_cookie(self, language: str) -> str:
        return dump_cookie(
            LANG_COOKIE,
            language,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=self.app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )


def _backend_get(app: Flask, key: str) -> dict[str, Any] | None:
    try:
        return app.extensions["cache"][cache].get(key)
    except Exception:  # the cache server is down: a miss, the app renders the page
        app.logger.warning("page cache: cannot read", exc_info=True)
        return None


def visitor_etag(entry_tag: str, secret: str | None, personal: bool) -> str:
    """Per visitor when the page holds their token: the browser's copy is reusable only while
    its token matches their session and its anti-spam stamp is recent."""
    if not personal:
        return entry_tag
    bucket = int(time.time() // (FRESHNESS_HOURS * 3600))
    return hashlib.sha256(f"{entry_tag}|{secret}|{bucket}".encode()).hexdigest()[:32]


def unchanged(if_none_match: str | None, if_modified_since: str | None, etag, entry) -> bool:
    if if_none_match:
        return f'"{etag}"' in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    since = parse_date(if_modified_since) if if_modified_since else None
    # By date only for pages without a visitor's token (feeds, sitemap).
    return not entry["personal"] and since is not None and since.timestamp() >= entry["stored_at"]


# --- storing, after Flask rendered a miss -------------------------------------------------------


def _split(body: str) -> list[tuple[str, bytes]]:
    """The page as (hole before this text, text) pairs, encoded once."""
    parts: list[tuple[str, bytes]] = []
    hole = ""
    while True:
        positions = [(body.find(h), h) for h in (CSRF_HOLE, SHOWN_AT_HOLE) if h in body]
        if not positions:
            parts.append((hole, body.encode()))
            return parts
        index, found = min(positions)
        parts.append((hole, body[:index].encode()))
        body, hole = body[index + len(found) :], found


def store(response: Response) -> Response:
    """after_request: keep a freshly rendered public page, with the visitor's holes cut out."""
    marked = request.environ.get("nkn.page_cache")
    if marked is None or request.endpoint not in CACHEABLE:
        return response
    key, language = marked
    if response.status_code != 200 or response.direct_passthrough or language != select_locale():
        return response
    if g.get("comments_personal") or "csp_nonce" in g:
        return response
    if not set(session.keys()) <= SAFE_SESSION_KEYS:  # a flash, a pending comment, a user
        return response
    body = response.get_data(as_text=True)
    token = g.get("csrf_token")
    if token:
        body = body.replace(token, CSRF_HOLE)
    for stamp in g.get("shown_at_tokens", ()):
        body = body.replace(stamp, SHOWN_AT_HOLE)
    personal = CSRF_HOLE in body or SHOWN_AT_HOLE in body
    entry = {
        "parts": _split(body),
        "content_type": response.headers["Content-Type"],
        "headers": [(k, v) for k, v in response.headers.items() if k.lower() in KEEP_HEADERS],
        "personal": personal,
        "etag": hashlib.sha256(body.encode()).hexdigest()[:32],
        "stored_at": int(time.time()),
        "expires": time.time() + current_app.config["PAGE_CACHE_SECONDS"],
    }
    try:
        cache.set(key, entry, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    except Exception:  # the cache server is down: serve uncached, never fail the page
        current_app.logger.warning("page cache: cannot store", exc_info=True)
    secret = session.get("csrf_token") if personal else None
    etag = visitor_etag(entry["etag"], secret, personal)
    response.set_etag(etag)
    if not personal:
        response.headers["Last-Modified"] = http_date(entry["stored_at"])
    response.headers["Cache-Control"] = "private, no-cache" if personal else "public, no-cache"
    response.headers["Vary"] = "Cookie, Accept-Language"
    response.headers["X-Page-Cache"] = "miss"
    if unchanged(
        request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"), etag, entry
    ):
        response.status_code = 304
        response.set_data(b"")
    return response


def init_app(app: Flask) -> None:
    app.wsgi_app = PageCache(app, app.wsgi_app)  # type: ignore[method-assign]
    # Registered first, so it runs after every other after_request function (security
    # headers included, which the stored page keeps).
    app.after_request_funcs.setdefault(None, []).insert(0, store)
    if not event.contains(Session, "before_commit", _before_commit):  # once per process
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
