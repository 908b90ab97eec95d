"""The outbox: a message is a row written in the same transaction as the change behind it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import db
from app.i18n import register_labels


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting, or waiting for a retry at next_attempt_at
    HELD = "held"  # part of a paused send: waits until staff resume it
    SENDING = "sending"  # claimed by a worker until locked_until (its lease)
    SENT = "sent"
    FAILED = "failed"  # gave up after MAIL_MAX_ATTEMPTS, or refused permanently
    CANCELLED = "cancelled"  # e.g. the address was suppressed or unsubscribed before delivery


register_labels(
    {
        OutboxStatus.QUEUED: _l("queued"),
        OutboxStatus.HELD: _l("paused"),
        OutboxStatus.SENDING: _l("sending"),
        OutboxStatus.SENT: _l("sent"),
        OutboxStatus.FAILED: _l("failed"),
        OutboxStatus.CANCELLED: _l("cancelled"),
    }
)


class MailCategory(enum.StrEnum):
    TRANSACTIONAL = "transactional"  # confirmations, resets, workflow steps: no unsubscribe
    BULK = "bulk"  # prayer updates: List-Unsubscribe and List-Unsubscribe-Post


class OutboxBody(db.Model):
    """A body shared by many messages (one prayer update in one language).

    It holds markers such as ``⟦unsubscribe_url⟧`` that each message's `variables` fill in
    when it is delivered, so queueing an update for 10,000 people stores the body once.
    Rows are never changed after they are written.
    """

    __tablename__ = "outbox_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, default="", nullable=False)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_batch_status", "batch", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    category: Mapped[MailCategory] = mapped_column(
        Enum(MailCategory, native_enum=False, length=20), nullable=False
    )
    template: Mapped[str] = mapped_column(String(80), nullable=False)
    to_address: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    to_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    subject: Mapped[str] = mapped_column(String(250), nullable=False)
    # The message's own bodies, or empty when it uses a shared `body` with `variables`.
    body_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_html: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_bodies.id", ondelete="RESTRICT"), index=True
    )
    variables: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, nullable=False)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    message_id: Mapped[str] = mapped_column(String(250), unique=True, nullable=False)
    # Stops the same logical email being queued twice (reminders, per-recipient updates).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Groups the messages of one send (e.g. "update:12") for its progress and pause/resume.
    batch: Mapped[str | None] = mapped_column(String(40))

    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=20),
        default=OutboxStatus.QUEUED,
        nullable=False,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="", nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} -> {self.to_address} {self.status}>"


class SuppressionReason(enum.StrEnum):
    HARD_BOUNCE = "hard_bounce"  # the address does not exist or refuses mail for good
    COMPLAINT = "complaint"  # the person marked our mail as spam
    MANUAL = "manual"  # staff: the person asked never to be emailed


register_labels(
    {
        SuppressionReason.HARD_BOUNCE: _l("hard bounce"),
        SuppressionReason.COMPLAINT: _l("complaint"),
        SuppressionReason.MANUAL: _l("asked not to be emailed"),
    }
)


class SuppressedAddress(db.Model):
    """An address that is never mailed again, whatever asks for it."""

    __tablename__ = "suppressed_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    reason: Mapped[SuppressionReason] = mapped_column(
        Enum(SuppressionReason, native_enum=False, length=20), nullable=False
    )
    note: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<SuppressedAddress {self.email} {self.reason}>"
