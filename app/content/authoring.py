"""Writing content in the staff area: create, edit, publish, schedule, unpublish, answer.

Each service changes the item, notes who did it (`updated_by_id`), writes the audit row and
flushes; the view commits once. Publication is two fields: `status` (draft or published) and
`published_at`; a published item whose time has not come is *scheduled* and not yet public.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from app.audit import record
from app.content.models import PrayerRequest, PublicationStatus, SlugRedirect
from app.content.services import T, get_public, set_text, slugify
from app.database import utcnow
from app.extensions import db

TEXT_FIELDS = ("title_en", "title_ko", "summary_en", "summary_ko", "body_en", "body_ko")
ANSWER_FIELDS = ("answer_note_en", "answer_note_ko")
# Other columns an edit form may change, when the model has them.
OTHER_FIELDS = ("project_id", "hero_image_id", "comments_open", "published_at")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 120


class ContentState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # published, with a publication time still to come
    PUBLISHED = "published"


class SlugTaken(ValueError):
    """Another item of the same kind already lives at that address."""


def state_of(item: Any) -> ContentState:
    if item.status != PublicationStatus.PUBLISHED or item.published_at is None:
        return ContentState.DRAFT
    return ContentState.PUBLISHED if item.published_at <= utcnow() else ContentState.SCHEDULED


def state_filter(model: type[T], state: str) -> tuple:
    """Query conditions for the items of `model` in `state` ("" for all)."""
    now = utcnow()
    if state == ContentState.DRAFT:
        return (model.status == PublicationStatus.DRAFT,)
    published = (model.status == PublicationStatus.PUBLISHED, model.published_at.is_not(None))
    if state == ContentState.SCHEDULED:
        return (*published, model.published_at > now)
    if state == ContentState.PUBLISHED:
        return (*published, model.published_at <= now)
    return ()


def title_of(item: Any) -> str:
    """A title for audit notes and lists, English first."""
    return item.title_en or item.title_ko or item.slug or ""


def fingerprint(item: Any) -> str:
    """A digest of everything the edit form can change, to notice edits made meanwhile."""
    names = ("slug", "status", *TEXT_FIELDS, *ANSWER_FIELDS, *OTHER_FIELDS, "answered_at")
    values = {name: getattr(item, name, None) for name in names}
    return hashlib.sha256(json.dumps(values, default=str, sort_keys=True).encode()).hexdigest()


# --- addresses ---------------------------------------------------------------------------------


def slug_owner(model: type[T], slug: str, exclude_id: int | None = None) -> T | None:
    query = select(model).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query)


def _old_slug_used(model: type[T], slug: str, exclude_id: int | None) -> bool:
    query = (
        select(func.count())
        .select_from(SlugRedirect)
        .where(SlugRedirect.kind == model.__tablename__, SlugRedirect.old_slug == slug)
    )
    if exclude_id is not None:
        query = query.where(SlugRedirect.target_id != exclude_id)
    return bool(db.session.scalar(query))


def available_slug(model: type[T], text: str, exclude_id: int | None = None) -> str:
    """A free slug from `text`; also avoids other items' old addresses so their links work."""
    base = slugify(text)
    slug, n = base, 2
    while slug_owner(model, slug, exclude_id) or _old_slug_used(model, slug, exclude_id):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _was_public(item: Any) -> bool:
    return item.published_at is not None and item.published_at <= utcnow()


def set_slug(item: Any, requested: str | None) -> str | None:
    """Give `item` the `requested` slug (or one made from its title). Returns the old slug
    when it changed. The old address of an item that had been public redirects to the new."""
    model = type(item)
    new = (requested or "").strip().lower() or available_slug(
        model, item.title_en or item.title_ko, item.id
    )
    if new == item.slug:
        return None
    if slug_owner(model, new, item.id) is not None:
        raise SlugTaken(new)
    old = item.slug
    kind = model.__tablename__
    # The address now belongs to this item: any redirect from it (this item's own old slug,
    # or another item's long-abandoned one) is dropped.
    db.session.execute(
        delete(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == new)
    )
    if old and item.id is not None and _was_public(item):
        db.session.add(SlugRedirect(kind=kind, old_slug=old, target_id=item.id))
    item.slug = new
    return old


