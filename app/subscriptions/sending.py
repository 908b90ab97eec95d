"""Sending prayer updates: test, now or scheduled, pause, resume, progress, weekly digest.

Sending queues one outbox message per confirmed subscriber of the update's topics, in one
multi-row INSERT that shares one rendered body per language; the mail workers deliver
them. Every state change goes through `transition()`, which records an event row.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from app.audit import record
from app.content.models import PrayerRequest, Story
from app.content.services import published
from app.database import utcnow
from app.extensions import db
from app.i18n import N_
from app.mail.models import MailCategory, OutboxMessage, OutboxStatus, SuppressedAddress
from app.mail.services import (
    batch_counts,
    cancel_batch,
    create_body,
    hold_batch,
    insert_messages,
    queue_email,
    release_batch,
    sender_domain,
)
from app.subscriptions import tokens, updates
from app.subscriptions.models import (
    UPDATE_FLOW,
    PrayerUpdate,
    PrayerUpdateEvent,
    Subscriber,
    SubscriberStatus,
    SubscriberTopic,
    UpdateStatus,
)
from app.subscriptions.services import SubscriptionError, find
from app.urls import external_url

LANGUAGES = ("en", "ko")
DIGEST_LOOKBACK = timedelta(days=7)


def transition(update: PrayerUpdate, to: UpdateStatus, actor: Any = None, note: str = ""):
    """Move an update along UPDATE_FLOW (refusing anything else) and record the event."""
    UPDATE_FLOW.check(update.status, to)
    event = PrayerUpdateEvent(
        update=update,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        from_status=update.status.value,
        to_status=to.value,
        note=note[:300],
    )
    update.status = to
    db.session.add(event)
    record(f"updates.{to.value}", update, actor=actor, note=note)
    return event


# --- recipients -------------------------------------------------------------------------------


def recipients(topics: list[str]) -> Any:
    """Confirmed subscribers of any of `topics` whose address is not suppressed."""
    wants = select(SubscriberTopic.subscriber_id).where(SubscriberTopic.topic.in_(topics))
    suppressed = exists().where(SuppressedAddress.email == Subscriber.email)
    return (
        select(
            Subscriber.id, Subscriber.email, Subscriber.name, Subscriber.language, Subscriber.token
        )
        .where(
            Subscriber.status == SubscriberStatus.CONFIRMED, Subscriber.id.in_(wants), ~suppressed
        )
        .order_by(Subscriber.id)
    )


def recipient_count(topics: list[str]) -> int:
    return db.session.scalar(select(func.count()).select_from(recipients(topics).subquery()))


def _url_parts(endpoint: str) -> tuple[str, str]:
    """The link around a recipient's token, built once instead of once per recipient."""
    marker = "--recipient--"
    prefix, _, suffix = external_url(endpoint, token=marker).partition(marker)
    return prefix, suffix


def enqueue(update: PrayerUpdate) -> int:
    """Queue the update for every recipient (one INSERT); returns how many."""
    now = utcnow()
    domain = sender_domain()
    list_id = f"<prayer-updates.{domain}>"
    rendered = {}
    for language in LANGUAGES:
        subject, text, html = updates.render_update(update, language)
        rendered[language] = (subject, create_body(text, html).id, updates.friend_word(language))
    pref_prefix, pref_suffix = _url_parts("subscriptions.preferences")
    unsub_prefix, unsub_suffix = _url_parts("subscriptions.one_click")
    rows = []
    for subscriber_id, email, name, language, token in db.session.execute(
        recipients(update.topics)
    ):
        subject, body_id, friend = rendered.get(language) or rendered["en"]
        signed = tokens.sign(token)
        unsubscribe = f"{unsub_prefix}{signed}{unsub_suffix}"
        rows.append(
            {
                "created_at": now,
                "category": MailCategory.BULK,
                "template": "prayer_update",
                "to_address": email,
                "to_name": name,
                "subject": subject,
                "body_text": "",
                "body_html": "",
                "body_id": body_id,
                "variables": {
                    "name": name or friend,
                    "preferences_url": f"{pref_prefix}{signed}{pref_suffix}",
                    "unsubscribe_url": unsubscribe,
                },
                "headers": {
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    "List-Id": list_id,
                },
                "message_id": f"<{uuid.uuid4().hex}@{domain}>",
                "dedupe_key": f"{update.batch}:{subscriber_id}",
                "batch": update.batch,
                "status": OutboxStatus.QUEUED,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
            }
        )
    insert_messages(rows)
    update.recipient_count = len(rows)
    return len(rows)


# --- staff actions ----------------------------------------------------------------------------


def send_now(update: PrayerUpdate, actor: Any = None, note: str = "") -> int:
    """Start sending: queue it for every recipient now."""
    transition(update, UpdateStatus.SENDING, actor, note)
    update.started_at = utcnow()
    update.scheduled_at = update.scheduled_at or update.started_at
    count = enqueue(update)
    db.session.flush()
    return count


def schedule(update: PrayerUpdate, when: datetime, actor: Any = None) -> None:
    if when <= utcnow():
        raise SubscriptionError(_("Choose a time in the future."))
    if update.status == UpdateStatus.SCHEDULED:
        transition(update, UpdateStatus.DRAFT, actor, "rescheduled")
    transition(update, UpdateStatus.SCHEDULED, actor, f"for {when:%Y-%m-%d %H:%M} UTC")
    update.scheduled_at = when


