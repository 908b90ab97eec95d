"""The request state machine: every allowed transition works, every other one is refused."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import User
from app.audit import AuditEvent
from app.bible_requests import services
from app.bible_requests.decline_texts import active_templates
from app.bible_requests.models import BibleRequest, RequestEvent, RequestState
from app.bible_requests.workflow import (
    REQUEST_WORKFLOW,
    REVIEWER_MAY,
    ActorRefused,
    transition,
)
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from app.workflow import TransitionRefused
from tests.bible_requests.factories import make_request, race, request_values, upload
from tests.factories import make_leader, make_user

S = RequestState

ALLOWED = {
    (S.SUBMITTED, S.CHANGES_REQUESTED),
    (S.SUBMITTED, S.APPROVED),
    (S.SUBMITTED, S.DECLINED),
    (S.SUBMITTED, S.CANCELLED),
    (S.CHANGES_REQUESTED, S.SUBMITTED),
    (S.CHANGES_REQUESTED, S.CANCELLED),
    (S.APPROVED, S.SHIPPED),
    (S.APPROVED, S.CANCELLED),
    (S.SHIPPED, S.RECEIVED),
    (S.RECEIVED, S.VERIFICATION_SUBMITTED),
    (S.VERIFICATION_SUBMITTED, S.VERIFIED),
    (S.VERIFICATION_SUBMITTED, S.VERIFICATION_RETURNED),
    (S.VERIFICATION_RETURNED, S.VERIFICATION_SUBMITTED),
}
# Who hears about each step (the cancel case depends on who cancels; see below).
TO_REVIEWERS = {S.SUBMITTED, S.VERIFICATION_SUBMITTED}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_table_is_exactly_the_issue_s_workflow():
    table = {(a, b) for a in S for b in REQUEST_WORKFLOW.next_states(a)}
    assert table == ALLOWED


def _take(req, to, reviewer):
    leader = req.leader
    if to == S.SUBMITTED:
        services.resubmit(req, leader, request_values(quantity_requested=4), "More detail added.")
    elif to == S.VERIFICATION_SUBMITTED:
        today = utcnow().date()
        values = {"bibles_given": req.quantity, "given_from": today, "given_until": today}
        services.submit_verification(req, leader, values, [upload()])
    elif to == S.APPROVED:
        transition(req, to, reviewer, "", quantity=req.quantity_requested)
    elif to == S.DECLINED:
        transition(req, to, reviewer, "", template=active_templates()[0])
    elif to == S.SHIPPED:
        transition(req, to, reviewer, "", carrier="Korea Post", tracking_number="RR1")
    elif to in (S.RECEIVED, S.CANCELLED):
        transition(req, to, leader, "")
    else:
        actor = reviewer if to in REVIEWER_MAY else leader
        transition(req, to, actor, "A note for the leader.")


@pytest.mark.parametrize(
    ("current", "target"),
    list(itertools.product(S, S)),
    ids=lambda s: s.value,
)
def test_every_transition_is_allowed_or_refused(current, target):
    reviewer = make_user(Role.REVIEWER)
    req = make_request(current, reviewer=reviewer)
    events, audits = count(RequestEvent), count(AuditEvent)
    outbox = count(OutboxMessage)
    if (current, target) in ALLOWED:
        _take(req, target, reviewer)
        db.session.commit()
        assert req.state == target
        event = db.session.scalars(select(RequestEvent).order_by(RequestEvent.id.desc())).first()
        assert (event.from_state, event.to_state) == (current, target)
        assert event.created_at is not None and event.actor_label
        assert count(AuditEvent) > audits
        last_audit = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last_audit.action == f"bible_request.{target.value}"
        mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert count(OutboxMessage) > outbox
        audience = reviewer.email if target in TO_REVIEWERS or target == S.CANCELLED else None
        assert mail.to_address == (audience or req.leader.email)
        assert mail.body_text.strip() and mail.body_html.startswith("<!doctype html>")
        assert f"#{req.id}" in mail.subject
    else:
        actor = reviewer if target in REVIEWER_MAY else req.leader
        with pytest.raises(TransitionRefused):
            transition(req, target, actor, "note", quantity=1, carrier="x")
        db.session.rollback()
        db.session.refresh(req)
        assert req.state == current
        assert (count(RequestEvent), count(AuditEvent), count(OutboxMessage)) == (
            events,
            audits,
            outbox,
        )


def test_a_leader_cannot_take_reviewer_steps_on_their_own_request():
    req = make_request()
    for target in (S.APPROVED, S.DECLINED, S.CHANGES_REQUESTED):
        with pytest.raises(ActorRefused):
            transition(req, target, req.leader, "I approve myself", quantity=1)
        db.session.rollback()
    assert req.state == S.SUBMITTED


def test_another_leader_cannot_cancel_or_confirm_someone_else_s_request():
    req = make_request(S.SHIPPED)
    stranger = make_leader()
    with pytest.raises(ActorRefused):
        transition(req, S.RECEIVED, stranger, "")
    db.session.rollback()
    other = make_request()
    with pytest.raises(ActorRefused):
        transition(other, S.CANCELLED, stranger, "")


def test_the_system_may_only_assume_receipt():
    req = make_request(S.APPROVED)
    with pytest.raises(ActorRefused):
        transition(req, S.SHIPPED, None, "", carrier="x")
    db.session.rollback()
    shipped = make_request(S.SHIPPED)
    transition(shipped, S.RECEIVED, None, "assumed", assumed=True)
    assert shipped.received_assumed and shipped.state == S.RECEIVED


def test_a_stale_page_cannot_move_a_request_someone_else_already_moved():
    req = make_request()
    reviewer = make_user(Role.REVIEWER)
    # Another reviewer declined it meanwhile (written straight to the database).
    db.session.execute(
        text("UPDATE bible_requests SET state = 'DECLINED' WHERE id = :id"), {"id": req.id}
    )
    with pytest.raises(TransitionRefused):
        transition(req, S.APPROVED, reviewer, "", quantity=1)


def test_notes_are_required_where_the_leader_needs_a_reason():
    from app.bible_requests.errors import RequestError

    reviewer = make_user(Role.REVIEWER)
    req = make_request()
    with pytest.raises(RequestError):
        transition(req, S.CHANGES_REQUESTED, reviewer, "   ")
    with pytest.raises(RequestError):
        transition(req, S.CANCELLED, reviewer, "")  # staff must say why
    db.session.rollback()
    transition(req, S.CANCELLED, req.leader, "")  # the leader need not
    assert req.state == S.CANCELLED


def test_two_reviewers_acting_at_once_on_one_request_cannot_both_succeed(app):
    reviewer = make_user(Role.REVIEWER)
    req = make_request(reviewer=reviewer)
    request_id, reviewer_id = req.id, reviewer.id

    def approve() -> str:
        transition(db.session.get(BibleRequest, request_id), S.APPROVED,
                   db.session.get(User, reviewer_id), "", quantity=1)  # fmt: skip
        return "approved"

    def decline() -> str:
        transition(db.session.get(BibleRequest, request_id), S.DECLINED,
                   db.session.get(User, reviewer_id), "", template=active_templates()[0])  # fmt: skip
        return "declined"

    outcomes = race(app, approve, decline)
    assert sorted(outcomes) in (
        ["TransitionRefused", "approved"],
        ["TransitionRefused", "declined"],
    )
    events = db.session.scalar(select(func.count()).select_from(RequestEvent))
    assert events == 2  # submitted, then exactly one decision
