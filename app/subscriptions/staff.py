"""What staff need to find, add, export and remove subscribers, and the dashboard numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Select, func, or_, select

from app.audit import record
from app.extensions import db
from app.mail.models import SuppressedAddress
from app.subscriptions.models import Subscriber, SubscriberStatus, SubscriberTopic, Topic

CSV_COLUMNS = (
    "email",
    "name",
    "status",
    "language",
    "topics",
    "subscribed_at",
    "confirmed_at",
    "unsubscribed_at",
    "source",
    "suppressed",
)


def search(
    q: str = "", status: str = "", topic: str = "", language: str = ""
) -> Select[tuple[Subscriber]]:
    """Subscribers matching the staff list's filters, newest first."""
    query = select(Subscriber)
    if q:
        query = query.where(
            or_(
                Subscriber.email.icontains(q.strip(), autoescape=True),
                Subscriber.name.icontains(q.strip(), autoescape=True),
            )
        )
    suppressed = select(SuppressedAddress.email)
    if status == "suppressed":
        query = query.where(Subscriber.email.in_(suppressed))
    elif status in SubscriberStatus.__members__.values():
        query = query.where(Subscriber.status == SubscriberStatus(status))
    if topic in Topic.__members__.values():
        query = query.where(
            Subscriber.id.in_(
                select(SubscriberTopic.subscriber_id).where(SubscriberTopic.topic == topic)
            )
        )
    if language in ("ko", "en"):
        query = query.where(Subscriber.language == language)
    return query.order_by(Subscriber.created_at.desc(), Subscriber.id.desc())


def confirmed_per_topic() -> dict[Topic, int]:
    counts = dict.fromkeys(Topic, 0)
    rows = db.session.execute(
        select(SubscriberTopic.topic, func.count())
        .join(Subscriber, Subscriber.id == SubscriberTopic.subscriber_id)
        .where(Subscriber.status == SubscriberStatus.CONFIRMED)
        .group_by(SubscriberTopic.topic)
    )
    for topic, count in rows:
        counts[Topic(topic)] = count
    return counts


def status_counts() -> dict[SubscriberStatus, int]:
    counts = dict.fromkeys(SubscriberStatus, 0)
    rows = db.session.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status))
    for status, count in rows:
        counts[SubscriberStatus(status)] = count
    return counts


def first_sources(subscriber_ids: list[int]) -> dict[int, str]:
    """How each subscriber first asked (the source of their earliest consent record)."""
    from app.subscriptions.models import ConsentRecord

    if not subscriber_ids:
        return {}
    first = (
        select(ConsentRecord.subscriber_id, func.min(ConsentRecord.id).label("first_id"))
        .where(ConsentRecord.subscriber_id.in_(subscriber_ids))
        .group_by(ConsentRecord.subscriber_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ConsentRecord.subscriber_id, ConsentRecord.source).join(
            first, ConsentRecord.id == first.c.first_id
        )
    )
    return dict(rows.all())


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def export_csv(query: Select[tuple[Subscriber]], *, actor: Any, filters: dict[str, str]) -> str:
    """The subscribers of `query` as CSV; the export is recorded in the audit trail."""
    subscribers = list(db.session.scalars(query))
    suppressed = set(
        db.session.scalars(
            select(SuppressedAddress.email).where(
                SuppressedAddress.email.in_([s.email for s in subscribers])
            )
        )
    )
    sources = first_sources([s.id for s in subscribers])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for s in subscribers:
        writer.writerow(
            _cell(v)
            for v in (
                s.email,
                s.name,
                s.status.value,
                s.language,
                " ".join(sorted(t.value for t in s.topic_set)),
                s.created_at.isoformat(timespec="seconds"),
                s.confirmed_at.isoformat(timespec="seconds") if s.confirmed_at else "",
                s.unsubscribed_at.isoformat(timespec="seconds") if s.unsubscribed_at else "",
                sources.get(s.id, ""),
                "yes" if s.email in suppressed else "",
            )
        )
    record(
        "subscribers.export",
        actor=actor,
        count=len(subscribers),
        filters=filters,
    )
    return buffer.getvalue()
