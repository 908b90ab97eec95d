"""The moderation queue: access, tabs, actions one by one and in bulk, history, edit, reply."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.comments.models import Comment, CommentEvent, CommentStatus
from app.extensions import db
from app.security import Role
from app.staff.dashboard import attention_for
from tests.comments.factories import count_queries, make_comment, page_url, post_comment
from tests.factories import make_leader, make_story, make_user
from tests.helpers import login, soup, submit, text_of

QUEUE = "/staff/comments/"


@pytest.fixture
def moderator(client):
    user = make_user(Role.MODERATOR, name="Pastor Tim")
    login(client, user)
    return user


def status_of(comment) -> CommentStatus:
    db.session.expire_all()
    return db.session.get(Comment, comment.id).status


def row_action(client, action: str, comment, url: str = QUEUE):
    return submit(client, "/staff/comments/bulk", {"row": f"{action}:{comment.id}"}, form_url=url)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 302),
        ("leader", 403),
        (Role.EDITOR, 403),
        (Role.REVIEWER, 403),
        (Role.MODERATOR, 200),
        (Role.ADMIN, 200),
    ],
)
def test_only_moderators_and_admins_reach_the_queue(client, who, expected):
    if who == "leader":
        login(client, make_leader())
    elif who is not None:
        login(client, make_user(who))
    assert client.get(QUEUE).status_code == expected


def test_moderators_must_finish_two_factor(client):
    login(client, make_user(Role.MODERATOR), mfa=False)
    assert client.get(QUEUE).headers["Location"] == "/account/two-factor"


def test_tabs_show_counts_and_the_right_comments(client, moderator):
    story = make_story(title_en="Mr. Y in France")
    make_comment(story, status=CommentStatus.PENDING, body="Waiting one", email="w1@example.org")
    make_comment(story, status=CommentStatus.PENDING, body="Waiting two")
    make_comment(story, status=CommentStatus.APPROVED, body="Shown one")
    make_comment(story, status=CommentStatus.SPAM, body="Spam one")

    page = soup(client.get(QUEUE))
    tabs = [" ".join(a.get_text().split()) for a in page.select(".tabs a")]
    assert tabs == ["Pending (2)", "Approved (1)", "Spam (1)", "Trash (0)"]
    text = page.select_one("table").get_text()
    assert "Waiting one" in text and "Waiting two" in text and "Shown one" not in text
    assert "w1@example.org" in text  # moderators see the address; the public never does
    assert "Mr. Y in France" in text
    spam = text_of(client.get(QUEUE + "?status=spam"))
    assert "Spam one" in spam and "Waiting one" not in spam
    assert client.get(QUEUE + "?status=deleted").status_code == 404


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (CommentStatus.PENDING, "approve", CommentStatus.APPROVED),
        (CommentStatus.PENDING, "spam", CommentStatus.SPAM),
        (CommentStatus.PENDING, "trash", CommentStatus.TRASH),
        (CommentStatus.APPROVED, "unapprove", CommentStatus.PENDING),
        (CommentStatus.SPAM, "restore", CommentStatus.PENDING),
        (CommentStatus.TRASH, "restore", CommentStatus.PENDING),
    ],
)
def test_each_row_button_moves_the_comment(client, moderator, start, action, end):
    comment = make_comment(make_story(), status=start)
    response = row_action(client, action, comment, url=QUEUE + f"?status={start.value}")
    assert response.status_code == 302
    assert status_of(comment) == end
    event = db.session.scalars(select(CommentEvent).order_by(CommentEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor_id) == (start, end, moderator.id)


def test_a_refused_move_changes_nothing_and_says_so(client, moderator):
    comment = make_comment(make_story(), status=CommentStatus.APPROVED)
    response = row_action(client, "approve", comment, QUEUE + "?status=approved")
    assert status_of(comment) == CommentStatus.APPROVED
    assert "1 skipped" in text_of(client.get(response.headers["Location"]))
    assert db.session.scalars(select(CommentEvent)).all() == []


def test_bulk_actions_apply_to_every_ticked_comment(client, moderator):
    story = make_story()
    pending = [make_comment(story, status=CommentStatus.PENDING) for _ in range(3)]
    approved = make_comment(story, status=CommentStatus.APPROVED)
    untouched = make_comment(story, status=CommentStatus.PENDING)
    ids = [c.id for c in (*pending, approved)]

    response = submit(
        client, "/staff/comments/bulk", {"action": "approve", "ids": ids}, form_url=QUEUE
    )
    flash = text_of(client.get(response.headers["Location"]))
    assert "3 comments approved." in flash and "1 skipped" in flash
    assert [status_of(c) for c in pending] == [CommentStatus.APPROVED] * 3
    assert status_of(untouched) == CommentStatus.PENDING
    db.session.refresh(story)
    assert story.comment_count == 4

    submit(client, "/staff/comments/bulk", {"action": "trash", "ids": ids}, form_url=QUEUE)
    assert {status_of(c) for c in (*pending, approved)} == {CommentStatus.TRASH}
    db.session.refresh(story)
    assert story.comment_count == 0


def test_bulk_without_a_choice_explains(client, moderator):
    make_comment(make_story(), status=CommentStatus.PENDING)
    response = submit(client, "/staff/comments/bulk", {"action": "approve"}, form_url=QUEUE)
    assert "Tick the comments" in text_of(client.get(response.headers["Location"]))
    response = submit(
        client, "/staff/comments/bulk", {"action": "delete", "ids": [1]}, form_url=QUEUE
    )
    assert "Choose an action" in text_of(client.get(response.headers["Location"]))


def test_bulk_actions_need_the_csrf_token(client, moderator):
    comment = make_comment(make_story(), status=CommentStatus.PENDING)
    assert (
        client.post("/staff/comments/bulk", data={"row": f"approve:{comment.id}"}).status_code
        == 400
    )
    assert status_of(comment) == CommentStatus.PENDING


def test_each_comment_shows_its_history(client, moderator, app):
    story = make_story()
    post_comment(app.test_client(), story, name="Joe Sanders", body="Praying for GSK")
    comment = db.session.scalar(select(Comment))
    url = f"/staff/comments/{comment.id}"
    row_action(client, "spam", comment, url)
    row_action(client, "restore", comment, url)
    row_action(client, "approve", comment, url)

    rows = soup(client.get(url)).select("table.comment-history tbody tr")
    lines = [
        " ".join(" ".join(td.get_text(" ", strip=True) for td in row.find_all("td")[1:]).split())
        for row in rows
    ]
    assert lines == [
        "The commenter Posted: Pending Held for moderation",
        "Pastor Tim Pending to Spam",
        "Pastor Tim Spam to Pending",
        "Pastor Tim Pending to Approved",
    ]
    audit = [a.action for a in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert audit == ["comment.spam", "comment.pending", "comment.approved"]


def test_moderators_can_edit_a_comment_and_the_edit_is_cleaned_and_recorded(client, moderator):
    story = make_story()
    comment = make_comment(story, name="Hana  Kim", body="God bless you")
    url = f"/staff/comments/{comment.id}"
    response = submit(
        client,
        url + "/edit",
        {"name": "Hana Kim", "body": "God bless you on this mission! <script>alert(1)</script>"},
        form_url=url,
    )
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(Comment, comment.id)
    assert edited.author_name == "Hana Kim"
    assert "<script" not in edited.body_html and "mission!" in edited.body_html
    assert "Pastor Tim Edited name, body" in " ".join(text_of(client.get(url)).split())
    public = soup(client.get(page_url(story)))
    assert public.select_one(".comment-text").get_text(strip=True).startswith("God bless you on")

    empty = submit(client, url + "/edit", {"name": "Hana", "body": ""}, form_url=url)
    assert empty.status_code == 422 and "Please write a comment." in text_of(empty)


def test_reply_as_staff_is_published_at_once_and_approves_the_parent(client, moderator):
    story = make_story()
    wanita = make_comment(story, name="Wanita", status=CommentStatus.PENDING)
    url = f"/staff/comments/{wanita.id}"
    response = submit(client, url + "/reply", {"body": "I signed you up, Wanita!"}, form_url=url)
    assert response.status_code == 302
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == wanita.id))
    assert reply.status == CommentStatus.APPROVED and reply.by_staff
    assert reply.author_name == "Pastor Tim" and reply.author_email == moderator.email
    assert status_of(wanita) == CommentStatus.APPROVED

    page = soup(client.get(page_url(story)))
    nested = page.find(id=f"comment-{wanita.id}").select_one(".comment-replies li")
    assert "I signed you up, Wanita!" in nested.get_text()
    assert nested.select_one(".badge-staff")


def test_reply_as_staff_is_refused_under_spam(client, moderator):
    spam = make_comment(make_story(), status=CommentStatus.SPAM)
    url = f"/staff/comments/{spam.id}"
    response = submit(client, url + "/reply", {"body": "Hello"}, form_url=url)
    assert response.status_code == 422
    assert db.session.scalar(select(Comment).where(Comment.parent_id == spam.id)) is None


def test_the_queue_can_close_and_open_comments_on_one_item(client, moderator):
    story = make_story()
    make_comment(story, status=CommentStatus.PENDING)
    filtered = QUEUE + f"?item=story-{story.id}"
    assert "Comments are open on this page." in text_of(client.get(filtered))
    submit(client, f"/staff/comments/items/story/{story.id}/open", {"open": "0"}, form_url=filtered)
    db.session.refresh(story)
    assert story.comments_open is False
    assert soup(client.get(page_url(story))).select_one("form.comment-form") is None
    submit(client, f"/staff/comments/items/story/{story.id}/open", {"open": "1"}, form_url=filtered)
    db.session.refresh(story)
    assert story.comments_open is True


def test_search_finds_by_name_email_or_text(client, moderator):
    story = make_story()
    make_comment(story, status=CommentStatus.PENDING, name="Miriam", body="Praying for KVOM")
    make_comment(story, status=CommentStatus.PENDING, name="Other", email="find-me@example.org")
    assert "Miriam" in text_of(client.get(QUEUE + "?q=kvom"))
    found = text_of(client.get(QUEUE + "?q=find-me"))
    assert "Other" in found and "Miriam" not in found


def test_the_pending_count_is_in_the_staff_navigation(client, moderator, app):
    story = make_story()
    for _ in range(2):
        make_comment(story, status=CommentStatus.PENDING)
    nav = soup(client.get("/staff/")).select_one(".staff-nav a[href='/staff/comments/']")
    assert " ".join(nav.get_text().split()) == "Comments 2 waiting"

    editor = app.test_client()
    login(editor, make_user(Role.EDITOR))
    assert soup(editor.get("/staff/")).select_one(".staff-nav a[href='/staff/comments/']") is None


def test_the_pending_count_is_not_computed_on_public_pages(client, moderator):
    story = make_story()
    url = page_url(story)
    with count_queries() as statements:
        client.get(url)
    assert not [s for s in statements if re.search(r"count\(\*\)", s, re.I)]


def test_the_dashboard_lists_waiting_comments_for_moderators_only(app):
    make_comment(make_story(), status=CommentStatus.PENDING)
    moderator, editor = make_user(Role.MODERATOR), make_user(Role.EDITOR)
    with app.test_request_context():
        items = attention_for(moderator)
        assert [(i.label, i.count, i.url) for i in items] == [
            ("Comments awaiting moderation", 1, "/staff/comments/")
        ]
        assert attention_for(editor) == []