def unschedule(update: PrayerUpdate, actor: Any = None) -> None:
    transition(update, UpdateStatus.DRAFT, actor, "schedule cancelled")
    update.scheduled_at = None


def pause(update: PrayerUpdate, actor: Any = None) -> int:
    transition(update, UpdateStatus.PAUSED, actor)
    return hold_batch(update.batch)


def resume(update: PrayerUpdate, actor: Any = None) -> int:
    transition(update, UpdateStatus.SENDING, actor)
    return release_batch(update.batch)


def cancel(update: PrayerUpdate, actor: Any = None) -> int:
    transition(update, UpdateStatus.CANCELLED, actor)
    update.finished_at = utcnow()
    return cancel_batch(update.batch, "Not sent: the send was cancelled.")


def send_test(update: PrayerUpdate, user: Any, language: str) -> OutboxMessage:
    """Send the update to a staff member, as a subscriber would get it."""
    values = updates.sample_values(language)
    headers: dict[str, str] = {}
    category = MailCategory.TRANSACTIONAL
    subscriber = find(user.email)
    if subscriber is not None:  # they subscribe: their own working links, as in a real send
        signed = tokens.sign(subscriber.token)
        values["preferences_url"] = external_url("subscriptions.preferences", token=signed)
        values["unsubscribe_url"] = external_url("subscriptions.one_click", token=signed)
        headers = {
            "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        category = MailCategory.BULK
    values["name"] = user.name or values["name"]
    subject, context = updates.email_context(update, language, values)
    with force_locale(language):
        test_subject = _("[Test] %(subject)s", subject=subject)
    message = queue_email(
        user.email,
        "prayer_update",
        subject=test_subject,
        locale=language,
        to_name=user.name,
        context=context,
        category=category,
        headers=headers,
    )
    record("updates.test", update, actor=user, language=language)
    return message


def progress(update: PrayerUpdate) -> dict[str, Any]:
    counts = batch_counts(update.batch)
    waiting = counts[OutboxStatus.QUEUED] + counts[OutboxStatus.HELD] + counts[OutboxStatus.SENDING]
    total = sum(counts.values())
    done = total - waiting
    return {
        "status": update.status.value,
        "total": total,
        "queued": waiting,
        "sent": counts[OutboxStatus.SENT],
        "failed": counts[OutboxStatus.FAILED],
        "cancelled": counts[OutboxStatus.CANCELLED],
        "done": done,
        "percent": round(100 * done / total) if total else 100,
    }


# --- what the worker does ---------------------------------------------------------------------


def finish_if_done(update: PrayerUpdate) -> bool:
    counts = batch_counts(update.batch)
    waiting = counts[OutboxStatus.QUEUED] + counts[OutboxStatus.HELD] + counts[OutboxStatus.SENDING]
    if update.status != UpdateStatus.SENDING or waiting:
        return False
    transition(update, UpdateStatus.SENT, note=N_("every message delivered or given up"))
    update.finished_at = utcnow()
    return True


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Start scheduled updates whose time has come; mark finished sends as sent."""
    now = now or utcnow()
    done = []
    due = select(PrayerUpdate).where(
        PrayerUpdate.status == UpdateStatus.SCHEDULED, PrayerUpdate.scheduled_at <= now
    )
    for update in db.session.scalars(due.with_for_update(skip_locked=True)):
        count = send_now(update, note=N_("scheduled"))
        done.append(f"Update {update.id} started for {count} recipients.")
    sending = select(PrayerUpdate).where(PrayerUpdate.status == UpdateStatus.SENDING)
    for update in db.session.scalars(sending):
        if finish_if_done(update):
            done.append(f"Update {update.id} finished.")
    db.session.flush()
    return done


def build_digest(now: datetime | None = None, *, send: bool = True) -> PrayerUpdate | None:
    """The weekly update from what was published since the last one (None: nothing new)."""
    now = now or utcnow()
    last = db.session.scalar(select(func.max(PrayerUpdate.started_at)))
    since = last or now - DIGEST_LOOKBACK
    prayers = db.session.scalars(
        published(PrayerRequest)
        .where(PrayerRequest.published_at > since, PrayerRequest.answered_at.is_(None))
        .order_by(PrayerRequest.published_at)
    ).all()
    answered = db.session.scalars(
        published(PrayerRequest)
        .where(PrayerRequest.answered_at > since)
        .order_by(PrayerRequest.answered_at)
    ).all()
    stories = db.session.scalars(
        published(Story).where(Story.published_at > since).order_by(Story.published_at)
    ).all()
    if not (prayers or answered or stories):
        return None
    subject_en, intro_en = updates.digest_text("en", now)
    subject_ko, intro_ko = updates.digest_text("ko", now)
    update = updates.save_update(
        None,
        subject_en=subject_en,
        subject_ko=subject_ko,
        intro_en=intro_en,
        intro_ko=intro_ko,
        topics=["prayer", "stories"] if stories else ["prayer"],
        prayer_ids=[p.id for p in [*prayers, *answered]],
        story_ids=[s.id for s in stories],
        is_digest=True,
    )
    if send:
        send_now(update, note=N_("weekly digest"))
    return update
