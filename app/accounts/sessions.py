"""Server-side login sessions behind Flask-Login.

The session cookie (and the remember-me cookie) carry only a random token. Each token maps
to a `LoginSession` row; logging out or changing the password deletes rows, so a cookie
copied before that no longer signs anyone in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import flask_login
from flask import current_app, request, session
from sqlalchemy import delete, select

from app.accounts.models import LoginSession, User
from app.database import utcnow
from app.extensions import db, login_manager
from app.security import ip_hash, is_staff

SESSION_HOURS = 12  # a browser session without remember-me
REMEMBER_AT_MOST = timedelta(days=30)
TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most this often


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, remember: bool = False, mfa: bool = False) -> LoginSession:
    """Sign `user` in on this browser with a fresh session (no data carried over)."""
    remember = remember and not is_staff(user)  # remember-me is for leaders only
    now = utcnow()
    # Forget this account's expired sessions while we are here.
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    lifetime = None
    if remember:
        lifetime = min(current_app.config["REMEMBER_COOKIE_DURATION"], REMEMBER_AT_MOST)
    login_session = LoginSession(
        user=user,
        token_hash=_token_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + (lifetime or timedelta(hours=SESSION_HOURS)),
        remember=remember,
        mfa_verified_at=now if mfa else None,
        ip_hash=ip_hash("session"),
        user_agent=(request.user_agent.string or "")[:200],
    )
    db.session.add(login_session)
    user.last_login_at = now
    db.session.flush()
    session.clear()  # renew: nothing from before sign-in survives
    user._session_token = token
    user.login_session = login_session
    flask_login.login_user(user, remember=remember, duration=lifetime)
    return login_session


def current_flags() -> dict:
    """What `renew_session` carries over from this browser's session: read it before a
    change that ends sessions."""
    current = getattr(flask_login.current_user, "login_session", None)
    return {
        "session_id": current.id if current is not None else None,
        "remember": bool(current is not None and current.remember),
        "mfa": bool(current is not None and current.mfa_verified_at is not None),
    }


def renew_session(user: User, *, session_id: int | None, remember: bool, mfa: bool) -> LoginSession:
    """Replace this browser's session with a fresh one (after a password change, or when
    two-factor completes), so a cookie copied before no longer works."""
    if session_id is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.id == session_id))
    return start_session(user, remember=remember, mfa=mfa)


def end_session() -> None:
    """Sign out this browser and delete its server-side session."""
    login_session = getattr(flask_login.current_user, "login_session", None)
    if login_session is not None:
        db.session.delete(login_session)
    flask_login.logout_user()
    session.clear()


def end_other_sessions(user: User, keep: LoginSession | None = None) -> int:
    """Delete every session of `user` but `keep` (after a password or email change)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    return db.session.execute(query).rowcount or 0


def mark_mfa_verified(login_session: LoginSession) -> None:
    login_session.mfa_verified_at = utcnow()


@login_manager.user_loader
def load_user(token: str) -> User | None:
    login_session = db.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    )
    if login_session is None:
        return None
    now = utcnow()
    user = db.session.get(User, login_session.user_id)
    if user is None or not user.is_active or login_session.expires_at <= now:
        return None
    idle = timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
    if is_staff(user) and now - login_session.last_seen_at > idle:
        db.session.delete(login_session)
        db.session.commit()
        return None
    if now - login_session.last_seen_at > TOUCH_EVERY:
        login_session.last_seen_at = now
        db.session.commit()
    user._session_token = token
    user.login_session = login_session
    return user