def find_moved(model: type[T], slug: str) -> T | None:
    """The public item that used to live at `slug`, for a permanent redirect."""
    target = db.session.scalar(
        select(SlugRedirect.target_id).where(
            SlugRedirect.kind == model.__tablename__, SlugRedirect.old_slug == slug
        )
    )
    if target is None:
        return None
    item = db.session.get(model, target)
    return get_public(model, item.slug) if item is not None else None


# --- create and edit ---------------------------------------------------------------------------


def _apply(item: Any, data: dict[str, Any]) -> list[str]:
    """Set the fields in `data` that differ; returns their names."""
    changed = [
        name
        for name in (*TEXT_FIELDS, *OTHER_FIELDS)
        if name in data and hasattr(item, name) and getattr(item, name) != data[name]
    ]
    text = [name for name in changed if name in TEXT_FIELDS]
    set_text(item, **{name: data[name] for name in text})
    for name in changed:
        if name not in TEXT_FIELDS:
            setattr(item, name, data[name])
    return changed


def create_item(model: type[T], data: dict[str, Any], actor: Any) -> T:
    """A new draft from the form's `data` (text, slug and the model's other fields)."""
    item = model(slug="", status=PublicationStatus.DRAFT)
    _apply(item, data)
    set_slug(item, data.get("slug"))
    item.updated_by_id = actor.id
    db.session.add(item)
    db.session.flush()
    record("content.create", item, actor=actor, note=title_of(item), slug=item.slug)
    return item


def update_item(item: Any, data: dict[str, Any], actor: Any) -> list[str]:
    """Save an edit; returns what changed (nothing changed: no audit row)."""
    changed = _apply(item, data)
    details: dict[str, Any] = {}
    if "slug" in data:
        old = set_slug(item, data["slug"])
        if old is not None:
            changed.append("slug")
            details = {"old_slug": old, "new_slug": item.slug}
    if changed:
        item.updated_by_id = actor.id
        db.session.flush()
        record("content.update", item, actor=actor, note=title_of(item), fields=changed, **details)
    return changed


def publish_item(item: Any, when: datetime | None, actor: Any) -> ContentState:
    """Publish now, or at `when` (a future time schedules it). Returns the new state."""
    item.status = PublicationStatus.PUBLISHED
    item.published_at = when or utcnow()
    item.updated_by_id = actor.id
    state = state_of(item)
    action = "content.schedule" if state == ContentState.SCHEDULED else "content.publish"
    db.session.flush()
    record(
        action, item, actor=actor, note=title_of(item), published_at=item.published_at.isoformat()
    )
    return state


def unpublish_item(item: Any, actor: Any) -> None:
    """Back to draft: no longer public (or no longer scheduled). The date is kept."""
    item.status = PublicationStatus.DRAFT
    item.updated_by_id = actor.id
    db.session.flush()
    record("content.unpublish", item, actor=actor, note=title_of(item))


# --- answered prayer requests ------------------------------------------------------------------


def mark_answered(prayer: PrayerRequest, note_en: str, note_ko: str, actor: Any) -> None:
    """Mark answered with a note (Markdown, both languages), or edit the note of one that is."""
    first = prayer.answered_at is None
    if first:
        prayer.answered_at = utcnow()
    elif (prayer.answer_note_en, prayer.answer_note_ko) == (note_en, note_ko):
        return
    set_text(prayer, answer_note_en=note_en, answer_note_ko=note_ko)
    prayer.updated_by_id = actor.id
    db.session.flush()
    action = "content.answer" if first else "content.answer_edit"
    record(action, prayer, actor=actor, note=title_of(prayer))


def unmark_answered(prayer: PrayerRequest, actor: Any) -> None:
    """Active again (a mistake); the note is kept for when it is answered."""
    prayer.answered_at = None
    prayer.updated_by_id = actor.id
    db.session.flush()
    record("content.unanswer", prayer, actor=actor, note=title_of(prayer))
