"""Moderation is a state machine: each move allowed or refused, recorded, and counted."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.comments import housekeeping, services
from app.comments.models import CommentEvent, CommentStatus
from app.extensions import db
from app.security import Role
from app.workflow import TransitionRefused
from tests.comments.factories import make_comment
from tests.factories import make_story, make_user

S = CommentStatus
ALLOWED = {
    (S.PENDING, S.APPROVED), (S.PENDING, S.SPAM), (S.PENDING, S.TRASH),
    (S.APPROVED, S.PENDING), (S.APPROVED, S.SPAM), (S.APPROVED, S.TRASH),
    (S.SPAM, S.PENDING), (S.SPAM, S.APPROVED), (S.SPAM, S.TRASH),
    (S.TRASH, S.PENDING), (S.TRASH, S.APPROVED), (S.TRASH, S.SPAM),
}  # fmt: skip
ALL_PAIRS = list(itertools.product(CommentStatus, CommentStatus))


def events_of(comment) -> list[tuple]:
    return [
        (e.action, e.from_status, e.to_status, e.actor_id)
        for e in db.session.scalars(
            select(CommentEvent)
            .where(CommentEvent.comment_id == comment.id)
            .order_by(CommentEvent.id)
        )
    ]


@pytest.mark.parametrize(("start", "target"), [p for p in ALL_PAIRS if p in ALLOWED])
def test_allowed_transitions_move_record_and_audit(start, target):
    moderator = make_user(Role.MODERATOR)
    story = make_story()
    comment = make_comment(story, status=start)

    services.transition(comment, target, moderator, note="checked")
    db.session.commit()

    assert comment.status == target
    assert events_of(comment)[-1] == ("moved", start, target, moderator.id)
    event = db.session.scalars(select(CommentEvent).order_by(CommentEvent.id.desc())).first()
    assert event.note == "checked" and event.actor_label == moderator.display_name
    audit = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (audit.action, audit.object_id, audit.actor_id) == (
        f"comment.{target.value}",
        comment.id,
        moderator.id,
    )
    db.session.refresh(story)
    assert story.comment_count == (1 if target == S.APPROVED else 0)


@pytest.mark.parametrize(("start", "target"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_refused_transitions_change_nothing(start, target):
    moderator = make_user(Role.MODERATOR)
    story = make_story()
    comment = make_comment(story, status=start)
    with pytest.raises(TransitionRefused):
        services.transition(comment, target, moderator)
    db.session.rollback()
    db.session.refresh(comment)
    assert comment.status == start
    assert events_of(comment) == []


def test_the_refused_set_is_exactly_staying_put():
    assert {p for p in ALL_PAIRS if p not in ALLOWED} == {(s, s) for s in CommentStatus}


@pytest.mark.parametrize(
    ("path", "restored"),
    [
        ([S.SPAM], S.PENDING),
        ([S.APPROVED, S.TRASH], S.APPROVED),
        ([S.TRASH], S.PENDING),
        ([S.APPROVED, S.SPAM, S.TRASH], S.APPROVED),
    ],
)
def test_restore_goes_back_to_where_the_comment_was(path, restored):
    moderator = make_user(Role.MODERATOR)
    story = make_story()
    comment = make_comment(story, status=S.PENDING)
    for status in path:
        services.transition(comment, status, moderator)
    services.restore(comment, moderator)
    db.session.commit()
    assert comment.status == restored
    db.session.refresh(story)
    assert story.comment_count == (1 if restored == S.APPROVED else 0)


@pytest.mark.parametrize("status", [S.PENDING, S.APPROVED])
def test_restore_is_refused_outside_spam_and_trash(status):
    comment = make_comment(make_story(), status=status)
    with pytest.raises(TransitionRefused):
        services.restore(comment, make_user(Role.MODERATOR))


def test_the_approved_count_follows_every_move():
    moderator = make_user(Role.MODERATOR)
    story = make_story()
    comments = [make_comment(story, status=S.PENDING) for _ in range(3)]
    for comment in comments:
        services.transition(comment, S.APPROVED, moderator)
    services.transition(comments[0], S.TRASH, moderator)
    services.transition(comments[1], S.PENDING, moderator)
    db.session.commit()
    db.session.refresh(story)
    assert story.comment_count == 1
    assert housekeeping.recount() == 0  # nothing to repair
    story.comment_count = 9
    db.session.commit()
    assert housekeeping.recount() == 1
    db.session.commit()
    db.session.refresh(story)
    assert story.comment_count == 1


def test_a_comment_does_not_make_its_story_look_updated():
    story = make_story()
    before = story.updated_at
    services.transition(
        make_comment(story, status=S.PENDING), S.APPROVED, make_user(Role.MODERATOR)
    )
    db.session.commit()
    db.session.refresh(story)
    assert story.updated_at == before
