"""Subscribers to prayer-update email, their consent records, and the updates staff send."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.content.models import Bilingual, PrayerRequest, Story
from app.database import TimestampMixin, utcnow
from app.extensions import db
from app.i18n import register_labels
from app.workflow import Workflow


class Topic(enum.StrEnum):
    PRAYER = "prayer"  # prayer updates
    STORIES = "stories"  # new stories


TOPIC_LABELS = {Topic.PRAYER: _l("Prayer updates"), Topic.STORIES: _l("New stories")}
LANGUAGE_LABELS = {"ko": "한국어", "en": "English"}


class SubscriberStatus(enum.StrEnum):
    PENDING = "pending"  # asked, has not confirmed by email: nothing is sent to them
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


SUBSCRIBER_FLOW = Workflow(
    "subscriber",
    {
        SubscriberStatus.PENDING: frozenset(
            {SubscriberStatus.CONFIRMED, SubscriberStatus.UNSUBSCRIBED}
        ),
        SubscriberStatus.CONFIRMED: frozenset({SubscriberStatus.UNSUBSCRIBED}),
        SubscriberStatus.UNSUBSCRIBED: frozenset({SubscriberStatus.CONFIRMED}),
    },
)


class Subscriber(TimestampMixin, db.Model):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    language: Mapped[str] = mapped_column(String(5), default="en", nullable=False)
    status: Mapped[SubscriberStatus] = mapped_column(
        Enum(SubscriberStatus, native_enum=False, length=20),
        default=SubscriberStatus.PENDING,
        nullable=False,
        index=True,
    )
    # Random and opaque: the links in every email carry it (signed), never the id.
    token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The last confirmation or notice emailed: at most one an hour per address.
    last_notice_at: Mapped[datetime | None] = mapped_column(DateTime)

    topics: Mapped[list[SubscriberTopic]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", lazy="selectin"
    )
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="subscriber",
        cascade="all, delete-orphan",
        order_by="ConsentRecord.id",
        passive_deletes=True,
    )

    @property
    def topic_set(self) -> frozenset[Topic]:
        return frozenset(Topic(t.topic) for t in self.topics)

    def set_topics(self, topics: set[Topic] | frozenset[Topic]) -> None:
        keep = [t for t in self.topics if t.topic in topics]
        have = {t.topic for t in keep}
        self.topics = keep + [SubscriberTopic(topic=t.value) for t in topics if t not in have]

    def __repr__(self) -> str:
        return f"<Subscriber {self.id} {self.status}>"


class SubscriberTopic(db.Model):
    __tablename__ = "subscriber_topics"

    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)

    subscriber: Mapped[Subscriber] = relationship(back_populates="topics")


class ConsentAction(enum.StrEnum):
    REQUESTED = "requested"  # asked to subscribe (a form, a comment, staff for them)
    CONFIRMED = "confirmed"  # pressed the button behind the emailed link
    CHANGED = "changed"  # changed topics, language or name
    UNSUBSCRIBED = "unsubscribed"


register_labels(
    {
        ConsentAction.REQUESTED: _l("asked to subscribe"),
        ConsentAction.CONFIRMED: _l("confirmed"),
        ConsentAction.CHANGED: _l("changed preferences"),
        ConsentAction.UNSUBSCRIBED: _l("unsubscribed"),
    }
)


class ConsentRecord(db.Model):
    """When and how a person gave (or withdrew) consent; the event row of SUBSCRIBER_FLOW."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    action: Mapped[ConsentAction] = mapped_column(
        Enum(ConsentAction, native_enum=False, length=20), nullable=False
    )
    # Which form or path: "form:footer", "form:story", "comment", "staff", "one-click" ...
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    ip_hash: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    language: Mapped[str] = mapped_column(String(5), default="", nullable=False)
    note: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    subscriber: Mapped[Subscriber] = relationship(back_populates="consents")
    actor = relationship("User", lazy="joined")


# --- prayer updates ---------------------------------------------------------------------------


class UpdateStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # the worker starts it at scheduled_at
    SENDING = "sending"  # queued for every recipient; the outbox delivers
    PAUSED = "paused"  # what was not sent yet waits
    SENT = "sent"  # nothing left to deliver
    CANCELLED = "cancelled"  # stopped while paused; what was sent stays sent


register_labels(
    {
        UpdateStatus.DRAFT: _l("draft"),
        UpdateStatus.SCHEDULED: _l("scheduled"),
        UpdateStatus.SENDING: _l("sending"),
        UpdateStatus.PAUSED: _l("paused"),
        UpdateStatus.SENT: _l("sent"),
        UpdateStatus.CANCELLED: _l("cancelled"),
    }
)


UPDATE_FLOW = Workflow(
    "prayer_update",
    {
        UpdateStatus.DRAFT: frozenset({UpdateStatus.SCHEDULED, UpdateStatus.SENDING}),
        UpdateStatus.SCHEDULED: frozenset({UpdateStatus.DRAFT, UpdateStatus.SENDING}),
        UpdateStatus.SENDING: frozenset({UpdateStatus.PAUSED, UpdateStatus.SENT}),
        UpdateStatus.PAUSED: frozenset({UpdateStatus.SENDING, UpdateStatus.CANCELLED}),
    },
)


class PrayerUpdate(Bilingual, TimestampMixin, db.Model):
    __tablename__ = "prayer_updates"
    __table_args__ = (Index("ix_prayer_updates_status_scheduled", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_en: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    subject_ko: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    intro_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    intro_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    intro_html_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    intro_html_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    status: Mapped[UpdateStatus] = mapped_column(
        Enum(UpdateStatus, native_enum=False, length=20),
        default=UpdateStatus.DRAFT,
        nullable=False,
    )
    is_digest: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    items: Mapped[list[PrayerUpdateItem]] = relationship(
        back_populates="update",
        cascade="all, delete-orphan",
        order_by="PrayerUpdateItem.position",
        lazy="selectin",
    )
    events: Mapped[list[PrayerUpdateEvent]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="PrayerUpdateEvent.id"
    )
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="select")

    @property
    def batch(self) -> str:
        """The outbox batch key of this update's messages."""
        return f"update:{self.id}"

    @property
    def is_public(self) -> bool:
        return self.started_at is not None

    @property
    def prayer_requests(self) -> list[PrayerRequest]:
        return [i.prayer_request for i in self.items if i.prayer_request is not None]

    @property
    def stories(self) -> list[Story]:
        return [i.story for i in self.items if i.story is not None]

    def __repr__(self) -> str:
        return f"<PrayerUpdate {self.id} {self.status}>"


class PrayerUpdateItem(db.Model):
    """A prayer request or a story included in an update, in order."""

    __tablename__ = "prayer_update_items"
    __table_args__ = (
        CheckConstraint(
            "(prayer_request_id IS NULL) <> (story_id IS NULL)", name="exactly_one_item"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("prayer_updates.id", ondelete="CASCADE"), index=True, nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    prayer_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("prayer_requests.id", ondelete="CASCADE"), index=True
    )
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), index=True
    )

    update: Mapped[PrayerUpdate] = relationship(back_populates="items")
    prayer_request: Mapped[PrayerRequest | None] = relationship(lazy="joined")
    story: Mapped[Story | None] = relationship(lazy="joined")


class PrayerUpdateEvent(db.Model):
    """One step of an update's workflow: who, when, from which state to which, why."""

    __tablename__ = "prayer_update_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("prayer_updates.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(20), nullable=False)
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str] = mapped_column(String(300), default="", nullable=False)

    update: Mapped[PrayerUpdate] = relationship(back_populates="events")
    actor = relationship("User", lazy="joined")
