"""The leader verification state machine: every transition, allowed and refused, and who
may make it."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import leaders
from app.accounts.models import LeaderEvent, LeaderStatus
from app.audit import AuditEvent
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from app.settings import set_setting
from app.workflow import TransitionRefused
from tests.accounts.factories import make_leader_in, make_staff

S = LeaderStatus
ALLOWED = {
    (S.UNCONFIRMED, S.PENDING_REVIEW): ("confirm", "leader"),
    (S.PENDING_REVIEW, S.VERIFIED): ("approve", "staff"),
    (S.PENDING_REVIEW, S.REJECTED): ("reject", "staff"),
    (S.PENDING_REVIEW, S.INFO_REQUESTED): ("request_info", "staff"),
    (S.INFO_REQUESTED, S.PENDING_REVIEW): ("resubmit", "leader"),
    (S.INFO_REQUESTED, S.REJECTED): ("reject", "staff"),
    (S.VERIFIED, S.SUSPENDED): ("suspend", "staff"),
    (S.VERIFIED, S.PENDING_REVIEW): ("recertify", "leader"),
    (S.SUSPENDED, S.VERIFIED): ("reinstate", "staff"),
    (S.REJECTED, S.PENDING_REVIEW): ("reopen", "staff"),
}
ALL_PAIRS = list(itertools.product(S, S))


def test_the_table_and_the_moves_describe_the_same_transitions():
    table = {
        (source, target)
        for source, targets in leaders.LEADER_WORKFLOW.transitions.items()
        for target in targets
    }
    assert table == set(ALLOWED) == set(leaders.MOVES)
    for pair, (name, who) in ALLOWED.items():
        move = leaders.MOVES[pair]
        assert (move.name, "leader" if move.by_leader else "staff") == (name, who)


@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p in ALLOWED])
def test_each_allowed_transition_is_recorded_audited_and_emailed(source, target):
    leader = make_leader_in(source, locale="ko")
    reviewer = make_staff(Role.REVIEWER)
    name, who = ALLOWED[(source, target)]
    actor = leader if who == "leader" else reviewer
    event = leaders.transition(leader.leader_profile, target, actor, note="Because.")
    db.session.commit()

    assert leader.leader_profile.status == target
    assert (event.from_status, event.to_status, event.actor_id) == (source, target, actor.id)
    assert event.note == "Because."
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == f"leaders.{name}"))
    assert audit.actor_id == actor.id and audit.object_id == leader.leader_profile.id
    assert audit.data["from_status"] == source.value and audit.data["to_status"] == target.value
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.to_address == leader.email
    assert mail.template == f"accounts/{leaders.MOVES[(source, target)].template}"
    assert "Because." in mail.body_text or name in {"confirm", "resubmit", "recertify"}


@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_every_other_transition_is_refused_and_changes_nothing(source, target):
    leader = make_leader_in(source)
    reviewer = make_staff(Role.REVIEWER)
    for actor in (leader, reviewer):
        with pytest.raises(TransitionRefused):
            leaders.transition(leader.leader_profile, target, actor, note="Why not.")
    db.session.rollback()
    assert leader.leader_profile.status == source
    assert db.session.scalar(select(LeaderEvent)) is None
    assert db.session.scalar(select(OutboxMessage)) is None


@pytest.mark.parametrize("pair", [p for p, (_n, who) in ALLOWED.items() if who == "staff"])
def test_staff_moves_need_a_reviewer_who_is_not_the_leader(pair):
    source, target = pair
    leader = make_leader_in(source)
    editor = make_staff(Role.EDITOR, Role.MODERATOR)
    for actor in (leader, editor, None):
        with pytest.raises(leaders.NotAllowed):
            leaders.transition(leader.leader_profile, target, actor, note="x")
    # A reviewer who also leads a ministry cannot decide about their own account.
    leader.add_role(Role.REVIEWER)
    db.session.commit()
    with pytest.raises(leaders.NotAllowed):
        leaders.transition(leader.leader_profile, target, leader, note="x")
    # Admins hold the reviewer role.
    leaders.transition(leader.leader_profile, target, make_staff(Role.ADMIN), note="x")
    assert leader.leader_profile.status == target


@pytest.mark.parametrize("pair", [p for p, (_n, who) in ALLOWED.items() if who == "leader"])
def test_leader_moves_are_made_by_that_leader_only(pair):
    source, target = pair
    leader = make_leader_in(source)
    for actor in (make_staff(Role.REVIEWER), make_leader_in(source), None):
        with pytest.raises(leaders.NotAllowed):
            leaders.transition(leader.leader_profile, target, actor)
    leaders.transition(leader.leader_profile, target, leader)
    assert leader.leader_profile.status == target


@pytest.mark.parametrize("name", ["reject", "request_info", "suspend"])
def test_reject_ask_and_suspend_must_tell_the_leader_why(name):
    pair = next(p for p, (n, _who) in ALLOWED.items() if n == name)
    leader = make_leader_in(pair[0])
    with pytest.raises(leaders.NoteRequired):
        leaders.transition(leader.leader_profile, pair[1], make_staff(Role.REVIEWER), note="  ")
    assert leader.leader_profile.status == pair[0]


def test_approval_lasts_the_configured_number_of_days_and_resets_reminders():
    set_setting("leader_verification_days", 100)
    db.session.commit()
    leader = make_leader_in(S.PENDING_REVIEW)
    profile = leader.leader_profile
    profile.recertify_reminded_at = profile.expiry_notified_at = utcnow()
    reviewer = make_staff(Role.REVIEWER)
    leaders.transition(profile, S.VERIFIED, reviewer, internal_note="Called pastor Lee.")
    db.session.commit()
    assert profile.verification_expires_at - profile.verified_at == timedelta(days=100)
    assert profile.reviewed_by_id == reviewer.id
    assert profile.recertify_reminded_at is None and profile.expiry_notified_at is None
    assert leader.is_verified_leader
    event = db.session.scalar(select(LeaderEvent))
    assert event.internal_note == "Called pastor Lee."
    mail = db.session.scalar(select(OutboxMessage))
    assert "Called pastor Lee." not in mail.body_text + mail.body_html  # staff-only stays so


def test_reinstating_keeps_the_verification_period():
    leader = make_leader_in(S.SUSPENDED)
    profile = leader.leader_profile
    expires = utcnow() + timedelta(days=10)
    profile.verification_expires_at = expires
    db.session.commit()
    leaders.transition(profile, S.VERIFIED, make_staff(Role.REVIEWER))
    assert profile.verification_expires_at == expires
    assert leader.is_verified_leader


def test_recertifying_takes_a_verified_leader_back_to_review():
    leader = make_leader_in(S.VERIFIED, expired=True)
    assert not leader.is_verified_leader and leader.leader_profile.is_expired
    leaders.transition(leader.leader_profile, S.PENDING_REVIEW, leader, note="Still serving.")
    assert leader.leader_profile.status == S.PENDING_REVIEW
    assert leader.leader_profile.submitted_at is not None
