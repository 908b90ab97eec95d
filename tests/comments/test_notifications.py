"""Email about comments: moderators (throttled) and reply notifications (with a stop link)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import time_machine
from sqlalchemy import select

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from tests.comments.factories import last_comment, make_comment, post_comment
from tests.factories import make_story, make_user
from tests.helpers import login, soup, submit, text_of


def outbox(template: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.template == template)
            .order_by(OutboxMessage.id)
        )
    )


def approve(staff_client, comment) -> None:
    url = f"/staff/comments/{comment.id}"
    response = submit(
        staff_client, "/staff/comments/bulk", {"row": f"approve:{comment.id}"}, form_url=url
    )
    assert response.status_code == 302


# --- moderators ---------------------------------------------------------------------------------


def test_moderators_are_emailed_when_comments_wait_at_most_every_15_minutes(app):
    first = make_user(Role.MODERATOR, email="mod1@example.org", name="Mod One")
    make_user(Role.MODERATOR, email="mod2@example.org")
    make_user(Role.EDITOR, email="editor@example.org")
    make_user(Role.ADMIN, email="admin@example.org")
    story = make_story()
    start = datetime.now(UTC) + timedelta(days=1)
    with time_machine.travel(start, tick=False) as clock:
        visitor = app.test_client()
        post_comment(visitor, story)
        sent = outbox("comments_waiting")
        assert sorted(m.to_address for m in sent) == ["mod1@example.org", "mod2@example.org"]
        message = next(m for m in sent if m.to_address == first.email)
        assert message.subject == "Comments are waiting for moderation"
        assert "1 comment is waiting for moderation." in message.body_text
        assert "http://localhost/staff/comments/" in message.body_text

        clock.shift(timedelta(minutes=14, seconds=59))
        post_comment(visitor, story)
        post_comment(visitor, story)
        assert len(outbox("comments_waiting")) == 2

        clock.shift(timedelta(seconds=1))
        post_comment(visitor, story)
        later = outbox("comments_waiting")
        assert len(later) == 4
        assert "4 comments are waiting for moderation." in later[-1].body_text


def test_admins_are_told_when_there_is_no_moderator(client):
    make_user(Role.ADMIN, email="admin@example.org")
    post_comment(client, make_story())
    assert [m.to_address for m in outbox("comments_waiting")] == ["admin@example.org"]


def test_spam_and_approved_comments_do_not_call_moderators(client, app):
    from app.settings import set_setting

    make_user(Role.MODERATOR)
    set_setting("comment_disallowed_words", ["casino"])
    db.session.commit()
    story = make_story()
    post_comment(client, story, body="casino")
    staff = app.test_client()
    login(staff, make_user(Role.EDITOR))
    post_comment(staff, story, body="Staff word")
    assert outbox("comments_waiting") == []


# --- reply notifications -------------------------------------------------------------------------


def test_opted_in_commenters_hear_of_a_reply_once_it_is_approved(client, app):
    story = make_story(title_en="North Korean Newcomers")
    wanita = make_comment(story, name="Wanita", email="wanita@example.org", notify_replies=True)
    make_comment(story, name="Quiet", email="quiet@example.org", parent=wanita)
    make_comment(
        story,
        status=CommentStatus.SPAM,
        email="spam@example.org",
        notify_replies=True,
        parent=wanita,
    )
    make_comment(story, name="Other thread", email="other@example.org", notify_replies=True)

    post_comment(
        client, story, name="Joe", email="joe@example.org", body="Me too!", parent_id=str(wanita.id)
    )
    reply = last_comment()
    assert reply.status == CommentStatus.PENDING and reply.parent_id == wanita.id
    assert outbox("comment_reply") == []  # nothing before approval

    staff = app.test_client()
    login(staff, make_user(Role.MODERATOR, name="Pastor Tim"))
    approve(staff, reply)

    (message,) = outbox("comment_reply")
    assert message.to_address == "wanita@example.org" and message.to_name == "Wanita"
    assert message.subject == "New reply to your comment on North Korean Newcomers"
    assert "Joe replied" in message.body_text and "Me too!" in message.body_text
    assert f"http://localhost/stories/{story.slug}#comment-{reply.id}" in message.body_text
    stop_url = re.search(r"http://localhost/comments/stop/\S+", message.body_text).group(0)
    assert message.headers["List-Unsubscribe"] == f"<{stop_url}>"
    assert "joe@example.org" not in message.body_text + message.body_html

    # Unapproved and approved again: no second email.
    submit(
        staff,
        "/staff/comments/bulk",
        {"row": f"unapprove:{reply.id}"},
        form_url=f"/staff/comments/{reply.id}",
    )
    approve(staff, reply)
    assert len(outbox("comment_reply")) == 1


def test_the_commenter_is_not_told_about_their_own_reply(client):
    story = make_story()
    wanita = make_comment(story, email="wanita@example.org", notify_replies=True)
    make_comment(story, email="wanita@example.org", parent=wanita)
    from app.comments import notifications

    reply = last_comment()
    with client.application.test_request_context():
        assert notifications.notify_thread(reply) == 0
    assert outbox("comment_reply") == []


def test_a_staff_reply_from_the_queue_notifies_at_once_in_the_commenters_language(client, app):
    story = make_story()
    wanita = make_comment(
        story, name="Wanita", email="wanita@example.org", notify_replies=True, locale="ko",
        status=CommentStatus.PENDING,
    )  # fmt: skip
    staff = app.test_client()
    login(staff, make_user(Role.MODERATOR, name="Pastor Tim"))
    url = f"/staff/comments/{wanita.id}"
    submit(staff, url + "/reply", {"body": "I signed you up for our email update!"}, form_url=url)
    (message,) = outbox("comment_reply")
    assert message.to_address == "wanita@example.org"
    assert message.subject == f"{story.title_ko}에 남기신 댓글에 새 답글이 달렸습니다"
    assert "Pastor Tim 님(스태프)이" in message.body_text
    assert '<html lang="ko">' in message.body_html


def test_the_stop_link_ends_reply_emails_for_that_thread_only(client, app):
    story = make_story()
    wanita = make_comment(story, email="wanita@example.org", notify_replies=True)
    elsewhere = make_comment(story, email="wanita@example.org", notify_replies=True)
    staff = app.test_client()
    login(staff, make_user(Role.MODERATOR))
    first = make_comment(story, status=CommentStatus.PENDING, parent=wanita)
    approve(staff, first)
    (message,) = outbox("comment_reply")
    stop_path = urlparse(
        re.search(r"http://localhost/comments/stop/\S+", message.body_text).group(0)
    ).path

    # Opening the link (as mail scanners do) changes nothing; the button does.
    page = client.get(stop_path)
    assert page.status_code == 200 and soup(page).find(
        "button", string=re.compile("Stop these emails")
    )
    assert db.session.get(Comment, wanita.id).notify_replies is True
    done = submit(client, stop_path, {})
    assert "no more emails about replies in this conversation" in text_of(done)
    db.session.expire_all()
    assert db.session.get(Comment, wanita.id).notify_replies is False
    assert submit(client, stop_path, {}).status_code == 200  # again: still fine

    approve(staff, make_comment(story, status=CommentStatus.PENDING, parent=wanita))
    approve(staff, make_comment(story, status=CommentStatus.PENDING, parent=elsewhere))
    assert [m.to_address for m in outbox("comment_reply")] == ["wanita@example.org"] * 2
    assert db.session.get(Comment, elsewhere.id).notify_replies is True


def test_a_forged_stop_link_is_not_found(client):
    make_comment(make_story(), notify_replies=True)
    assert client.get("/comments/stop/1.forged").status_code == 404
    assert client.get("/comments/stop/not-a-token").status_code == 404
