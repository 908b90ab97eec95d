"""Projects, stories, prayer requests and the images shown with them.

Every text has an English and a Korean version; `t("title")` gives the visitor's language
and falls back to the other. Markdown sources are stored beside their cleaned HTML, which
`app.sanitize` produces on write (see `services.set_body`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import TimestampMixin, utcnow
from app.extensions import db
from app.i18n import current_language, other_language


class PublicationStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"  # visible once published_at has come (a future date schedules it)


class Bilingual:
    """Fields named `<name>_en` / `<name>_ko`, read in the visitor's language."""

    def t(self, name: str, language: str | None = None) -> Any:
        return self.t_with_lang(name, language)[0]

    def t_with_lang(self, name: str, language: str | None = None) -> tuple[Any, str]:
        """The value and the language it is actually in (for a `lang` attribute)."""
        language = language or current_language()
        value = getattr(self, f"{name}_{language}", None)
        if value:
            return value, language
        fallback = other_language(language)
        return getattr(self, f"{name}_{fallback}", None) or "", fallback


class Publishable(Bilingual, TimestampMixin):
    slug: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    title_en: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    title_ko: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    summary_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    summary_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_html_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_html_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    status: Mapped[PublicationStatus] = mapped_column(
        Enum(PublicationStatus, native_enum=False, length=20),
        default=PublicationStatus.DRAFT,
        nullable=False,
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    comments_open: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # Approved comments, kept in step by the comments' moderation service (lists show it
    # without counting rows).
    comment_count: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", nullable=False
    )

    @property
    def is_public(self) -> bool:
        return (
            self.status == PublicationStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= utcnow()
        )


class MediaImage(Bilingual, db.Model):
    """A public image (story photos), stored by `app.images` in several widths."""

    __tablename__ = "media_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    files: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg", nullable=False)
    alt_en: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    alt_ko: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    caption_en: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    caption_ko: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def sizes(self) -> list[tuple[int, str]]:
        """(width, file name) pairs, narrowest first. JSON keys are strings."""
        return sorted((int(w), name) for w, name in self.files.items())


class Project(Publishable, db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by = relationship("User", lazy="select")

    def __repr__(self) -> str:
        return f"<Project {self.slug}>"


class Story(Publishable, db.Model):
    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_public", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    hero_image_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_images.id", ondelete="SET NULL")
    )
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    project: Mapped[Project | None] = relationship(lazy="joined")
    hero_image: Mapped[MediaImage | None] = relationship(lazy="joined")
    updated_by = relationship("User", lazy="select")

    def __repr__(self) -> str:
        return f"<Story {self.slug}>"


class PrayerRequest(Publishable, db.Model):
    __tablename__ = "prayer_requests"
    __table_args__ = (Index("ix_prayer_requests_public", "status", "answered_at", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    # Active while answered_at is empty; answered requests show their answer note.
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answer_note_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    answer_note_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    answer_note_html_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    answer_note_html_ko: Mapped[str] = mapped_column(Text, default="", nullable=False)
    prayed_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    project: Mapped[Project | None] = relationship(lazy="joined")
    updated_by = relationship("User", lazy="select")

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def prayer_status(self) -> str:
        return "answered" if self.is_answered else "active"

    def __repr__(self) -> str:
        return f"<PrayerRequest {self.slug}>"


class PrayedMark(db.Model):
    """One visitor's "I prayed" for one request on one day; the visitor is a keyed hash."""

    __tablename__ = "prayed_marks"
    __table_args__ = (UniqueConstraint("prayer_request_id", "day", "visitor_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prayer_request_id: Mapped[int] = mapped_column(
        ForeignKey("prayer_requests.id", ondelete="CASCADE"), nullable=False
    )
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    visitor_hash: Mapped[str] = mapped_column(String(64), nullable=False)


class SlugRedirect(db.Model):
    """An address an item had before its slug was changed; the public page sends it (301) on.

    `kind` is the item's table name. Kept only for items that had been public, since nobody
    can hold a link to a page that never was.
    """

    __tablename__ = "slug_redirects"
    __table_args__ = (
        UniqueConstraint("kind", "old_slug"),
        Index("ix_slug_redirects_target", "kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    old_slug: Mapped[str] = mapped_column(String(120), nullable=False)
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
