"""Issue 4's "done when": a new leader signs up, confirms the address, is approved by a
reviewer who signed in with a TOTP code, and then reaches the leader dashboard."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import LeaderProfile, LeaderStatus
from app.extensions import db
from app.security import Role
from tests.accounts.factories import make_staff
from tests.accounts.helpers import link_in, location, outbox, sign_in, staff_sign_in
from tests.accounts.test_signup import FORM, NEW_PASSWORD, apply
from tests.helpers import soup, submit, text_of


def test_sign_up_confirm_approve_and_reach_the_dashboard(app):
    leader = app.test_client()
    assert location(apply(leader)) == "/account/signup/check-email"
    confirm = link_in(outbox("confirm_email")[0], "/account/confirm/")
    assert location(submit(leader, confirm)) == "/account/login"
    assert location(sign_in(leader, FORM["email"], NEW_PASSWORD)) == "/account/"
    assert "Our staff are reviewing your application." in text_of(leader.get("/account/"))

    reviewer = make_staff(Role.REVIEWER)
    staff = app.test_client()
    assert location(staff_sign_in(staff, reviewer)) == "/staff/"
    queue = staff.get("/staff/leaders/")
    detail_url = soup(queue).select_one("tbody a")["href"]
    assert FORM["organization"] in text_of(staff.get(detail_url))
    approved = submit(staff, f"{detail_url}/approve", {"message": "Welcome!"}, form_url=detail_url)
    assert location(approved) == detail_url

    db.session.rollback()
    profile = db.session.scalar(select(LeaderProfile))
    assert profile.status == LeaderStatus.VERIFIED
    [mail] = outbox("leader_approved")
    assert mail.to_address == FORM["email"] and "Welcome!" in mail.body_text
    dashboard = text_of(leader.get("/account/"))
    assert "Your ministry is verified until" in dashboard
