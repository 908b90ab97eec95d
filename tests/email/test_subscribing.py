"""Subscribing the way a visitor does: the form, the emailed link, the button."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.mail.delivery import drain
from app.mail.models import MailCategory, OutboxMessage, SuppressionReason
from app.mail.services import suppress
from app.subscriptions.models import ConsentAction, Subscriber, SubscriberStatus, Topic
from app.subscriptions.services import SubscriptionError, request_subscription
from tests.email.factories import links_in, make_subscriber, subscribe
from tests.factories import make_prayer, make_story
from tests.helpers import soup, text_of


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def only_subscriber() -> Subscriber:
    return db.session.scalars(select(Subscriber)).one()


def test_double_opt_in_journey_through_the_emailed_link(client, mailbox):
    response = subscribe(
        client, "Wanita@Example.org", name="Wanita", language="ko", topics="stories"
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/subscribe/check-email")
    assert "Check your email" in text_of(client.get(response.headers["Location"]))

    subscriber = only_subscriber()
    assert subscriber.email == "wanita@example.org"
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.topic_set == {Topic.STORIES}
    assert subscriber.language == "ko"

    drain()
    assert len(mailbox) == 1
    message = mailbox[0]
    assert message["To"] == "wanita@example.org"  # no name a stranger typed goes into mail
    assert "List-Unsubscribe" not in message  # transactional
    confirm_url = next(link for link in links_in(message) if "/subscribe/confirm/" in link)
    path = confirm_url.removeprefix("http://localhost")

    # A link scanner (or a curious click) that only GETs confirms nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert soup(page).select_one("form button").get_text(strip=True) == "Yes, subscribe me"
    db.session.expire_all()
    assert only_subscriber().status == SubscriberStatus.PENDING

    token = soup(page).select_one("form input[name=csrf_token]")["value"]
    confirmed = client.post(path, data={"csrf_token": token})
    assert confirmed.status_code == 302
    assert "/subscription/" in confirmed.headers["Location"]
    assert "subscription is confirmed" in text_of(client.get(confirmed.headers["Location"]))

    db.session.expire_all()
    subscriber = only_subscriber()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.name == "Wanita"
    consents = [(c.action, c.source) for c in subscriber.consents]
    assert consents == [
        (ConsentAction.REQUESTED, "form:page"),
        (ConsentAction.CONFIRMED, "confirmation-link"),
    ]
    assert len(subscriber.consents[0].ip_hash) == 64  # a keyed hash, never the address
    assert "127.0.0.1" not in subscriber.consents[0].ip_hash


def _answer(client, email):
    response = subscribe(client, email)
    followed = client.get(response.headers["Location"])
    return response.status_code, response.headers["Location"], followed.get_data(as_text=True)


def test_the_answer_is_the_same_for_new_pending_subscribed_and_unsubscribed(app, client):
    make_subscriber("pending@example.org", status=SubscriberStatus.PENDING)
    make_subscriber("subscribed@example.org")
    make_subscriber("gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    make_subscriber("bounced@example.org")
    suppress("bounced@example.org", SuppressionReason.HARD_BOUNCE)
    db.session.commit()

    answers = {
        email: _answer(app.test_client(), email)
        for email in (
            "new@example.org",
            "pending@example.org",
            "subscribed@example.org",
            "gone@example.org",
            "bounced@example.org",
        )
    }
    assert len(set(answers.values())) == 1
    status, location, _body = answers["new@example.org"]
    assert status == 302 and location == "/subscribe/check-email"


def test_what_each_kind_of_address_receives(client, mailbox):
    make_subscriber("subscribed@example.org", name="Kent")
    gone = make_subscriber("gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    for email in ("new@example.org", "subscribed@example.org", "gone@example.org"):
        subscribe(client, email, topics="prayer")
    drain()
    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in mailbox}
    assert subjects == {
        "new@example.org": "Please confirm your subscription",
        "subscribed@example.org": "You are already subscribed",
        "gone@example.org": "Please confirm your subscription",
    }
    db.session.expire_all()
    assert gone.status == SubscriberStatus.UNSUBSCRIBED  # until they press the button


def test_at_most_one_confirmation_email_an_hour(client, mailbox):
    for _ in range(3):
        subscribe(client, "eager@example.org")
    assert outbox_count() == 1
    with time_machine.travel(utcnow() + timedelta(minutes=61), tick=True):
        subscribe(client, "eager@example.org")
        assert outbox_count() == 2


def test_the_honeypot_and_a_too_fast_post_keep_nothing(client):
    response = subscribe(client, "bot@example.org", website="http://spam.example")
    assert response.status_code == 302 and response.headers["Location"] == "/subscribe/check-email"
    page = client.get("/subscribe")
    token = soup(page).select_one("input[name=subscribe-csrf_token]")["value"]
    shown = soup(page).select_one("input[name=subscribe-shown_at]")["value"]
    fast = client.post(
        "/subscribe",
        data={
            "subscribe-csrf_token": token,
            "subscribe-shown_at": shown,
            "subscribe-email": "fast@example.org",
            "subscribe-language": "en",
            "subscribe-topics": "prayer",
        },
    )
    assert fast.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0
    assert outbox_count() == 0


def test_rate_limit_per_client(client):
    for n in range(5):
        assert subscribe(client, f"r{n}@example.org").status_code == 302
    assert subscribe(client, "r6@example.org").status_code == 429


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("not-an-address", "", "Enter a valid email address"),
        ("a" * 250 + "@example.org", "", "at most 254 characters"),
        ("a" * 70 + "@example.org", "", "Enter a valid email address"),
        ("ok@example.org", "Evil\r\nBcc: everyone@example.org", "Line breaks are not allowed"),
        ("ok@example.org\r\nBcc: x@example.org", "", "Line breaks are not allowed"),
    ],
)
def test_bad_input_is_refused_clearly_and_keeps_what_was_typed(
    client, mailbox, email, name, message
):
    response = subscribe(client, email, name=name)
    assert response.status_code == 200
    page = soup(response)
    assert message in page.select_one(".error-summary").get_text()
    kept = page.select_one("input[name=subscribe-email]")["value"]
    assert kept.startswith(email.split("\r")[0])  # nothing typed is lost
    assert outbox_count() == 0
    drain()
    assert mailbox == []


def test_the_form_is_on_home_story_prayer_pages_and_in_the_footer(client):
    story, prayer = make_story(), make_prayer()
    sources = {
        "/": "home",
        f"/stories/{story.slug}": "story",
        f"/prayer/{prayer.slug}": "prayer",
        "/about": "footer",
        "/subscribe": "page",
    }
    for url, source in sources.items():
        forms = soup(client.get(url)).select("form.subscribe-form")
        assert len(forms) == 1, url  # one copy per page: ids stay unique
        assert forms[0].select_one("input[name=subscribe-source]")["value"] == source
        assert not forms[0].select("input[type=checkbox][required]")  # one topic is enough

    subscribe(client, "reader@example.org", page_url=f"/stories/{story.slug}")
    assert only_subscriber().consents[0].source == "form:story"


def test_request_subscription_is_the_same_rules_for_other_features(app, mailbox):
    with app.test_request_context("/stories/x", environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        request_subscription("Commenter@Example.org", name="Joe", source="comment")
        request_subscription("commenter@example.org", source="comment")  # within the hour
        db.session.commit()
    subscriber = only_subscriber()
    assert subscriber.status == SubscriberStatus.PENDING
    assert [c.source for c in subscriber.consents] == ["comment", "comment"]
    assert subscriber.consents[0].ip_hash and "198.51" not in subscriber.consents[0].ip_hash
    assert outbox_count() == 1
    drain()
    assert mailbox[0]["Subject"] == "Please confirm your subscription"

    with pytest.raises(SubscriptionError):
        request_subscription("no good", source="comment")
    with pytest.raises(ValueError, match="Choose"):
        request_subscription("x@example.org", topics=("weather",), source="comment")


def test_a_rolled_back_request_sends_nothing(app, mailbox):
    with app.test_request_context("/"):
        request_subscription("maybe@example.org", source="comment")
        db.session.rollback()
    assert outbox_count() == 0
    assert drain().sent == 0
    assert mailbox == []


def test_confirmation_links_expire_and_refuse_tampering(client, mailbox):
    subscribe(client, "late@example.org")
    drain()
    path = next(link for link in links_in(mailbox[0]) if "/confirm/" in link).removeprefix(
        "http://localhost"
    )
    assert client.get(path[:-3] + "abc").status_code == 400
    with time_machine.travel(time.time() + 8 * 24 * 3600):
        expired = client.get(path)
    assert expired.status_code == 410
    assert "expired" in text_of(expired)


def test_confirming_twice_changes_nothing(client, mailbox):
    subscribe(client, "twice@example.org")
    drain()
    path = next(link for link in links_in(mailbox[0]) if "/confirm/" in link).removeprefix(
        "http://localhost"
    )
    for _ in range(2):
        token = soup(client.get(path)).select_one("input[name=csrf_token]")["value"]
        assert client.post(path, data={"csrf_token": token}).status_code == 302
    subscriber = only_subscriber()
    assert [c.action for c in subscriber.consents] == [
        ConsentAction.REQUESTED,
        ConsentAction.CONFIRMED,
    ]
    assert all(
        m.category == MailCategory.TRANSACTIONAL for m in db.session.scalars(select(OutboxMessage))
    )
