"""Signing in: password check with even timing, and the two-factor step for staff."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.audit import record
from app.extensions import db
from app.security import Role, is_staff


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Unknown emails take as long as wrong passwords."""
    user = find_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        record("auth.login_failed", user, actor=user, email_known=user is not None)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def needs_two_factor(user: User) -> bool:
    return is_staff(user) or user.totp_enabled


def create_user(email: str, password: str, *, name: str = "", roles: tuple[Role, ...] = ()) -> User:
    user = User(email=normalize_email(email), name=name, password_hash=hash_password(password))
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    db.session.flush()
    return user
