"""Account factories: staff with two-factor, leaders in any state."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from app.accounts.models import LeaderStatus, User
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.factories import make_leader, make_user


def make_staff(*roles: Role, totp: bool = True, **fields) -> User:
    """A staff member (roles default to admin) with two-factor enrolled unless totp=False."""
    user = make_user(*(roles or (Role.ADMIN,)), **fields)
    user.email_confirmed_at = utcnow()
    if totp:
        user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return user


def make_leader_in(status: LeaderStatus, *, expired: bool = False, **fields) -> User:
    """A leader in `status`; `expired=True` makes a verified leader whose year is over."""
    locale = fields.pop("locale", "en")
    user = make_leader(status, **fields)
    user.locale = locale
    if status != LeaderStatus.UNCONFIRMED:
        user.email_confirmed_at = utcnow()
    if expired:
        user.leader_profile.verified_at = utcnow() - timedelta(days=400)
        user.leader_profile.verification_expires_at = utcnow() - timedelta(days=35)
    db.session.commit()
    return user
