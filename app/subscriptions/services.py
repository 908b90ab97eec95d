"""Subscribing, confirming, changing preferences, unsubscribing and erasing.

Services flush; the view (or CLI) commits once. Nothing a stranger does can tell them
whether an address is subscribed: every request gets the same answer, and what happens
next happens only in that address's inbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, NamedTuple

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.mail.models import MailCategory
from app.mail.services import (
    cancel_pending_to,
    forget_address,
    queue_email,
    suppression_of,
)
from app.security import ip_hash
from app.subscriptions import tokens
from app.subscriptions.models import (
    SUBSCRIBER_FLOW,
    ConsentAction,
    ConsentRecord,
    Subscriber,
    SubscriberStatus,
    Topic,
)
from app.subscriptions.rules import (
    LinkError,
    SubscriptionError,
    clean_address,
    clean_language,
    clean_name,
    clean_topics,
    topic_labels,
)
from app.urls import external_url

NOTICE_INTERVAL = timedelta(hours=1)  # at most one confirmation or notice an hour per address


class Request(NamedTuple):
    """What a subscription request did (for staff pages; the public never sees it)."""

    subscriber: Subscriber | None
    emailed: bool


# --- lookups and links ------------------------------------------------------------------------


def find(email: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email.lower()))


def by_link_token(value: str) -> Subscriber | None:
    """The subscriber a signed link names; raises LinkError("tampered") for a bad signature."""
    try:
        token = tokens.unsign(value)
    except tokens.BadToken as error:
        raise LinkError("tampered") from error
    return db.session.scalar(select(Subscriber).where(Subscriber.token == token))


def preferences_url(subscriber: Subscriber) -> str:
    return external_url("subscriptions.preferences", token=tokens.sign(subscriber.token))


def unsubscribe_url(subscriber: Subscriber) -> str:
    return external_url("subscriptions.one_click", token=tokens.sign(subscriber.token))


# --- the workflow -----------------------------------------------------------------------------


def _consent(
    subscriber: Subscriber,
    action: ConsentAction,
    source: str,
    *,
    actor: Any = None,
    note: str = "",
    topics: Iterable[Topic] | None = None,
    language: str | None = None,
) -> ConsentRecord:
    """Record what the person asked for (or withdrew), how, and from where."""
    entry = ConsentRecord(
        subscriber=subscriber,
        created_at=utcnow(),
        action=action,
        source=source[:40],
        ip_hash=ip_hash("consent") if has_request_context() and actor is None else "",
        topics=[Topic(t).value for t in sorted(subscriber.topic_set if topics is None else topics)],
        language=language or subscriber.language,
        note=note[:200],
        actor_id=getattr(actor, "id", None),
    )
    db.session.add(entry)
    return entry


def transition(
    subscriber: Subscriber,
    to: SubscriberStatus,
    actor: Any = None,
    note: str = "",
    *,
    source: str,
) -> ConsentRecord:
    """Move a subscriber along SUBSCRIBER_FLOW; the consent record is the event row."""
    SUBSCRIBER_FLOW.check(subscriber.status, to)
    now = utcnow()
    subscriber.status = to
    if to == SubscriberStatus.CONFIRMED:
        subscriber.confirmed_at = now
        action = ConsentAction.CONFIRMED
    else:
        subscriber.unsubscribed_at = now
        action = ConsentAction.UNSUBSCRIBED
        cancel_pending_to(subscriber.email, "Not sent: unsubscribed.", MailCategory.BULK)
    return _consent(subscriber, action, source, actor=actor, note=note)


def _may_notify(subscriber: Subscriber) -> bool:
    """Claim this hour's one notice for the address (atomic, so two requests send one)."""
    now = utcnow()
    claimed = db.session.execute(
        update(Subscriber)
        .where(
            Subscriber.id == subscriber.id,
            or_(
                Subscriber.last_notice_at.is_(None),
                Subscriber.last_notice_at <= now - NOTICE_INTERVAL,
            ),
        )
        .values(last_notice_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        set_committed_value(subscriber, "last_notice_at", now)
    return bool(claimed)


def _send(subscriber: Subscriber, template: str, subject: str, language: str, **context) -> None:
    # Until an address is confirmed, nothing a stranger typed (a name) goes into its mail.
    name = subscriber.name if subscriber.status == SubscriberStatus.CONFIRMED else ""
    queue_email(
        subscriber.email,
        template,
        subject=subject,
        locale=language,
        to_name=name,
        context={"preferences_url": preferences_url(subscriber), "name": name, **context},
        category=MailCategory.TRANSACTIONAL,
    )


def _send_confirmation(subscriber: Subscriber, topics: list[Topic], language: str, name: str):
    link_token = tokens.confirmation_token(
        subscriber.token, [t.value for t in topics], language, name
    )
    with force_locale(language):
        subject = _("Please confirm your subscription")
        labels = topic_labels(topics)
    _send(
        subscriber,
        "subscription_confirm",
        subject,
        language,
        confirm_url=external_url("subscriptions.confirm", token=link_token),
        topics=labels,
    )


def request_subscription(
    email: str,
    *,
    name: str = "",
    language: str = "en",
    topics: Iterable[str] = ("prayer",),
    source: str,
) -> None:
    """Ask for `email` to be subscribed; the person confirms from the email we send.

    The same rules as the public form: nothing is sent to the address but a confirmation
    (at most one an hour), nothing tells the caller whether the address was new, pending,
    subscribed or unsubscribed, and a consent record keeps `source` (e.g. "comment") with a
    keyed hash of the current request's IP when there is a request. Topics are "prayer"
    and/or "stories"; language is "ko" or "en". Flushes; the caller commits.

    Raises SubscriptionError (a ValueError whose message is for people) for an address,
    name, language or topic that cannot be accepted.
    """
    subscribe_request(email, name=name, language=language, topics=topics, source=source)


def _insert(address: str, name: str, language: str, topics: list[Topic]) -> Subscriber:
    """Insert a pending subscriber, or find the one a simultaneous request just made."""
    now = utcnow()
    dialect_insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        dialect_insert(Subscriber)
        .values(
            email=address,
            name=name,
            language=language,
            status=SubscriberStatus.PENDING,
            token=tokens.new_token(),
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["email"])
        .returning(Subscriber.id)
    )
    new_id = db.session.scalar(statement)
    subscriber = find(address)
    assert subscriber is not None
    if new_id is not None:
        subscriber.set_topics(set(topics))
    return subscriber


def subscribe_request(
    email: str,
    *,
    name: str = "",
    language: str = "en",
    topics: Iterable[str] = ("prayer",),
    source: str,
    actor: Any = None,
    note: str = "",
) -> Request:
    """`request_subscription`, also naming the staff member who asked for the person.

    Returns what happened, for staff (never shown to the public): the subscriber (None for a
    suppressed address) and whether an email went out (not within the hour after another).
    """
    address = clean_address(email)
    name, language, chosen = clean_name(name), clean_language(language), clean_topics(topics)
    if suppression_of(address) is not None:
        return Request(None, False)  # bounced or complained: never mailed again
    subscriber = find(address) or _insert(address, name, language, chosen)
    if subscriber.status == SubscriberStatus.PENDING:
        # Still unconfirmed: the latest request decides what they will confirm.
        subscriber.name, subscriber.language = name or subscriber.name, language
        subscriber.set_topics(set(chosen))
    _consent(
        subscriber,
        ConsentAction.REQUESTED,
        source,
        actor=actor,
        note=note,
        topics=chosen,
        language=language,
    )
    db.session.flush()
    emailed = _may_notify(subscriber)
    if emailed:
        if subscriber.status == SubscriberStatus.CONFIRMED:
            with force_locale(subscriber.language):
                subject = _("You are already subscribed")
            _send(subscriber, "subscription_already", subject, subscriber.language)
        else:
            _send_confirmation(subscriber, chosen, language, name)
    db.session.flush()
    return Request(subscriber, emailed)


def confirm(link_token: str) -> Subscriber:
    """Confirm with the request a confirmation link carries; raises LinkError."""
    try:
        payload, issued = tokens.read_confirmation(link_token)
    except tokens.BadToken as error:
        raise LinkError("expired" if str(error) == "expired" else "tampered") from error
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.token == payload["s"]))
    if subscriber is None:
        raise LinkError("gone")
    unsubscribed = subscriber.unsubscribed_at
    if unsubscribed is not None and issued < unsubscribed.replace(microsecond=0):
        raise LinkError("replaced")  # made before they unsubscribed: ask again instead
    if suppression_of(subscriber.email) is not None:
        raise LinkError("gone")
    try:
        topics = clean_topics(payload.get("t") or [Topic.PRAYER])
        language = clean_language(payload.get("l") or subscriber.language)
        name = clean_name(payload.get("n") or subscriber.name)
    except SubscriptionError as error:
        raise LinkError("tampered") from error
    before = (subscriber.topic_set, subscriber.language, subscriber.name)
    changed = (set(topics), language, name) != before
    subscriber.set_topics(set(topics))
    subscriber.language, subscriber.name = language, name
    if subscriber.status != SubscriberStatus.CONFIRMED:
        transition(subscriber, SubscriberStatus.CONFIRMED, source="confirmation-link")
    elif changed:
        _consent(subscriber, ConsentAction.CHANGED, "confirmation-link")
    db.session.flush()
    return subscriber


