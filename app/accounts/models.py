"""Accounts: people who sign in (ministry leaders and staff), their roles and login sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import TimestampMixin, utcnow
from app.extensions import db
from app.i18n import register_labels
from app.security import Role

register_labels(
    {
        Role.LEADER: _l("Ministry leader"),
        Role.ADMIN: _l("Admin"),
        Role.EDITOR: _l("Editor"),
        Role.MODERATOR: _l("Moderator"),
        Role.REVIEWER: _l("Reviewer"),
    }
)


class User(TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Staff invited by an admin: the account exists, with no usable password, until the
    # invitee follows the link and chooses one.
    invited_at: Mapped[datetime | None] = mapped_column(DateTime)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invite_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Created by `flask demo load`; only these accept `flask demo totp`.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Two-factor (TOTP): the base32 secret once enrolled, and the last time step used, so a
    # code can never be accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    leader_profile: Mapped[LeaderProfile | None] = relationship(
        back_populates="user",
        foreign_keys="LeaderProfile.user_id",
        uselist=False,
        lazy="selectin",
        cascade="all, delete-orphan",
    )
    login_sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="raise_on_sql"
    )

    # Set by the user loader: the server-side session (LoginSession) of this request.
    login_session = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login protocol. The id in the cookie is the login session's token, not the user
    # id, so that ending the session server-side makes every copy of the cookie worthless.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return getattr(self, "_session_token", None)

    @property
    def role_names(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)

    def add_role(self, role: Role | str) -> None:
        if Role(role) not in self.role_names:
            self.roles.append(UserRole(role=Role(role).value))

    def remove_role(self, role: Role | str) -> None:
        self.roles = [r for r in self.roles if r.role != Role(role).value]

    @property
    def is_verified_leader(self) -> bool:
        """A leader whose ministry staff have verified (and whose verification is current)."""
        return (
            Role.LEADER in self.role_names
            and self.leader_profile is not None
            and self.leader_profile.is_verified
        )

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def invite_pending(self) -> bool:
        return self.invited_at is not None and self.invite_accepted_at is None

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False, index=True)

    user: Mapped[User] = relationship(back_populates="roles")


class LoginSession(db.Model):
    """One signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    remember: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    mfa_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    user_agent: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    user: Mapped[User] = relationship(back_populates="login_sessions")


class RecoveryCode(db.Model):
    """A one-time two-factor recovery code; only its SHA-256 is stored (the code is random)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class OrganizationType(enum.StrEnum):
    CHURCH = "church"  # a church's NK congregation
    MISSION = "mission"  # a mission agency that appointed them to serve NKs
    NGO = "ngo"  # a Christian NGO
    OTHER = "other"


class LeaderStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # email not yet confirmed
    PENDING_REVIEW = "pending_review"  # waiting for a reviewer
    INFO_REQUESTED = "info_requested"  # the reviewer asked for more information
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


register_labels(
    {
        LeaderStatus.UNCONFIRMED: _l("Email not confirmed"),
        LeaderStatus.PENDING_REVIEW: _l("Awaiting review"),
        LeaderStatus.INFO_REQUESTED: _l("Information requested"),
        LeaderStatus.VERIFIED: _lp("leader", "Verified"),
        LeaderStatus.REJECTED: _l("Not approved"),
        LeaderStatus.SUSPENDED: _l("Suspended"),
    }
)


class LeaderProfile(TimestampMixin, db.Model):
    """What a ministry leader tells us about their existing NK discipleship ministry."""

    __tablename__ = "leader_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    organization: Mapped[str] = mapped_column(String(200), nullable=False)
    organization_type: Mapped[OrganizationType] = mapped_column(
        Enum(OrganizationType, native_enum=False, length=20), nullable=False
    )
    # What kind of organization, when the type is "other".
    organization_type_other: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    position: Mapped[str] = mapped_column(String(120), nullable=False)
    country: Mapped[str] = mapped_column(String(80), nullable=False)
    city: Mapped[str] = mapped_column(String(120), nullable=False)
    reference: Mapped[str] = mapped_column(Text, nullable=False)
    ministry_description: Mapped[str] = mapped_column(Text, nullable=False)
    nk_count: Mapped[int] = mapped_column(Integer, nullable=False)  # NKs discipled now
    ministry_since: Mapped[str] = mapped_column(String(40), nullable=False)
    meeting_frequency: Mapped[str] = mapped_column(String(120), nullable=False)

    status: Mapped[LeaderStatus] = mapped_column(
        Enum(LeaderStatus, native_enum=False, length=20),
        default=LeaderStatus.UNCONFIRMED,
        nullable=False,
        index=True,
    )
    status_note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verification_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The leader agreed to the ministry's stipulations for free Bibles (seed, points 1-4).
    stipulations_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Recertification reminders already sent for the current verification period.
    recertify_reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    expiry_notified_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], back_populates="leader_profile")
    events: Mapped[list[LeaderEvent]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="LeaderEvent.id",
        lazy="raise_on_sql",
    )

    @property
    def is_verified(self) -> bool:
        """Verified by staff, and the verification has not expired (then: recertify)."""
        return self.status == LeaderStatus.VERIFIED and (
            self.verification_expires_at is None or self.verification_expires_at > utcnow()
        )

    @property
    def is_expired(self) -> bool:
        """Verified once, but the verification period is over: the leader must recertify."""
        return (
            self.status == LeaderStatus.VERIFIED
            and self.verification_expires_at is not None
            and self.verification_expires_at <= utcnow()
        )


class LeaderEvent(db.Model):
    """One step of a leader's verification: who moved it, when, from and to which state, why."""

    __tablename__ = "leader_events"
    __table_args__ = (Index("ix_leader_events_profile_created", "profile_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("leader_profiles.id", ondelete="CASCADE"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[LeaderStatus | None] = mapped_column(
        Enum(LeaderStatus, native_enum=False, length=20)
    )
    to_status: Mapped[LeaderStatus] = mapped_column(
        Enum(LeaderStatus, native_enum=False, length=20), nullable=False
    )
    # What the leader is told (reason, question, answer); and what only staff see.
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    internal_note: Mapped[str] = mapped_column(Text, default="", nullable=False)

    profile: Mapped[LeaderProfile] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
