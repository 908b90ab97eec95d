"""Preferences, unsubscribing (RFC 8058 one-click) and erasing, by the links in the mail."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.extensions import db
from app.mail.delivery import drain
from app.mail.models import OutboxMessage, OutboxStatus
from app.subscriptions import sending
from app.subscriptions.models import (
    ConsentAction,
    ConsentRecord,
    Subscriber,
    SubscriberStatus,
    Topic,
)
from tests.email.factories import link_token, make_subscriber, make_update, submit_after_reading
from tests.factories import make_prayer
from tests.helpers import soup, text_of


def consent_actions(subscriber: Subscriber) -> list[ConsentAction]:
    db.session.expire_all()
    return [c.action for c in subscriber.consents]


def test_one_click_post_without_cookies_unsubscribes_once_and_never_redirects(app):
    subscriber = make_subscriber()
    url = f"/unsubscribe/{link_token(subscriber)}"
    mail_client = app.test_client(use_cookies=False)  # what a mail provider sends
    for _ in range(2):
        response = mail_client.post(url, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "Location" not in response.headers
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "You are unsubscribed" in text_of(response)
    db.session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert consent_actions(subscriber) == [ConsentAction.UNSUBSCRIBED]
    assert subscriber.consents[0].source == "one-click"


def test_one_click_get_only_asks(app, client):
    subscriber = make_subscriber()
    page = client.get(f"/unsubscribe/{link_token(subscriber)}")
    assert page.status_code == 200
    form = soup(page).select_one("main form")
    assert form["method"] == "post" and form["action"] == f"/unsubscribe/{link_token(subscriber)}"
    assert form.select_one("input[name=csrf_token]") is None  # the token authenticates it
    db.session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.CONFIRMED
    # The page's own button works like the mail provider's POST.
    assert client.post(form["action"], data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_tampered_tokens_are_refused_with_400(app, client):
    subscriber = make_subscriber()
    good = link_token(subscriber)
    raw, _, signature = good.rpartition(".")
    tampered = [
        f"{raw[:-1]}{'A' if raw[-1] != 'A' else 'B'}.{signature}",
        f"{raw}.{signature[:-2]}xx",
        raw,
        "nonsense",
    ]
    mail_client = app.test_client(use_cookies=False)
    for token in tampered:
        assert mail_client.post(f"/unsubscribe/{token}").status_code == 400
        assert client.get(f"/unsubscribe/{token}").status_code == 400
        assert client.get(f"/subscription/{token}").status_code == 400
    db.session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_an_erased_subscription_unsubscribes_quietly_and_shows_gone(app, client):
    subscriber = make_subscriber()
    token = link_token(subscriber)
    db.session.delete(subscriber)
    db.session.commit()
    assert app.test_client(use_cookies=False).post(f"/unsubscribe/{token}").status_code == 200
    assert client.get(f"/subscription/{token}").status_code == 404


def test_unsubscribing_cancels_the_bulk_mail_still_waiting(app):
    prayer = make_prayer()
    subscriber = make_subscriber()
    update = make_update(prayers=[prayer])
    with app.test_request_context():
        sending.send_now(update)
    db.session.commit()
    app.test_client(use_cookies=False).post(f"/unsubscribe/{link_token(subscriber)}")
    db.session.expire_all()
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.status == OutboxStatus.CANCELLED
    assert drain().claimed == 0


def test_changing_preferences_through_the_signed_link(client):
    subscriber = make_subscriber(topics=("prayer",), language="en", name="")
    url = f"/subscription/{link_token(subscriber)}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert subscriber.email in text_of(page)
    token = soup(page).select_one("main form.form input[name=csrf_token]")["value"]
    saved = client.post(
        url,
        data={
            "csrf_token": token,
            "topics": ["prayer", "stories"],
            "language": "ko",
            "name": "Hana",
        },
    )
    assert saved.status_code == 302
    assert "Your preferences are saved" in text_of(client.get(url))
    db.session.refresh(subscriber)
    assert subscriber.topic_set == {Topic.PRAYER, Topic.STORIES}
    assert (subscriber.language, subscriber.name) == ("ko", "Hana")
    assert consent_actions(subscriber) == [ConsentAction.CHANGED]

    refused = client.post(url, data={"csrf_token": token, "topics": [], "language": "ko"})
    assert refused.status_code == 200
    assert "Choose at least one kind of email" in text_of(refused)


def test_unsubscribe_and_subscribe_again_from_the_preferences_page(client):
    subscriber = make_subscriber()
    token = link_token(subscriber)
    page = client.get(f"/subscription/{token}")
    csrf = soup(page).select_one("input[name=csrf_token]")["value"]
    client.post(f"/subscription/{token}/unsubscribe", data={"csrf_token": csrf})
    db.session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert client.post(f"/subscription/{token}/unsubscribe").status_code == 400  # CSRF
    client.post(f"/subscription/{token}/resubscribe", data={"csrf_token": csrf})
    db.session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert consent_actions(subscriber) == [ConsentAction.UNSUBSCRIBED, ConsentAction.CONFIRMED]


def test_manage_form_emails_the_link_and_answers_the_same_for_strangers(app, mailbox):
    subscriber = make_subscriber("known@example.org", name="Kent")
    answers = []
    for email in ("known@example.org", "stranger@example.org"):
        response = submit_after_reading(
            app.test_client(), "/subscription/manage", {"email": email}, form="main form.form"
        )
        answers.append((response.status_code, response.headers.get("Location")))
    assert answers[0] == answers[1] == (302, "/subscription/manage/sent")
    drain()
    assert len(mailbox) == 1
    assert mailbox[0]["To"].addresses[0].addr_spec == "known@example.org"
    assert (
        f"/subscription/{link_token(subscriber)}" in mailbox[0].get_body(("plain",)).get_content()
    )


def test_erase_my_data_deletes_everything_about_the_subscriber(client):
    subscriber = make_subscriber("erase@example.org")
    update = make_update(prayers=[make_prayer()])
    with client.application.test_request_context():
        sending.send_now(update)
    db.session.commit()
    drain()
    token = link_token(subscriber)
    page = client.get(f"/subscription/{token}/erase")
    assert "cannot be undone" in text_of(page)
    csrf = soup(page).select_one("main form input[name=csrf_token]")["value"]
    response = client.post(f"/subscription/{token}/erase", data={"csrf_token": csrf})
    assert response.headers["Location"] == "/subscription/erased"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0
    assert db.session.scalar(select(func.count()).select_from(ConsentRecord)) == 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.to_address == "erase@example.org")
        )
        == 0
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "subscribers.erase")
    ).one()
    assert "erase@example.org" not in str(event.data) + event.note
    assert client.get(f"/subscription/{token}").status_code == 404
