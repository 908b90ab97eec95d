"""Reading and changing content. Services flush; the view (or CLI) commits."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime
from typing import Any, TypeVar

from flask import request
from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.content.models import PrayedMark, PrayerRequest, Project, PublicationStatus, Story
from app.database import utcnow
from app.extensions import db
from app.i18n import current_language
from app.sanitize import render_markdown
from app.security import keyed_hash

T = TypeVar("T", Project, Story, PrayerRequest)


# --- queries ----------------------------------------------------------------------------------


def visible(model: type[T]) -> tuple[ColumnElement[bool], ...]:
    """What makes an item public: published, with a publication time that has come."""
    return (
        model.status == PublicationStatus.PUBLISHED,
        model.published_at.is_not(None),
        model.published_at <= utcnow(),
    )


def published(model: type[T]) -> Select[tuple[T]]:
    return select(model).where(*visible(model))


def latest_stories(limit: int = 3) -> list[Story]:
    query = published(Story).order_by(Story.published_at.desc(), Story.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def active_prayer_requests(limit: int | None = None) -> list[PrayerRequest]:
    query = (
        published(PrayerRequest)
        .where(PrayerRequest.answered_at.is_(None))
        .order_by(PrayerRequest.published_at.desc(), PrayerRequest.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def get_public(model: type[T], slug: str) -> T | None:
    return db.session.scalar(published(model).where(model.slug == slug))


# --- writing ----------------------------------------------------------------------------------


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug from a title; Korean-only titles get a short random slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or secrets.token_hex(4)


def unique_slug(model: type[T], text: str, exclude_id: int | None = None) -> str:
    base = slugify(text)
    slug, n = base, 2
    while True:
        query = select(func.count()).select_from(model).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if not db.session.scalar(query):
            return slug
        slug, n = f"{base}-{n}", n + 1


def set_text(item: Any, **fields: str) -> None:
    """Set bilingual fields; Markdown bodies (body_*, answer_note_*) get their clean HTML."""
    for name, value in fields.items():
        setattr(item, name, value or "")
        for source in ("body", "answer_note"):
            if name.startswith(source + "_") and name[len(source) + 1 :] in ("en", "ko"):
                setattr(item, f"{source}_html_{name[-2:]}", render_markdown(value or ""))


def publish(item: Any, when: datetime | None = None) -> None:
    item.status = PublicationStatus.PUBLISHED
    item.published_at = when or item.published_at or utcnow()


# --- "I prayed" -------------------------------------------------------------------------------


def visitor_key(day: str) -> str:
    """A keyed hash of the visitor for one day: the same person, unlinkable across days."""
    agent = request.user_agent.string or ""
    return keyed_hash(f"{request.remote_addr}|{agent}", f"prayed:{day}")


def record_prayer(prayer_request: PrayerRequest) -> bool:
    """Count this visitor's prayer once per request per day. True when it counted.

    The mark is inserted with ON CONFLICT DO NOTHING and the counter is raised by an atomic
    UPDATE, so simultaneous presses by different visitors all count and repeats never do.
    """
    today = utcnow().date()
    values = {
        "prayer_request_id": prayer_request.id,
        "day": today,
        "visitor_hash": visitor_key(today.isoformat()),
    }
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(PrayedMark).values(**values).on_conflict_do_nothing()
    if db.session.scalar(statement.returning(PrayedMark.id)) is None:
        return False  # this visitor's prayer today is already counted
    db.session.execute(
        update(PrayerRequest)
        .where(PrayerRequest.id == prayer_request.id)
        # A prayer is not an edit: updated_at ("last edited", feeds, sitemap) stays as it was.
        .values(prayed_count=PrayerRequest.prayed_count + 1, updated_at=PrayerRequest.updated_at)
        .execution_options(synchronize_session=False)
    )
    return True


def language_for(item: Any) -> str:
    """The language an item's title will be shown in (for lang attributes)."""
    return item.t_with_lang("title", current_language())[1]