def update_preferences(
    subscriber: Subscriber, *, topics: Iterable[str], language: str, name: str, source: str
) -> bool:
    """Change what a subscriber receives; True when something changed."""
    chosen, language, name = clean_topics(topics), clean_language(language), clean_name(name)
    if (set(chosen), language, name) == (
        subscriber.topic_set,
        subscriber.language,
        subscriber.name,
    ):
        return False
    subscriber.set_topics(set(chosen))
    subscriber.language, subscriber.name = language, name
    _consent(subscriber, ConsentAction.CHANGED, source)
    db.session.flush()
    return True


def resubscribe(subscriber: Subscriber, *, source: str) -> None:
    """From the preferences page: the signed link proves the inbox is theirs."""
    if subscriber.status != SubscriberStatus.CONFIRMED:
        transition(subscriber, SubscriberStatus.CONFIRMED, source=source)
        db.session.flush()


def unsubscribe(subscriber: Subscriber, *, source: str, actor: Any = None) -> bool:
    """Stop all bulk mail to the subscriber (idempotent); True when it changed anything."""
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return False
    transition(subscriber, SubscriberStatus.UNSUBSCRIBED, actor, source=source)
    db.session.flush()
    return True


def erase(subscriber: Subscriber, *, actor: Any = None, note: str = "") -> None:
    """Delete the subscriber, their consent records and every email to them in the outbox."""
    removed = forget_address(subscriber.email)
    action = "subscribers.remove" if actor is not None else "subscribers.erase"
    record(action, subscriber, actor=actor, note=note, outbox_rows=removed)
    db.session.delete(subscriber)
    db.session.flush()


def send_manage_link(email: str) -> None:
    """Email the preferences link to `email` if it is a subscriber; say nothing either way."""
    address = clean_address(email)
    subscriber = find(address)
    if subscriber is None or suppression_of(address) is not None:
        return
    if _may_notify(subscriber):
        with force_locale(subscriber.language):
            subject = _("Your prayer-update subscription")
        _send(subscriber, "subscription_manage", subject, subscriber.language)
    db.session.flush()
