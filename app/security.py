"""Who may do what, and the protections every response carries.

Every view declares who may reach it with one of the decorators below (`public`,
`login_required`, `leader_required`, `staff_required`); the access-matrix test walks
`app.url_map` and fails on any endpoint without a declaration.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user


class Role(enum.StrEnum):
    LEADER = "leader"
    ADMIN = "admin"
    EDITOR = "editor"  # content
    MODERATOR = "moderator"  # comments
    REVIEWER = "reviewer"  # Bible requests and leaders


STAFF_ROLES = frozenset({Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.REVIEWER})


def has_role(user: Any, *roles: Role | str) -> bool:
    """True when the user holds any of `roles`; admin holds every staff role."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    held = user.role_names
    if Role.ADMIN in held and any(Role(r) in STAFF_ROLES for r in roles):
        return True
    return any(Role(r) in held for r in roles)


def is_staff(user: Any) -> bool:
    return has_role(user, *STAFF_ROLES)


def mfa_complete() -> bool:
    """Staff must have passed two-factor in this login session."""
    login_session = getattr(current_user, "login_session", None)
    return bool(login_session is not None and login_session.mfa_verified_at is not None)


# --- access declarations -------------------------------------------------------------------


def _declare(view: Callable, access: tuple[str, ...]) -> Callable:
    view.access = access  # type: ignore[attr-defined]
    return view


def access_of(view: Callable) -> tuple[str, ...] | None:
    """What a view declared, looking through other decorators' wrappers."""
    while view is not None:
        if hasattr(view, "access"):
            return view.access
        view = getattr(view, "__wrapped__", None)
    return None


def public(view: Callable) -> Callable:
    """Anyone, signed in or not."""
    return _declare(view, ("public",))


def _to_login() -> Any:
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def login_required(view: Callable) -> Callable:
    """Any signed-in account (leaders and staff)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _to_login()
        return view(*args, **kwargs)

    return _declare(wrapped, ("user",))


def leader_required(view: Callable | None = None, *, verified: bool = False) -> Callable:
    """Ministry leaders; `verified=True` also requires staff verification to be current."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _to_login()
            if not has_role(current_user, Role.LEADER):
                abort(403)
            if verified and not current_user.is_verified_leader:
                return redirect(url_for("accounts.dashboard"))
            return view(*args, **kwargs)

        return _declare(wrapped, ("verified_leader",) if verified else ("leader",))

    return decorate(view) if view is not None else decorate


def check_staff(roles: Iterable[Role | str] = STAFF_ROLES) -> Any:
    """The staff gate: signed in, holding a role, two-factor done. Returns a response or None."""
    if not current_user.is_authenticated:
        return _to_login()
    if not is_staff(current_user):
        abort(403)
    if not mfa_complete():
        return redirect(url_for("accounts.two_factor"))
    if not has_role(current_user, *roles):
        abort(403)
    return None


def staff_required(*roles: Role | str) -> Callable:
    """Staff holding one of `roles` (admin always qualifies), after two-factor."""
    needed = tuple(Role(r) for r in roles) or tuple(STAFF_ROLES)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            refused = check_staff(needed)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return _declare(wrapped, ("staff", *sorted(r.value for r in needed)))

    return decorate


# --- client addresses, kept only as keyed hashes --------------------------------------------


def client_ip() -> str:
    """The client's address (ProxyFix has applied trusted X-Forwarded-For already)."""
    return request.remote_addr or "unknown"


def _ip_key() -> bytes:
    key = current_app.config.get("IP_HASH_KEY") or ""
    if key:
        return key.encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"ip-hash", hashlib.sha256).digest()


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of `value` for one purpose; the raw value is never stored."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(_ip_key(), message, hashlib.sha256).hexdigest()


def ip_hash(purpose: str = "ip", ip: str | None = None) -> str:
    return keyed_hash(ip or client_ip(), purpose)


def limiter_key() -> str:
    """The rate limiter's default key: the client, as a keyed hash (storage never sees an IP)."""
    return ip_hash("throttle")


logger = logging.getLogger("app.security")


def log_refusal(status: int) -> None:
    """An authorization refusal: who (user id), what (endpoint, method), from where (ip hash)."""
    # Never get_id(): it is the session token.
    user_id = getattr(current_user, "id", None) if current_user.is_authenticated else None
    logger.warning(
        "refused status=%s user_id=%s endpoint=%s method=%s path=%s ip_hash=%s",
        status,
        user_id if user_id is not None else "-",
        request.endpoint or "-",
        request.method,
        request.path,
        ip_hash("log")[:16],
    )


# --- response headers -----------------------------------------------------------------------


def csp_nonce() -> str:
    """A per-response nonce for the rare inline script; the policy names it only when used."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    script = "'self'"
    if "csp_nonce" in g:
        script += f" 'nonce-{g.csp_nonce}'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def set_security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault(
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    )
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    # Nothing a signed-in person sees may be stored by a browser or proxy cache.
    if session.get("_user_id") or getattr(current_user, "is_authenticated", False):
        headers["Cache-Control"] = "no-store"
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
    return response


# --- NUL bytes ---------------------------------------------------------------------------------


def drop_nul_bytes() -> None:
    """No NUL reaches a view: PostgreSQL text cannot hold one (it would be a 500 there).

    A NUL in the path answers 404 (no page has one); NULs in query and form values are
    removed, so a form with one pasted in behaves as if it had not been there.
    """
    if "\x00" in request.path:
        abort(404)
    for name in ("args", "form"):
        values = getattr(request, name)
        if any("\x00" in value for _key, value in values.items(multi=True)):
            cleaned = [(k, v.replace("\x00", "")) for k, v in values.items(multi=True)]
            setattr(request, name, type(values)(cleaned))


def init_app(app: Flask) -> None:
    app.before_request(drop_nul_bytes)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["has_role"] = has_role
    app.jinja_env.globals["is_staff"] = is_staff
    app.jinja_env.globals["Role"] = Role
