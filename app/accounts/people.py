"""People: staff invitations, roles, disabling accounts, resetting two-factor.

Used by the admin pages under /staff/people and by `flask users`. Nothing here may leave the
site without an active admin (an admin who is not disabled and has accepted the invitation).
Every change is a security event in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import tokens, twofactor
from app.accounts.mail import notify
from app.accounts.models import User, UserRole
from app.accounts.services import create_user, find_by_email, set_password, unusable_hash
from app.accounts.sessions import end_other_sessions
from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.security import STAFF_ROLES, Role
from app.urls import external_url


class LastAdmin(Exception):
    """The change would leave no active admin."""


class AlreadyExists(Exception):
    """An account with that email exists."""


class NotYourself(Exception):
    """An admin may not disable their own account (another admin can)."""


def _is_active_admin(user: User) -> bool:
    return Role.ADMIN in user.role_names and user.is_active and not user.invite_pending


def active_admin_ids(*, lock: bool = False) -> set[int]:
    """Ids of active admins. `lock` holds their role rows until commit (PostgreSQL), so two
    admins demoting each other at the same moment cannot both succeed."""
    query = select(UserRole.user_id).where(UserRole.role == Role.ADMIN.value)
    if lock:
        query = query.with_for_update()
    candidate_ids = set(db.session.scalars(query))
    if not candidate_ids:
        return set()
    users = db.session.scalars(select(User).where(User.id.in_(candidate_ids)))
    return {user.id for user in users if _is_active_admin(user)}


def _guard_last_admin(user: User) -> None:
    """Raise LastAdmin if `user` is the only active admin."""
    if user.id in (admins := active_admin_ids(lock=True)) and len(admins) == 1:
        raise LastAdmin()


def set_roles(user: User, roles: Iterable[Role], *, actor: User | None, note: str = "") -> bool:
    """Give `user` exactly `roles`. Returns whether anything changed."""
    new = frozenset(Role(r) for r in roles)
    old = user.role_names
    if new == old:
        return False
    if Role.ADMIN in old and Role.ADMIN not in new:
        _guard_last_admin(user)
    for role in old - new:
        user.remove_role(role)
    for role in new - old:
        user.add_role(role)
    if not old & STAFF_ROLES and new & STAFF_ROLES:
        # Becoming staff: sessions opened without two-factor (and remember-me cookies) end,
        # so the staff area is first reached by signing in with the password again.
        end_other_sessions(user)
    db.session.flush()
    record(
        "users.roles_changed",
        user,
        actor=actor,
        note=note,
        security=True,
        old=sorted(r.value for r in old),
        new=sorted(r.value for r in new),
    )
    return True


def set_staff_roles(user: User, staff_roles: Iterable[Role], *, actor: User) -> bool:
    """From the People page: change staff roles only; a leader stays a leader."""
    kept = user.role_names - STAFF_ROLES
    return set_roles(user, kept | {Role(r) for r in staff_roles}, actor=actor)


def disable(user: User, *, actor: User | None, note: str = "") -> None:
    """Lock the account: no sign-in, every session ends now."""
    if user.disabled_at is not None:
        return
    if actor is not None and actor.id == user.id:
        raise NotYourself()
    _guard_last_admin(user)
    user.disabled_at = utcnow()
    end_other_sessions(user)
    record("users.disable", user, actor=actor, note=note, security=True)


def enable(user: User, *, actor: User | None, note: str = "") -> None:
    if user.disabled_at is None:
        return
    user.disabled_at = None
    record("users.enable", user, actor=actor, note=note, security=True)


def reset_two_factor(user: User, *, actor: User | None, note: str = "") -> None:
    """For a lost phone: two-factor is removed and the person enrolls again at next sign-in."""
    twofactor.disable(user, actor=actor or user, reason="reset by an admin")
    end_other_sessions(user)
    record("users.two_factor_reset", user, actor=actor, note=note, security=True)


# --- invitations ------------------------------------------------------------------------------


def invite(email: str, *, name: str, roles: Iterable[Role], locale: str, actor: User) -> User:
    """Create a staff account without a password and email the invitation link."""
    if find_by_email(email) is not None:
        raise AlreadyExists()
    staff_roles = tuple(sorted({Role(r) for r in roles} & STAFF_ROLES))
    user = create_user(email, None, name=name, roles=staff_roles, locale=locale)
    user.invited_at = utcnow()
    user.invited_by_id = actor.id
    record(
        "users.invite",
        user,
        actor=actor,
        security=True,
        roles=sorted(r.value for r in staff_roles),
    )
    _send_invitation(user, actor)
    return user


def resend_invitation(user: User, *, actor: User) -> None:
    """A new link; earlier links stop working (the unusable password hash changes)."""
    user.password_hash = unusable_hash()
    user.invited_at = utcnow()
    record("users.invite_resent", user, actor=actor, security=True)
    _send_invitation(user, actor)


def _send_invitation(user: User, actor: User) -> None:
    db.session.flush()
    token = tokens.make(tokens.STAFF_INVITE, user)
    notify(
        user,
        "staff_invite",
        _l("You are invited to the North Korean Newcomers staff area"),
        invite_url=external_url("accounts.accept_invite", token=token),
        inviter=actor.display_name,
        roles=sorted(r.value for r in user.role_names),
        days=tokens.MAX_AGE[tokens.STAFF_INVITE].days,
    )


def read_invitation(token: str) -> User:
    user, _payload = tokens.read(tokens.STAFF_INVITE, token)
    if not user.invite_pending:
        raise tokens.TokenInvalid()
    return user


def accept_invitation(token: str, *, name: str, password: str) -> User:
    """The invitee chooses a password (once); two-factor enrollment follows at sign-in."""
    user = read_invitation(token)
    now = utcnow()
    user.name = name.strip() or user.name
    user.invite_accepted_at = now
    user.email_confirmed_at = now
    set_password(user, password, actor=user, reason="invitation accepted", tell=False)
    record("users.invite_accepted", user, actor=user, security=True)
    return user


def staff_count() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(UserRole.user_id))).where(
            UserRole.role.in_([r.value for r in STAFF_ROLES])
        )
    )
