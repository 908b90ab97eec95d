"""Bible requests, their events and verifications, stock, decline texts and defectors' requests.

Nothing here holds a Bible recipient's name or contact details: the ministry does not want
them (seed, stipulation 3). The only personal data are the leader's shipping address and,
for a defector's own request, the few details needed to post one Bible, erased after
shipping.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.database import TimestampMixin, utcnow
from app.extensions import db
from app.i18n import current_language


class RequestState(enum.StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    DECLINED = "declined"
    SHIPPED = "shipped"
    RECEIVED = "received"
    VERIFICATION_SUBMITTED = "verification_submitted"
    VERIFIED = "verified"
    VERIFICATION_RETURNED = "verification_returned"
    CANCELLED = "cancelled"


# A request in any of these blocks a new one (one request at a time, until it is verified).
OPEN_STATES = frozenset(RequestState) - {
    RequestState.VERIFIED,
    RequestState.DECLINED,
    RequestState.CANCELLED,
}
# The Bibles are with the leader and proof is still owed.
AWAITING_PROOF = frozenset({RequestState.RECEIVED, RequestState.VERIFICATION_RETURNED})
BEFORE_SHIPPING = frozenset(
    {RequestState.SUBMITTED, RequestState.CHANGES_REQUESTED, RequestState.APPROVED}
)

_STATE = Enum(RequestState, native_enum=False, length=30)


class BibleRequest(TimestampMixin, db.Model):
    """One leader's request for NK Bibles, from submission to verified distribution."""

    __tablename__ = "bible_requests"
    __table_args__ = (
        Index("ix_bible_requests_leader_state", "leader_id", "state"),
        Index("ix_bible_requests_state_due", "state", "verification_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    state: Mapped[RequestState] = mapped_column(
        _STATE, default=RequestState.SUBMITTED, nullable=False, index=True
    )
    # The organization's name when the request was made, for reports that outlive profile edits.
    organization: Mapped[str] = mapped_column(String(200), nullable=False)

    quantity_requested: Mapped[int] = mapped_column(Integer, nullable=False)
    quantity_approved: Mapped[int | None] = mapped_column(Integer)
    nk_in_discipleship: Mapped[int] = mapped_column(Integer, nullable=False)
    plan: Mapped[str] = mapped_column(Text, nullable=False)
    handout_date: Mapped[date] = mapped_column(Date, nullable=False)
    # The ministry's own shipping address (never a recipient's).
    ship_to: Mapped[str] = mapped_column(String(120), nullable=False)
    ship_address: Mapped[str] = mapped_column(Text, nullable=False)
    ship_postal_code: Mapped[str] = mapped_column(String(20), nullable=False)
    ship_country: Mapped[str] = mapped_column(String(80), nullable=False)
    ship_phone: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    commitments: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)

    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    ship_date: Mapped[date | None] = mapped_column(Date)
    carrier: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    tracking_number: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_assumed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    verification_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    bibles_given: Mapped[int | None] = mapped_column(Integer)  # from the accepted proof

    decline_template_id: Mapped[int | None] = mapped_column(
        ForeignKey("bible_decline_templates.id", ondelete="SET NULL")
    )
    decline_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # The last note a reviewer wrote to the leader (changes asked, proof returned, ...).
    reviewer_note: Mapped[str] = mapped_column(Text, default="", nullable=False)

    leader: Mapped[User] = relationship(foreign_keys=[leader_id], lazy="joined")
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="RequestEvent.id",
        lazy="select",
    )
    verifications: Mapped[list[Verification]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="Verification.id",
        lazy="select",
    )

    def __repr__(self) -> str:
        return f"<BibleRequest {self.id} {self.state}>"

    @property
    def quantity(self) -> int:
        """What was (or will be) sent: the approved number once approved."""
        return self.quantity_approved or self.quantity_requested

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return (
            self.state in AWAITING_PROOF
            and self.verification_due_at is not None
            and self.verification_due_at < utcnow()
        )

    @property
    def days_overdue(self) -> int:
        if not self.is_overdue or self.verification_due_at is None:
            return 0
        return (utcnow() - self.verification_due_at) // timedelta(days=1)


