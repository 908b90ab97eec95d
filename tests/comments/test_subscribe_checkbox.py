"""'Also send me prayer updates' on the comment form starts the double opt-in."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.settings import set_setting
from app.subscriptions.models import Subscriber, SubscriberStatus
from tests.comments.factories import post_comment
from tests.factories import make_story
from tests.helpers import soup


def test_the_box_is_on_the_form_for_visitors(client):
    story = make_story()
    page = soup(client.get(f"/stories/{story.slug}"))
    box = page.select_one("form.comment-form input[name=subscribe_updates]")
    assert box is not None and box.get("type") == "checkbox" and not box.has_attr("checked")


def test_ticking_it_asks_for_confirmation_and_records_consent_from_the_comment(client):
    story = make_story()
    response = post_comment(
        client, story, email="Wanita@Example.org", name="Wanita", subscribe_updates="y"
    )
    assert response.status_code == 302
    subscriber = db.session.scalar(select(Subscriber))
    assert subscriber.email == "wanita@example.org"
    assert subscriber.status == SubscriberStatus.PENDING  # nothing but a confirmation until then
    assert [c.source for c in subscriber.consents] == ["comment"]
    assert len(subscriber.consents[0].ip_hash) == 64
    (mail,) = db.session.scalars(select(OutboxMessage)).all()
    assert mail.to_address == "wanita@example.org" and "List-Unsubscribe" not in mail.headers


def test_without_the_box_nobody_is_subscribed(client):
    post_comment(client, make_story())
    assert db.session.scalar(select(Subscriber)) is None


def test_spam_never_subscribes_anyone(client):
    set_setting("comment_disallowed_words", ["casino"])
    db.session.commit()
    post_comment(client, make_story(), body="Best casino here", subscribe_updates="y")
    assert db.session.scalar(select(Subscriber)) is None
    assert db.session.scalar(select(OutboxMessage)) is None
