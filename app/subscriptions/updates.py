"""Composing prayer updates and rendering them as email, in either language.

An update's email is rendered once per language with markers (``⟦name⟧``,
``⟦preferences_url⟧``, ``⟦unsubscribe_url⟧``) that each recipient's values fill in when the
message is delivered, so queueing it for thousands of people is one render per language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import record
from app.content.models import PrayerRequest, Story
from app.content.services import published
from app.extensions import db
from app.mail.services import render_email
from app.sanitize import render_markdown
from app.subscriptions.models import PrayerUpdate, PrayerUpdateItem, UpdateStatus
from app.subscriptions.rules import SubscriptionError, clean_topics
from app.urls import external_url

EDITABLE = (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED)
MARKERS = {
    "name": "⟦name⟧",
    "preferences_url": "⟦preferences_url⟧",
    "unsubscribe_url": "⟦unsubscribe_url⟧",
}


@dataclass(frozen=True)
class EmailItem:
    kind: str  # "prayer" | "story"
    title: str
    summary: str
    url: str
    answered: bool = False


def pickable_prayer_requests(limit: int = 60) -> list[PrayerRequest]:
    query = published(PrayerRequest).order_by(
        PrayerRequest.answered_at.is_not(None), PrayerRequest.published_at.desc()
    )
    return list(db.session.scalars(query.limit(limit)))


def pickable_stories(limit: int = 60) -> list[Story]:
    query = published(Story).order_by(Story.published_at.desc())
    return list(db.session.scalars(query.limit(limit)))


def _published_ids(model: type, ids: Iterable[int]) -> list[int]:
    wanted = [int(i) for i in ids]
    if not wanted:
        return []
    found = set(
        db.session.scalars(published(model).with_only_columns(model.id).where(model.id.in_(wanted)))
    )
    return [i for i in dict.fromkeys(wanted) if i in found]


def save_update(
    update: PrayerUpdate | None,
    *,
    subject_en: str,
    subject_ko: str,
    intro_en: str,
    intro_ko: str,
    topics: Iterable[str],
    prayer_ids: Iterable[int],
    story_ids: Iterable[int],
    actor: Any = None,
    is_digest: bool = False,
) -> PrayerUpdate:
    """Create or edit a draft (or scheduled) update; the caller commits."""
    if update is not None and update.status not in EDITABLE:
        raise SubscriptionError(_("An update cannot be changed once sending has started."))
    subject_en, subject_ko = (subject_en or "").strip(), (subject_ko or "").strip()
    for subject in (subject_en, subject_ko):
        if any(ch in subject for ch in "\r\n\x00"):
            raise SubscriptionError(_("Line breaks are not allowed in a subject."))
    if not (subject_en or subject_ko):
        raise SubscriptionError(_("Write a subject in at least one language."))
    creating = update is None
    if update is None:
        update = PrayerUpdate(created_by_id=getattr(actor, "id", None))
        db.session.add(update)
    update.subject_en, update.subject_ko = subject_en[:200], subject_ko[:200]
    update.intro_en, update.intro_ko = intro_en or "", intro_ko or ""
    update.intro_html_en = render_markdown(update.intro_en)
    update.intro_html_ko = render_markdown(update.intro_ko)
    update.topics = [t.value for t in clean_topics(topics)]
    update.is_digest = is_digest
    update.updated_by_id = getattr(actor, "id", None)
    items = [
        PrayerUpdateItem(prayer_request_id=i) for i in _published_ids(PrayerRequest, prayer_ids)
    ]
    items += [PrayerUpdateItem(story_id=i) for i in _published_ids(Story, story_ids)]
    for position, item in enumerate(items):
        item.position = position
    update.items = items
    db.session.flush()
    record("updates.create" if creating else "updates.edit", update, actor=actor)
    return update


def get_update(update_id: int) -> PrayerUpdate | None:
    return db.session.get(PrayerUpdate, update_id)


def public_updates() -> Any:
    return (
        select(PrayerUpdate)
        .where(PrayerUpdate.started_at.is_not(None))
        .order_by(PrayerUpdate.started_at.desc(), PrayerUpdate.id.desc())
    )


def email_items(update: PrayerUpdate, language: str) -> tuple[list[EmailItem], list[EmailItem]]:
    """The update's prayer requests and stories that are public now, in `language`."""
    prayers = [
        EmailItem(
            "prayer",
            p.t("title", language),
            p.t("summary", language),
            external_url("content.prayer_request", slug=p.slug),
            p.is_answered,
        )
        for p in update.prayer_requests
        if p.is_public
    ]
    stories = [
        EmailItem(
            "story",
            s.t("title", language),
            s.t("summary", language),
            external_url("content.story", slug=s.slug),
        )
        for s in update.stories
        if s.is_public
    ]
    return prayers, stories


def email_context(
    update: PrayerUpdate, language: str, values: dict[str, str] | None = None
) -> tuple[str, dict[str, Any]]:
    """The subject and template context of the update's email in `language`.

    Without `values`, the per-recipient parts are markers that delivery fills in.
    """
    prayers, stories = email_items(update, language)
    intro_html, intro_lang = update.t_with_lang("intro_html", language)
    context = {
        "update": update,
        "language": language,
        "intro_text": update.t("intro", language),
        "intro_html": intro_html,  # cleaned by render_markdown on write; the template marks it safe
        "intro_lang": intro_lang,
        "prayers": prayers,
        "stories": stories,
        "archive_url": external_url("subscriptions.archive_item", update_id=update.id),
        **MARKERS,
        **(values or {}),
    }
    return update.t("subject", language), context


def render_update(
    update: PrayerUpdate, language: str, values: dict[str, str] | None = None
) -> tuple[str, str, str]:
    """(subject, text, html) of the update's email in `language`."""
    subject, context = email_context(update, language, values)
    text, html = render_email("prayer_update", {"subject": subject, **context}, language)
    return subject, text, html


def sample_values(language: str) -> dict[str, str]:
    """What a preview or test shows where each recipient's own name and links go."""
    with force_locale(language):
        friend = _("friend")
    manage = external_url("subscriptions.manage")
    return {"name": friend, "preferences_url": manage, "unsubscribe_url": manage}


def friend_word(language: str) -> str:
    with force_locale(language):
        return _("friend")


def digest_text(language: str, when: Any) -> tuple[str, str]:
    """Subject and introduction of the weekly digest in `language`."""
    from app.i18n import seed_date

    with force_locale(language):
        date = seed_date(when)
        return (
            _("Prayer update: %(date)s", date=date),
            _(
                "Thank you for praying with us for North Korean newcomers. Here is what we "
                "shared this week."
            ),
        )
