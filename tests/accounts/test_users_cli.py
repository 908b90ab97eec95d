"""`flask users ...` and the demo accounts of `flask demo load`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts import demo as demo_accounts
from app.accounts.models import LeaderStatus, LoginSession, User
from app.audit import AuditEvent
from app.extensions import db
from app.security import Role
from tests.accounts.factories import make_staff
from tests.accounts.helpers import location, reload, sign_in
from tests.factories import make_leader
from tests.helpers import login, submit


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


def test_create_refuses_common_passwords(run):
    result = run("users", "create", "a@example.org", "--password", "password1234")
    assert result.exit_code == 1 and "most common passwords" in result.output
    assert db.session.scalar(select(User)) is None


def test_set_role_gives_exactly_the_roles_named(run):
    user = make_staff(Role.EDITOR)
    make_staff(Role.ADMIN)
    result = run("users", "set-role", user.email.upper(), "admin", "reviewer")
    assert result.exit_code == 0, result.output
    assert "roles now: admin, reviewer." in result.output
    assert reload(user).role_names == {Role.ADMIN, Role.REVIEWER}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "users.roles_changed"))
    assert event.actor_id is None and event.note == "command line" and event.data["security"]
    assert run("users", "set-role", user.email).exit_code == 0
    assert reload(user).role_names == set()
    assert run("users", "set-role", "nobody@example.org", "admin").exit_code == 1
    assert run("users", "set-role", user.email, "owner").exit_code == 2  # not a role


def test_the_command_line_cannot_remove_or_disable_the_last_active_admin(run):
    admin = make_staff(Role.ADMIN)
    refused = run("users", "set-role", admin.email, "editor")
    assert refused.exit_code == 1 and "last active admin" in refused.output
    refused = run("users", "disable", admin.email)
    assert refused.exit_code == 1 and "last active admin" in refused.output
    admin = reload(admin)
    assert admin.role_names == {Role.ADMIN} and admin.disabled_at is None
    second = make_staff(Role.ADMIN)
    assert run("users", "disable", admin.email).exit_code == 0
    assert run("users", "set-role", second.email, "editor").exit_code == 1


def test_disable_ends_sessions_and_enable_restores_sign_in(run, client):
    leader = make_leader()
    login(client, leader)
    result = run("users", "disable", leader.email, "--note", "spam account")
    assert result.exit_code == 0 and "Disabled" in result.output
    assert location(client.get("/account/")).startswith("/account/login")
    assert db.session.scalar(select(LoginSession)) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "users.disable"))
    assert event.note == "spam account"
    assert run("users", "enable", leader.email).exit_code == 0
    assert location(sign_in(client, leader.email)) == "/account/"


def test_reset_two_factor_from_the_command_line(run):
    admin = make_staff(Role.ADMIN)
    result = run("users", "reset-two-factor", admin.email)
    assert result.exit_code == 0, result.output
    assert reload(admin).totp_secret is None
    assert run("users", "reset-two-factor", admin.email).exit_code == 1  # nothing to reset


def test_demo_load_creates_the_demo_accounts_once_and_prints_passwords_once(run, app):
    first = run("demo", "load")
    assert first.exit_code == 0, first.output
    passwords = dict(re.findall(r"Created: demo \w+ (\S+) with password (\S+)", first.output))
    assert set(passwords) == {demo_accounts.DEMO_LEADER, demo_accounts.DEMO_ADMIN}
    secret = re.search(r"two-factor secret.*: (\S+)", first.output).group(1)

    second = run("demo", "load")
    assert second.exit_code == 0
    assert "with password" not in second.output and "secret" not in second.output
    assert f"Already there: demo admin {demo_accounts.DEMO_ADMIN}" in second.output
    assert len(db.session.scalars(select(User)).all()) == 2

    leader = db.session.scalar(select(User).where(User.email == demo_accounts.DEMO_LEADER))
    admin = db.session.scalar(select(User).where(User.email == demo_accounts.DEMO_ADMIN))
    assert leader.is_demo and admin.is_demo
    assert leader.is_verified_leader and leader.leader_profile.status == LeaderStatus.VERIFIED
    assert admin.role_names == {Role.ADMIN} and admin.totp_secret == secret

    # A newcomer reaches both areas with what was printed.
    client = app.test_client()
    assert location(sign_in(client, leader.email, passwords[leader.email])) == "/account/"
    staff = app.test_client()
    assert location(sign_in(staff, admin.email, passwords[admin.email])) == "/account/two-factor"
    code = run("demo", "totp", admin.email).output.strip()
    assert re.fullmatch(r"\d{6}", code)
    assert location(submit(staff, "/account/two-factor", {"code": code})) == "/staff/"


def test_demo_totp_refuses_accounts_that_are_not_demo_accounts(run):
    real = make_staff(Role.ADMIN)
    result = run("demo", "totp", real.email)
    assert result.exit_code == 1 and "not a demo account" in result.output
    assert run("demo", "totp", "nobody@example.org").exit_code == 1


def test_demo_accounts_are_never_made_or_read_in_production(run, app, monkeypatch):
    run("demo", "load")
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = run("demo", "totp", demo_accounts.DEMO_ADMIN)
    assert result.exit_code == 1 and "does not run in production" in result.output
    db.session.execute(User.__table__.delete())
    db.session.commit()
    with app.app_context():
        assert demo_accounts.load_demo_accounts() == [
            "Skipped demo accounts: APP_ENV is production."
        ]
    assert db.session.scalar(select(User)) is None
