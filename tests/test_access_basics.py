"""The staff gate and leader checks that every feature builds on."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.models import LeaderStatus
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.factories import make_leader, make_user
from tests.helpers import login


def test_staff_area_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=/staff/")


def test_staff_area_refuses_leaders(client):
    login(client, make_leader())
    assert client.get("/staff/").status_code == 403


def test_staff_without_two_factor_are_sent_to_it(client):
    login(client, make_user(Role.MODERATOR), mfa=False)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor"


def test_staff_with_two_factor_reach_the_dashboard_without_caching(client):
    login(client, make_user(Role.MODERATOR))
    response = client.get("/staff/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_leader_is_verified_only_while_verification_is_current():
    leader = make_leader()
    assert leader.is_verified_leader
    leader.leader_profile.verification_expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert not leader.is_verified_leader
    for status in set(LeaderStatus) - {LeaderStatus.VERIFIED}:
        assert not make_leader(status).is_verified_leader


def test_admin_holds_every_staff_role(client):
    from app.security import has_role

    admin = make_user(Role.ADMIN)
    assert has_role(admin, Role.MODERATOR, Role.REVIEWER) and has_role(admin, Role.EDITOR)
    assert not has_role(admin, Role.LEADER)
