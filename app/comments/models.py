"""Comments and their moderation history.

A comment belongs to exactly one story, prayer request or project (three nullable foreign keys
and a check constraint, so the database keeps the links honest). Threads are two levels deep:
`parent_id` always names a top-level comment. The commenter's email is stored for moderation
and reply notifications and is never rendered on a public page.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.content.models import PrayerRequest, Project, Story
from app.database import utcnow
from app.extensions import db
from app.workflow import Workflow


class CommentStatus(enum.StrEnum):
    PENDING = "pending"  # held for a moderator
    APPROVED = "approved"  # shown on the page
    SPAM = "spam"  # kept for the record, never shown
    TRASH = "trash"  # removed by a moderator, restorable


MODERATION = Workflow(
    "comment moderation",
    {
        CommentStatus.PENDING: frozenset(
            {CommentStatus.APPROVED, CommentStatus.SPAM, CommentStatus.TRASH}
        ),
        CommentStatus.APPROVED: frozenset(
            {CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.TRASH}
        ),
        # Leaving spam or trash is a restore, back to where the comment was before.
        CommentStatus.SPAM: frozenset(
            {CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.TRASH}
        ),
        CommentStatus.TRASH: frozenset(
            {CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.SPAM}
        ),
    },
)


class CommentTarget(enum.StrEnum):
    STORY = "story"
    PRAYER = "prayer"
    PROJECT = "project"


# What each kind of target is: its model, the comment column naming it, its public page.
TARGETS: dict[CommentTarget, tuple[type, str, str]] = {
    CommentTarget.STORY: (Story, "story_id", "content.story"),
    CommentTarget.PRAYER: (PrayerRequest, "prayer_request_id", "content.prayer_request"),
    CommentTarget.PROJECT: (Project, "project_id", "content.project"),
}


def target_of_model(item: Any) -> CommentTarget:
    for target, (model, _column, _endpoint) in TARGETS.items():
        if isinstance(item, model):
            return target
    raise TypeError(f"comments cannot attach to {type(item).__name__}")


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN story_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN prayer_request_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN project_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        # A page's thread: its approved comments, oldest first.
        Index("ix_comments_story_thread", "story_id", "status", "created_at"),
        Index("ix_comments_prayer_thread", "prayer_request_id", "status", "created_at"),
        Index("ix_comments_project_thread", "project_id", "status", "created_at"),
        # The moderation queue's tabs, newest first.
        Index("ix_comments_queue", "status", "created_at"),
        # "An author whose email already has an approved comment".
        Index("ix_comments_known_author", "author_email", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    prayer_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("prayer_requests.id", ondelete="CASCADE")
    )
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )

    author_name: Mapped[str] = mapped_column(String(80), nullable=False)
    # Lower-cased; shown to moderators only, used for the known-author rule and notifications.
    author_email: Mapped[str] = mapped_column(String(254), nullable=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    by_staff: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    locale: Mapped[str] = mapped_column(String(5), default="en", nullable=False)

    body: Mapped[str] = mapped_column(Text, nullable=False)  # as written
    body_html: Mapped[str] = mapped_column(Text, nullable=False)  # cleaned on write
    # SHA-256 of the normalized body: refuses the same comment posted twice.
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False, index=True)

    status: Mapped[CommentStatus] = mapped_column(
        Enum(CommentStatus, native_enum=False, length=20),
        default=CommentStatus.PENDING,
        nullable=False,
    )
    # Where "restore" takes a comment that is in spam or trash.
    restore_status: Mapped[CommentStatus | None] = mapped_column(
        Enum(CommentStatus, native_enum=False, length=20)
    )
    # Which moderation rule decided the first status, and its detail (the word, the links).
    moderation_rule: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    moderation_detail: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    notify_replies: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Set once the thread's subscribers have been told about this (approved) reply.
    reply_notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Keyed hash of the client's address; cleared after 30 days by `flask comments purge`.
    ip_hash: Mapped[str | None] = mapped_column(String(64))

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    story: Mapped[Story | None] = relationship(lazy="raise")
    prayer_request: Mapped[PrayerRequest | None] = relationship(lazy="raise")
    project: Mapped[Project | None] = relationship(lazy="raise")
    parent: Mapped[Comment | None] = relationship(remote_side=[id], lazy="raise")
    events: Mapped[list[CommentEvent]] = relationship(
        back_populates="comment",
        cascade="all, delete-orphan",
        order_by="CommentEvent.id",
        lazy="raise",
    )

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.status}>"

    @property
    def target_kind(self) -> CommentTarget:
        for target, (_model, column, _endpoint) in TARGETS.items():
            if getattr(self, column) is not None:
                return target
        raise ValueError("comment without a target")

    @property
    def target_id(self) -> int:
        return getattr(self, TARGETS[self.target_kind][1])

    @property
    def target(self) -> Any:
        """The story, prayer request or project (load it with the comment to avoid a query)."""
        return {
            CommentTarget.STORY: lambda: self.story,
            CommentTarget.PRAYER: lambda: self.prayer_request,
            CommentTarget.PROJECT: lambda: self.project,
        }[self.target_kind]()

    @property
    def thread_id(self) -> int:
        """The top-level comment of this comment's thread."""
        return self.parent_id or self.id


class CommentEvent(db.Model):
    """One line of a comment's history: who did what, when, from which state to which."""

    __tablename__ = "comment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The actor's name at the time ("" for the moderation rules themselves).
    actor_label: Mapped[str] = mapped_column(String(254), default="", nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # posted, moved, edited
    from_status: Mapped[CommentStatus | None] = mapped_column(
        Enum(CommentStatus, native_enum=False, length=20)
    )
    to_status: Mapped[CommentStatus] = mapped_column(
        Enum(CommentStatus, native_enum=False, length=20), nullable=False
    )
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)

    comment: Mapped[Comment] = relationship(back_populates="events")

    def __repr__(self) -> str:
        return f"<CommentEvent {self.comment_id} {self.from_status} -> {self.to_status}>"
