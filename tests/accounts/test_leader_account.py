"""The leader's side: the dashboard says what to do next, the profile answers questions and
recertifies, reminders go once, and unverified leaders cannot pass the verified gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from app import create_app
from app.accounts import leaders, recertify
from app.accounts.models import LeaderEvent, LeaderStatus
from app.database import utcnow
from app.extensions import db
from app.security import Role, leader_required
from tests.accounts.factories import make_leader_in, make_staff
from tests.accounts.helpers import location, outbox, reload
from tests.conftest import IsolatedClient
from tests.factories import make_user
from tests.helpers import login, soup, submit, text_of

S = LeaderStatus

NEXT_STEP = {
    S.UNCONFIRMED: "Next step: confirm your email address.",
    S.PENDING_REVIEW: "Our staff are reviewing your application.",
    S.INFO_REQUESTED: "Our reviewer has a question for you:",
    S.VERIFIED: "You can request NK Bibles",
    S.REJECTED: "We could not approve your application.",
    S.SUSPENDED: "Your leader account is suspended",
}


@pytest.mark.parametrize("status", list(S))
def test_the_dashboard_says_where_the_leader_stands_and_what_is_next(client, status):
    leader = make_leader_in(status, status_note="Which church do you serve?")
    login(client, leader)
    text = text_of(client.get("/account/"))
    assert NEXT_STEP[status] in text
    if status in {S.INFO_REQUESTED, S.REJECTED, S.SUSPENDED}:
        assert "Which church do you serve?" in text
    assert "Ministry profile" in text and "Settings" in text


def test_an_expired_verification_asks_the_leader_to_recertify(client):
    leader = make_leader_in(S.VERIFIED, expired=True)
    login(client, leader)
    text = text_of(client.get("/account/"))
    assert "Your verification ended on" in text and "Recertify now" in text


def test_a_verification_ending_soon_is_announced(client):
    leader = make_leader_in(S.VERIFIED)
    leader.leader_profile.verification_expires_at = utcnow() + timedelta(days=10)
    db.session.commit()
    login(client, leader)
    assert "Your verification ends soon." in text_of(client.get("/account/"))


PROFILE = {
    "organization": "Hope Church NK Congregation",
    "organization_type": "ngo",
    "position": "Director",
    "country": "South Korea",
    "city": "Busan",
    "reference": "NGO registration 123-45",
    "ministry_description": "Discipleship of 20 North Koreans every week since 2017.",
    "nk_count": "20",
    "ministry_since": "2017",
    "meeting_frequency": "Weekly",
}


def test_answering_the_reviewers_question_returns_to_review(client):
    leader = make_leader_in(S.INFO_REQUESTED, status_note="Which church?")
    login(client, leader)
    page = client.get("/account/profile")
    assert "Which church?" in text_of(page)
    response = submit(client, "/account/profile", {**PROFILE, "note": "Hope Church, Busan."})
    assert location(response) == "/account/"
    profile = reload(leader).leader_profile
    assert profile.status == S.PENDING_REVIEW
    assert (profile.city, profile.nk_count, profile.organization_type.value) == ("Busan", 20, "ngo")
    event = db.session.scalars(select(LeaderEvent).order_by(LeaderEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.note) == (
        S.INFO_REQUESTED,
        S.PENDING_REVIEW,
        "Hope Church, Busan.",
    )
    assert outbox("leader_submitted")


def test_recertifying_sends_a_verified_leader_back_to_review(client):
    leader = make_leader_in(S.VERIFIED, expired=True)
    login(client, leader)
    assert "Please recertify" in text_of(client.get("/account/profile"))
    response = submit(client, "/account/profile", {**PROFILE, "note": "All current."})
    assert location(response) == "/account/"
    assert reload(leader).leader_profile.status == S.PENDING_REVIEW


def test_before_review_the_details_are_just_saved(client):
    leader = make_leader_in(S.PENDING_REVIEW)
    login(client, leader)
    page = client.get("/account/profile")
    assert soup(page).find("input", {"name": "organization"})["value"] == (
        leader.leader_profile.organization
    )
    submit(client, "/account/profile", PROFILE)
    profile = reload(leader).leader_profile
    assert profile.status == S.PENDING_REVIEW and profile.city == "Busan"
    assert db.session.scalar(select(LeaderEvent)) is None  # no state change


@pytest.mark.parametrize("status", [S.REJECTED, S.SUSPENDED])
def test_rejected_and_suspended_profiles_are_read_only(client, status):
    leader = make_leader_in(status)
    login(client, leader)
    page = client.get("/account/profile")
    assert soup(page).find("input", {"name": "organization"}) is None
    assert leader.leader_profile.organization in text_of(page)
    submit(client, "/account/profile", PROFILE, form_url="/account/")
    assert reload(leader).leader_profile.city == "Seoul"


def test_a_leader_without_details_adds_them_for_review(client):
    leader = make_user(Role.LEADER)  # e.g. created with `flask users create --role leader`
    login(client, leader)
    assert "Add your ministry details" in text_of(client.get("/account/"))
    submit(client, "/account/profile", PROFILE)
    assert reload(leader).leader_profile.status == S.PENDING_REVIEW


def test_staff_accounts_have_no_ministry_profile_page(client):
    login(client, make_staff(Role.EDITOR))
    assert client.get("/account/profile").status_code == 403


def test_recertify_reminders_go_once_per_verification_period(app):
    soon = make_leader_in(S.VERIFIED)
    soon.leader_profile.verification_expires_at = utcnow() + timedelta(days=20)
    ended = make_leader_in(S.VERIFIED, expired=True)
    make_leader_in(S.VERIFIED)  # a whole year left
    make_leader_in(S.SUSPENDED, expired=True)  # not verified: no reminder
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "recertify-reminders"])
    assert first.exit_code == 0, first.output
    assert "Reminded 1 leader(s) whose verification ends soon, 1 whose ended." in first.output
    assert [m.to_address for m in outbox("leader_recertify_soon")] == [soon.email]
    assert [m.to_address for m in outbox("leader_recertify_expired")] == [ended.email]
    assert "/account/profile" in outbox("leader_recertify_soon")[0].body_text
    again = runner.invoke(args=["users", "recertify-reminders"])
    assert "Reminded 0 leader(s) whose verification ends soon, 0 whose ended." in again.output
    assert len(outbox()) == 2

    # When the "soon" leader's year ends, they get the second notice, once.
    with time_machine.travel(utcnow() + timedelta(days=21), tick=False):
        later = runner.invoke(args=["users", "recertify-reminders"])
    assert "0 leader(s) whose verification ends soon, 1 whose ended." in later.output
    assert len(outbox("leader_recertify_expired")) == 2


def test_approval_starts_a_new_period_with_new_reminders():
    leader = make_leader_in(S.PENDING_REVIEW)
    profile = leader.leader_profile
    profile.recertify_reminded_at = utcnow()
    leaders.transition(profile, S.VERIFIED, make_staff(Role.REVIEWER))
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=340), tick=False):
        assert recertify.send_recertify_reminders() == (1, 0)


# --- the verified-leader gate, on a small app of its own ----------------------------------


@pytest.fixture
def gate_app(app, tmp_path, monkeypatch) -> Flask:
    """A test-only app with one page declared leader_required(verified=True), and a stand-in
    for the Bible requests panel the dashboard includes."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    gated = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )

    @gated.get("/only-verified")
    @leader_required(verified=True)
    def only_verified():
        return "the verified page"

    gated.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"bible_requests/_leader_panel.html": "<p>PANEL for {{ user.email }}</p>"}),
            gated.jinja_env.loader,
        ]
    )
    gated.test_client_class = IsolatedClient
    yield gated
    with gated.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("status", "expired"),
    [(status, False) for status in S if status != S.VERIFIED] + [(S.VERIFIED, True)],
)
def test_a_leader_who_is_not_verified_cannot_pass_the_gate(gate_app, status, expired):
    client = gate_app.test_client()
    login(client, make_leader_in(status, expired=expired))
    response = client.get("/only-verified")
    assert response.status_code == 302
    assert location(response) == "/account/"


def test_a_verified_leader_passes_the_gate_and_others_do_not(gate_app):
    client = gate_app.test_client()
    assert location(client.get("/only-verified")).startswith("/account/login")
    login(client, make_leader_in(S.VERIFIED))
    assert client.get("/only-verified").get_data(as_text=True) == "the verified page"
    staff = gate_app.test_client()
    login(staff, make_staff(Role.ADMIN))
    assert staff.get("/only-verified").status_code == 403


def test_the_dashboard_includes_the_bible_requests_panel_for_leaders(gate_app, client):
    leader = make_leader_in(S.VERIFIED)
    gated = gate_app.test_client()
    login(gated, leader)
    assert f"PANEL for {leader.email}" in gated.get("/account/").get_data(as_text=True)
    login(client, make_leader_in(S.VERIFIED))  # without the panel template: no error
    assert client.get("/account/").status_code == 200