class RequestEvent(db.Model):
    """One step of a request's workflow: who moved it, when, from where to where, and why."""

    __tablename__ = "bible_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("bible_requests.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254), default="", nullable=False)
    from_state: Mapped[RequestState | None] = mapped_column(_STATE)
    to_state: Mapped[RequestState] = mapped_column(_STATE, nullable=False)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)

    request: Mapped[BibleRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class VerificationOutcome(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Verification(db.Model):
    """The leader's proof that every Bible was given out. Stays after its photos are purged."""

    __tablename__ = "bible_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("bible_requests.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    bibles_given: Mapped[int] = mapped_column(Integer, nullable=False)
    explanation: Mapped[str] = mapped_column(Text, default="", nullable=False)
    given_from: Mapped[date] = mapped_column(Date, nullable=False)
    given_until: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    photo_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    photos_purged_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[VerificationOutcome] = mapped_column(
        Enum(VerificationOutcome, native_enum=False, length=20),
        default=VerificationOutcome.PENDING,
        nullable=False,
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_note: Mapped[str] = mapped_column(Text, default="", nullable=False)

    request: Mapped[BibleRequest] = relationship(back_populates="verifications")
    photos: Mapped[list[VerificationPhoto]] = relationship(
        back_populates="verification",
        cascade="all, delete-orphan",
        order_by="VerificationPhoto.id",
        lazy="selectin",
    )


class VerificationPhoto(db.Model):
    """A stored, metadata-free photo under UPLOAD_FOLDER/private (never in static/)."""

    __tablename__ = "bible_verification_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(
        ForeignKey("bible_verifications.id", ondelete="CASCADE"), index=True, nullable=False
    )
    # Kept beside the verification so the owner check needs one lookup.
    request_id: Mapped[int] = mapped_column(
        ForeignKey("bible_requests.id", ondelete="CASCADE"), index=True, nullable=False
    )
    file_name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    verification: Mapped[Verification] = relationship(back_populates="photos")


class StockKind(enum.StrEnum):
    RECEIVED = "received"  # Bibles arrived at the ministry's store
    ADJUSTMENT = "adjustment"  # a count correction (plus or minus)
    RESERVED = "reserved"  # held for an approved request
    RELEASED = "released"  # a reservation given back (request cancelled after approval)
    DEDUCTED = "deducted"  # sent out (the reservation, if any, is used up)


class StockMovement(db.Model):
    """The inventory ledger. On hand = SUM(on_hand_change); reserved = SUM(reserved_change)."""

    __tablename__ = "bible_stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, nullable=False, index=True
    )
    kind: Mapped[StockKind] = mapped_column(
        Enum(StockKind, native_enum=False, length=20), nullable=False
    )
    on_hand_change: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    reserved_change: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("bible_requests.id", ondelete="SET NULL"), index=True
    )
    defector_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("defector_bible_requests.id", ondelete="SET NULL")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="", nullable=False)

    actor: Mapped[User | None] = relationship(lazy="joined")


class DeclineTemplate(TimestampMixin, db.Model):
    """A reason for declining, written once in the ministry's reasoning and edited by staff."""

    __tablename__ = "bible_decline_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    title_en: Mapped[str] = mapped_column(String(120), nullable=False)
    title_ko: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    body_en: Mapped[str] = mapped_column(Text, nullable=False)
    body_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    suggest_purchase: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def title(self, language: str | None = None) -> str:
        language = language or current_language()
        return (self.title_ko if language == "ko" else self.title_en) or self.title_en

    def body(self, language: str | None = None) -> str:
        language = language or current_language()
        return (self.body_ko if language == "ko" else self.body_en) or self.body_en


class DefectorRequestState(enum.StrEnum):
    NEW = "new"
    SHIPPED = "shipped"
    CLOSED = "closed"  # not sent (a duplicate, spam, or we could not send it)


class DefectorRequest(db.Model):
    """A North Korean defector asking for a Bible for themselves. Minimal, and erased later."""

    __tablename__ = "defector_bible_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, nullable=False, index=True
    )
    state: Mapped[DefectorRequestState] = mapped_column(
        Enum(DefectorRequestState, native_enum=False, length=20),
        default=DefectorRequestState.NEW,
        nullable=False,
        index=True,
    )
    locale: Mapped[str] = mapped_column(String(5), default="ko", nullable=False)
    country: Mapped[str] = mapped_column(String(80), nullable=False)
    # Erased (set to "") `defector_data_days` after shipping or closing:
    name: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    postal_address: Mapped[str] = mapped_column(Text, default="", nullable=False)
    contact: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    staff_note: Mapped[str] = mapped_column(Text, default="", nullable=False)

    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None
