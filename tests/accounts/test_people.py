"""People (/staff/people), for admins: invitations, roles, disabling, two-factor resets,
and the last active admin."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from app.accounts.models import LoginSession, User
from app.audit import AuditEvent
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.accounts.factories import make_staff
from tests.accounts.helpers import link_in, location, outbox, reload, secret_on, sign_in
from tests.factories import PASSWORD, make_leader
from tests.helpers import login, soup, submit, text_of

NEW = "my own staff passphrase"


@pytest.fixture
def admin(client):
    user = make_staff(Role.ADMIN)
    login(client, user)
    return user


def audit_actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _invite(client, email="new.staff@example.org", roles=("editor", "moderator"), locale="en"):
    return submit(
        client,
        "/staff/people/invite",
        {"email": email, "name": "New Staff", "roles": list(roles), "locale": locale},
    )


def test_an_invited_staff_member_sets_a_password_and_enrolls_two_factor(client, admin, app):
    response = _invite(client, locale="ko")
    invitee = db.session.scalar(select(User).where(User.email == "new.staff@example.org"))
    assert location(response) == f"/staff/people/{invitee.id}"
    assert invitee.role_names == {Role.EDITOR, Role.MODERATOR}
    assert invitee.invite_pending and invitee.locale == "ko"
    [mail] = outbox("staff_invite")
    link = link_in(mail, "/account/invite/")
    assert "users.invite" in audit_actions()

    # Nobody can sign in to an invited account before the invitation is accepted.
    assert "not right" in text_of(sign_in(app.test_client(), invitee.email, "any guess at all"))

    newcomer = app.test_client()
    page = newcomer.get(link)
    assert soup(page).find("input", {"name": "name"})["value"] == "New Staff"
    done = submit(newcomer, link, {"name": "New Staff", "password": NEW, "password_again": NEW})
    assert location(done) == "/account/two-factor"
    assert location(newcomer.get("/staff/")) == "/account/two-factor"  # enroll first
    page = newcomer.get("/account/two-factor")
    secret = secret_on(page)
    submit(newcomer, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert newcomer.get("/staff/").status_code == 200
    invitee = reload(invitee)
    assert not invitee.invite_pending and invitee.email_confirmed_at is not None
    assert newcomer.get(link).status_code == 400  # single use
    assert "users.invite_accepted" in audit_actions()


def test_inviting_an_existing_address_is_explained(client, admin):
    make_leader(email="leader@example.org")
    response = _invite(client, email="leader@example.org")
    assert response.status_code == 200
    assert "An account with this email exists" in text_of(response)
    assert outbox("staff_invite") == []


def test_an_invitation_needs_a_role_and_a_valid_address(client, admin):
    response = _invite(client, email="not-an-address", roles=())
    text = text_of(response)
    assert "Invalid email address." in text and "Choose at least one role." in text


def test_a_new_invitation_link_replaces_the_old_and_links_expire(client, admin):
    _invite(client)
    invitee = db.session.scalar(select(User).where(User.email == "new.staff@example.org"))
    first = link_in(outbox("staff_invite")[0], "/account/invite/")
    submit(
        client, f"/staff/people/{invitee.id}/resend-invite", form_url=f"/staff/people/{invitee.id}"
    )
    second = link_in(outbox("staff_invite")[1], "/account/invite/")
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1), tick=False):
        assert client.get(second).status_code == 400
    assert "users.invite_resent" in audit_actions()


def test_roles_change_and_the_change_is_a_security_event(client, admin):
    leader_and_editor = make_leader()
    leader_and_editor.add_role(Role.EDITOR)
    db.session.commit()
    response = submit(
        client,
        f"/staff/people/{leader_and_editor.id}/roles",
        {"roles": ["reviewer", "moderator"]},
        form_url=f"/staff/people/{leader_and_editor.id}",
    )
    assert location(response) == f"/staff/people/{leader_and_editor.id}"
    assert reload(leader_and_editor).role_names == {Role.LEADER, Role.REVIEWER, Role.MODERATOR}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "users.roles_changed"))
    assert event.actor_id == admin.id and event.data["security"] is True
    assert event.data["old"] == ["editor", "leader"]
    assert event.data["new"] == ["leader", "moderator", "reviewer"]
    history = text_of(client.get(f"/staff/people/{leader_and_editor.id}"))
    assert "users.roles_changed" in history


def test_disabling_ends_every_session_and_enabling_allows_sign_in(client, admin, app):
    editor = make_staff(Role.EDITOR)
    elsewhere = app.test_client()
    login(elsewhere, editor)
    assert elsewhere.get("/staff/").status_code == 200
    response = submit(
        client,
        f"/staff/people/{editor.id}/disable",
        {"note": "Left the ministry"},
        form_url=f"/staff/people/{editor.id}",
    )
    assert location(response) == f"/staff/people/{editor.id}"
    assert reload(editor).disabled_at is not None
    assert location(elsewhere.get("/staff/")).startswith("/account/login")
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == editor.id)) is None
    assert "not right" in text_of(sign_in(app.test_client(), editor.email))
    submit(client, f"/staff/people/{editor.id}/enable", form_url=f"/staff/people/{editor.id}")
    assert reload(editor).disabled_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "users.disable"))
    assert event.note == "Left the ministry" and event.data["security"] is True
    assert "users.enable" in audit_actions()


def test_nobody_can_remove_or_disable_the_last_active_admin(client, admin):
    url = f"/staff/people/{admin.id}"
    response = submit(client, f"{url}/roles", {"roles": ["editor"]}, form_url=url)
    assert location(response) == url
    assert "This is the last active admin." in text_of(client.get(url))
    assert reload(admin).role_names == {Role.ADMIN}
    # Disabling oneself is refused anyway; another admin who is disabled or only invited
    # does not count as an active admin.
    disabled_admin = make_staff(Role.ADMIN)
    disabled_admin.disabled_at = utcnow()
    invited_admin = make_staff(Role.ADMIN)
    invited_admin.invited_at = utcnow()
    db.session.commit()
    submit(client, f"{url}/roles", {"roles": []}, form_url=url)
    assert Role.ADMIN in reload(admin).role_names
    # With a second active admin, the first may step down.
    make_staff(Role.ADMIN)
    submit(client, f"{url}/roles", {"roles": ["reviewer"]}, form_url=url)
    assert reload(admin).role_names == {Role.REVIEWER}


def test_an_admin_cannot_disable_their_own_account(client, admin):
    make_staff(Role.ADMIN)
    url = f"/staff/people/{admin.id}"
    response = submit(client, f"{url}/disable", {"note": ""}, form_url="/account/")
    assert location(response) == url  # the page offers no button; a crafted POST is refused
    assert "You cannot disable your own account." in text_of(client.get(url))
    assert reload(admin).disabled_at is None


def test_an_admin_may_step_down_while_another_admin_is_active(client, admin):
    make_staff(Role.ADMIN)
    url = f"/staff/people/{admin.id}"
    submit(client, f"{url}/roles", {"roles": ["editor"]}, form_url=url)
    assert reload(admin).role_names == {Role.EDITOR}
    assert client.get("/staff/people/").status_code == 403  # no longer an admin


def test_resetting_two_factor_makes_them_enroll_again(client, admin, app):
    editor = make_staff(Role.EDITOR)
    url = f"/staff/people/{editor.id}"
    submit(client, f"{url}/reset-two-factor", {"note": "Lost phone"}, form_url=url)
    assert reload(editor).totp_secret is None
    assert outbox("two_factor_disabled")[0].to_address == editor.email
    other = app.test_client()
    sign_in(other, editor.email, PASSWORD)
    assert soup(other.get("/account/two-factor")).select_one("code.secret")  # enrolls anew
    assert "users.two_factor_reset" in audit_actions()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.MODERATOR, Role.REVIEWER])
def test_only_admins_reach_people(client, role):
    target = make_staff(Role.EDITOR)
    login(client, make_staff(role))
    for url in ("/staff/people/", "/staff/people/invite", f"/staff/people/{target.id}"):
        assert client.get(url).status_code == 403
    assert "People" not in text_of(client.get("/staff/"))


def test_the_people_list_filters_and_searches(client, admin):
    make_staff(Role.EDITOR, name="Editor Eun")
    make_leader(name="Leader Lee")
    staff = text_of(client.get("/staff/people/"))
    assert "Editor Eun" in staff and "Leader Lee" not in staff
    leaders = text_of(client.get("/staff/people/?kind=leaders"))
    assert "Leader Lee" in leaders and "Editor Eun" not in leaders
    found = text_of(client.get("/staff/people/?kind=all&q=eun"))
    assert "Editor Eun" in found and "Leader Lee" not in found
    assert client.get("/staff/people/?kind=nope").status_code == 404
    assert client.get("/staff/people/999999").status_code == 404


def test_a_leader_made_staff_signs_in_again_and_enrolls(client, admin, app):
    leader = make_leader()
    theirs = app.test_client()
    sign_in(theirs, leader.email, remember=True)
    assert theirs.get("/account/").status_code == 200
    url = f"/staff/people/{leader.id}"
    submit(client, f"{url}/roles", {"roles": ["reviewer"]}, form_url=url)
    assert location(theirs.get("/account/")).startswith("/account/login")
    assert location(sign_in(theirs, leader.email)) == "/account/two-factor"
