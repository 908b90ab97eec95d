"""Subscribers and prayer updates for the email tests, committed."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable
from email.message import EmailMessage

import time_machine
from flask.testing import FlaskClient

from app.database import utcnow
from app.extensions import db
from app.subscriptions import tokens, updates
from app.subscriptions.models import PrayerUpdate, Subscriber, SubscriberStatus, Topic
from tests.helpers import soup

_seq = itertools.count(1)


def make_subscriber(
    email: str | None = None,
    *,
    status: SubscriberStatus = SubscriberStatus.CONFIRMED,
    topics: Iterable[str] = ("prayer",),
    language: str = "en",
    name: str = "",
) -> Subscriber:
    n = next(_seq)
    now = utcnow()
    subscriber = Subscriber(
        email=email or f"reader{n}@example.org",
        name=name,
        language=language,
        status=status,
        token=tokens.new_token(),
        confirmed_at=now if status == SubscriberStatus.CONFIRMED else None,
        unsubscribed_at=now if status == SubscriberStatus.UNSUBSCRIBED else None,
    )
    subscriber.set_topics({Topic(t) for t in topics})
    db.session.add(subscriber)
    db.session.commit()
    return subscriber


def make_many_subscribers(count: int, *, topic: str = "prayer", language: str = "en") -> None:
    """`count` confirmed subscribers, inserted in bulk."""
    from sqlalchemy import insert, select

    from app.subscriptions.models import SubscriberTopic

    now = utcnow()
    start = next(_seq) * 100_000
    db.session.execute(
        insert(Subscriber),
        [
            {
                "email": f"bulk{start + n}@example.org",
                "name": "",
                "language": language,
                "status": SubscriberStatus.CONFIRMED,
                "token": tokens.new_token(),
                "confirmed_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(count)
        ],
    )
    ids = db.session.scalars(select(Subscriber.id).where(Subscriber.email.like("bulk%"))).all()
    db.session.execute(insert(SubscriberTopic), [{"subscriber_id": i, "topic": topic} for i in ids])
    db.session.commit()


def make_update(*, prayers=(), stories=(), topics=("prayer",), **fields) -> PrayerUpdate:
    update = updates.save_update(
        None,
        subject_en=fields.pop("subject_en", "Prayer update for March"),
        subject_ko=fields.pop("subject_ko", "3월 기도 소식"),
        intro_en=fields.pop("intro_en", "Thank you for **praying** with us."),
        intro_ko=fields.pop("intro_ko", "함께 **기도해** 주셔서 감사합니다."),
        topics=topics,
        prayer_ids=[p.id for p in prayers],
        story_ids=[s.id for s in stories],
    )
    db.session.commit()
    return update


def link_token(subscriber: Subscriber) -> str:
    return tokens.sign(subscriber.token)


def form_values(page, form_selector: str) -> dict[str, str]:
    """The values a browser would send for the form's hidden fields and defaults."""
    form = soup(page).select_one(form_selector)
    assert form is not None, f"no {form_selector} on the page"
    values: dict[str, str] = {}
    for field in form.find_all("input"):
        name = field.get("name")
        if not name or field.get("type") == "submit":
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values[name] = field.get("value", "on")
            continue
        values[name] = field.get("value", "")
    return values


def submit_after_reading(
    client: FlaskClient,
    page_url: str,
    data: dict,
    *,
    form: str = "form.subscribe-form",
    post_url: str | None = None,
    seconds: float = 8,
):
    """Open the page `seconds` ago (as a person reading it would), then send the form."""
    with time_machine.travel(time.time() - seconds, tick=True):
        page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    values = form_values(page, form)
    values.update(data)
    action = soup(page).select_one(form).get("action") or page_url
    return client.post(post_url or action, data=values)


def subscribe(client: FlaskClient, email: str, page_url: str = "/subscribe", **fields):
    data = {"subscribe-email": email}
    for key, value in fields.items():
        data[f"subscribe-{key}"] = value
    return submit_after_reading(client, page_url, data)


LINK_RE = re.compile(r"https?://\S+")


def links_in(message: EmailMessage) -> list[str]:
    return LINK_RE.findall(message.get_body(("plain",)).get_content())
