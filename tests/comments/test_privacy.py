"""Commenters' email addresses never reach a public page or feed; client addresses are kept
only as keyed hashes, and only for 30 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.comments.models import Comment, CommentStatus
from app.database import utcnow
from app.extensions import db
from app.security import Role, keyed_hash
from tests.comments.factories import last_comment, make_comment, page_url, post_comment
from tests.factories import make_prayer, make_project, make_story, make_user
from tests.helpers import login

SECRET = "secret-address-7f3a"


def test_no_email_address_appears_on_any_public_page_or_feed(client, app):
    project = make_project()
    story = make_story(project_id=project.id)
    prayer = make_prayer(project_id=project.id)
    for n, item in enumerate((story, prayer, project)):
        for status in CommentStatus:
            make_comment(
                item, status=status, email=f"{SECRET}-{n}-{status}@example.org", notify_replies=True
            )
    staff_email = f"{SECRET}-staff@example.org"
    staff = app.test_client()
    login(staff, make_user(Role.EDITOR, email=staff_email, name="Pastor Tim"))
    post_comment(staff, story, body="A staff reply")
    # A visitor's own pending comment, seen in their own browser.
    post_comment(client, story, email=f"{SECRET}-own@example.org", body="Mine, pending")

    urls = [
        "/", "/stories/", "/prayer/", page_url(story), page_url(prayer), page_url(project),
        "/feeds/stories.atom", "/feeds/prayer.atom", "/sitemap.xml",
        page_url(story) + f"?replytocom={last_comment().id}",
    ]  # fmt: skip
    for browser in (client, app.test_client()):
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            assert SECRET not in body, url
            assert "@example.org" not in body, url
    assert "Mine, pending" in client.get(page_url(story)).get_data(as_text=True)


def test_a_page_reading_anything_but_public_columns_fails_loudly(client):
    """The thread loads only what pages show; reading the email there raises."""
    from sqlalchemy.exc import InvalidRequestError

    from app.comments.display import load_thread

    story = make_story()
    make_comment(story, email=f"{SECRET}@example.org")
    with client.application.test_request_context():
        thread = load_thread(story)
        comment = thread.nodes[0].comment
        assert comment.author_name
        with pytest.raises(InvalidRequestError):
            _ = comment.author_email


def test_client_addresses_are_stored_only_as_keyed_hashes(client):
    story = make_story()
    post_comment(client, story, ip="192.0.2.77")
    comment = last_comment()
    assert comment.ip_hash == keyed_hash("192.0.2.77", "comment")
    row = db.session.execute(select(Comment.__table__).where(Comment.id == comment.id)).one()
    assert not any("192.0.2.77" in str(value) for value in row)


def test_purge_clears_address_hashes_after_30_days_and_is_idempotent(app):
    story = make_story()
    old = make_comment(story, created_at=utcnow() - timedelta(days=31), ip_hash="a" * 64)
    recent = make_comment(story, created_at=utcnow() - timedelta(days=29), ip_hash="b" * 64)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["comments", "purge"])
    assert first.exit_code == 0, first.output
    assert "Cleared the client address hash of 1 comment(s)" in first.output
    db.session.expire_all()
    assert db.session.get(Comment, old.id).ip_hash is None
    assert db.session.get(Comment, recent.id).ip_hash == "b" * 64

    again = runner.invoke(args=["comments", "purge"])
    assert "of 0 comment(s)" in again.output
    assert db.session.get(Comment, recent.id).ip_hash == "b" * 64
    assert runner.invoke(args=["comments", "purge", "--days", "0"]).exit_code != 0


def test_recount_command_repairs_counts(app):
    story = make_story()
    make_comment(story)
    story.comment_count = 5
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["comments", "recount"])
    assert "Corrected the comment count of 1 item(s)." in result.output
    db.session.refresh(story)
    assert story.comment_count == 1
