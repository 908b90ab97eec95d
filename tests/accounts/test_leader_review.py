"""Reviewers decide about leaders at /staff/leaders: the queue, the details, each decision
with its note, in the audit trail and emailed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import LeaderEvent, LeaderStatus
from app.audit import AuditEvent
from app.extensions import db
from app.security import Role
from app.staff.dashboard import attention_for
from tests.accounts.factories import make_leader_in, make_staff
from tests.accounts.helpers import location, outbox, reload
from tests.helpers import login, soup, submit, text_of

S = LeaderStatus

DECISIONS = [
    ("approve", S.PENDING_REVIEW, S.VERIFIED, "leader_approved"),
    ("reject", S.PENDING_REVIEW, S.REJECTED, "leader_rejected"),
    ("reject", S.INFO_REQUESTED, S.REJECTED, "leader_rejected"),
    ("request_info", S.PENDING_REVIEW, S.INFO_REQUESTED, "leader_info_requested"),
    ("suspend", S.VERIFIED, S.SUSPENDED, "leader_suspended"),
    ("reinstate", S.SUSPENDED, S.VERIFIED, "leader_reinstated"),
    ("reopen", S.REJECTED, S.PENDING_REVIEW, "leader_reopened"),
]


@pytest.fixture
def reviewer(client):
    user = make_staff(Role.REVIEWER)
    login(client, user)
    return user


def test_the_queue_lists_leaders_awaiting_review_oldest_first(client, reviewer):
    first = make_leader_in(S.PENDING_REVIEW, organization="First Church")
    second = make_leader_in(S.PENDING_REVIEW, organization="Second Mission")
    make_leader_in(S.VERIFIED, organization="Verified NGO")
    page = client.get("/staff/leaders/")
    assert page.status_code == 200
    rows = [row.get_text(" ", strip=True) for row in soup(page).select("tbody tr")]
    assert len(rows) == 2
    assert "First Church" in rows[0] and "Second Mission" in rows[1]
    assert first.email in rows[0] and second.email in rows[1]
    verified = text_of(client.get("/staff/leaders/?tab=verified"))
    assert "Verified NGO" in verified and "First Church" not in verified
    found = text_of(client.get("/staff/leaders/?tab=review&q=second"))
    assert "Second Mission" in found and "First Church" not in found
    assert client.get("/staff/leaders/?tab=nonsense").status_code == 404


def test_the_detail_page_shows_everything_the_leader_told_us(client, reviewer):
    leader = make_leader_in(
        S.PENDING_REVIEW,
        organization="Hope Church NK Congregation",
        reference="Senior pastor Lee, 010-1234-5678",
        ministry_description="Weekly Bible study with 12 North Koreans since 2019.",
        meeting_frequency="Every Sunday",
    )
    page = client.get(f"/staff/leaders/{leader.leader_profile.id}")
    text = text_of(page)
    for expected in (
        leader.email,
        "Hope Church NK Congregation",
        "A church's North Korean congregation",
        "Pastor of the NK congregation",
        "Seoul, South Korea",
        "Senior pastor Lee, 010-1234-5678",
        "Weekly Bible study with 12 North Koreans since 2019.",
        "Every Sunday",
    ):
        assert expected in text, expected
    buttons = [b.get_text(strip=True) for b in soup(page).select(".review-form button")]
    assert buttons == ["Approve", "Reject", "Ask for more information"]
    assert client.get("/staff/leaders/99999").status_code == 404


@pytest.mark.parametrize(("action", "source", "target", "template"), DECISIONS)
def test_each_decision_is_recorded_audited_and_emailed(
    client, reviewer, action, source, target, template
):
    leader = make_leader_in(source)
    profile_id = leader.leader_profile.id
    url = f"/staff/leaders/{profile_id}/{action}"
    response = submit(
        client,
        url,
        {"message": "We called your pastor.", "internal_note": "Pastor Lee vouched."},
        form_url=f"/staff/leaders/{profile_id}",
    )
    assert location(response) == f"/staff/leaders/{profile_id}"
    assert reload(leader).leader_profile.status == target
    event = db.session.scalar(select(LeaderEvent))
    assert (event.actor_id, event.from_status, event.to_status) == (reviewer.id, source, target)
    assert (event.note, event.internal_note) == ("We called your pastor.", "Pastor Lee vouched.")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == f"leaders.{action}"))
    assert audit.actor_id == reviewer.id and audit.note == "We called your pastor."
    [mail] = outbox(template)
    assert mail.to_address == leader.email
    assert "We called your pastor." in mail.body_text
    assert "Pastor Lee vouched." not in mail.body_text
    history = text_of(client.get(f"/staff/leaders/{profile_id}"))
    assert "Pastor Lee vouched." in history


@pytest.mark.parametrize("action", ["reject", "request_info", "suspend"])
def test_a_decision_that_needs_a_reason_is_refused_without_one(client, reviewer, action):
    source = next(src for name, src, _t, _m in DECISIONS if name == action)
    leader = make_leader_in(source)
    profile_id = leader.leader_profile.id
    response = submit(
        client,
        f"/staff/leaders/{profile_id}/{action}",
        {"message": "", "internal_note": "kept"},
        form_url=f"/staff/leaders/{profile_id}",
    )
    assert response.status_code == 400
    assert "Please write the leader a message saying why." in text_of(response)
    assert soup(response).find("textarea", {"name": "internal_note"}).get_text().strip() == "kept"
    assert reload(leader).leader_profile.status == source
    assert outbox() == []


def test_a_decision_the_state_does_not_allow_is_refused(client, reviewer):
    leader = make_leader_in(S.UNCONFIRMED)
    profile_id = leader.leader_profile.id
    for action in ("approve", "suspend", "reinstate", "reopen"):
        response = submit(
            client,
            f"/staff/leaders/{profile_id}/{action}",
            {"message": "x"},
            form_url="/account/",  # the page offers no such button; a crafted POST
        )
        assert location(response) == f"/staff/leaders/{profile_id}"
    assert reload(leader).leader_profile.status == S.UNCONFIRMED
    assert db.session.scalar(select(LeaderEvent)) is None
    unknown = submit(client, f"/staff/leaders/{profile_id}/confirm", form_url="/account/")
    assert unknown.status_code == 404  # leaders' own moves are not staff actions


def test_a_reviewer_cannot_decide_about_their_own_leader_account(client):
    both = make_leader_in(S.PENDING_REVIEW)
    both.add_role(Role.REVIEWER)
    both.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    login(client, both)
    profile_id = both.leader_profile.id
    page = client.get(f"/staff/leaders/{profile_id}")
    assert "another reviewer must decide" in text_of(page)
    response = submit(client, f"/staff/leaders/{profile_id}/approve", form_url="/account/")
    assert response.status_code == 403
    assert reload(both).leader_profile.status == S.PENDING_REVIEW


@pytest.mark.parametrize("roles", [(Role.EDITOR,), (Role.MODERATOR,)])
def test_staff_without_the_reviewer_role_cannot_review(client, roles):
    leader = make_leader_in(S.PENDING_REVIEW)
    login(client, make_staff(*roles))
    assert client.get("/staff/leaders/").status_code == 403
    assert client.get(f"/staff/leaders/{leader.leader_profile.id}").status_code == 403
    nav = text_of(client.get("/staff/"))
    assert "Ministry leaders" not in nav


def test_leaders_and_visitors_cannot_reach_the_review_pages(client):
    leader = make_leader_in(S.PENDING_REVIEW)
    assert location(client.get("/staff/leaders/")).startswith("/account/login")
    login(client, leader)
    assert client.get("/staff/leaders/").status_code == 403


def test_reviewers_without_two_factor_are_sent_to_enroll(client):
    login(client, make_staff(Role.REVIEWER, totp=False), mfa=False)
    assert location(client.get("/staff/leaders/")) == "/account/two-factor"


def test_the_dashboard_counts_leaders_awaiting_review_for_reviewers_only(client, reviewer):
    make_leader_in(S.PENDING_REVIEW)
    make_leader_in(S.PENDING_REVIEW)
    make_leader_in(S.INFO_REQUESTED)
    with client.application.test_request_context():
        [item] = [a for a in attention_for(reviewer) if a.url.startswith("/staff/leaders/")]
        assert item.count == 2 and item.url == "/staff/leaders/?tab=review"
        editor = make_staff(Role.EDITOR)
        assert not [a for a in attention_for(editor) if a.url.startswith("/staff/leaders/")]
    assert "Ministry leaders" in text_of(client.get("/staff/"))
