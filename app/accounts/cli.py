"""`flask users ...`: accounts from the command line; `flask demo totp` for demo accounts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts import people, recertify, services, totp
from app.accounts.passwords import password_problem
from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.i18n import N_
from app.security import Role

users = AppGroup("users", help="Accounts: create staff, change roles, disable, reminders.")

ROLE_CHOICE = click.Choice([r.value for r in Role])


def _user(email: str):
    user = services.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@users.command("create")
@click.argument("email")
@click.option(
    "--role", "roles", multiple=True, type=ROLE_CHOICE, help="May be given several times."
)
@click.option("--name", default="", help="Display name.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given (use the option only in scripts).",
)
def create(email: str, roles: tuple[str, ...], name: str, password: str) -> None:
    """Create an account, e.g. the first admin: flask users create you@example.org --role admin"""
    if services.find_by_email(email):
        raise click.ClickException(f"An account for {email} already exists.")
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(f"The password cannot be used: {problem}")
    user = services.create_user(email, password, name=name, roles=tuple(Role(r) for r in roles))
    user.email_confirmed_at = utcnow()
    record("users.create", user, note=N_("command line"), roles=sorted(roles), security=True)
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles)) or 'none'}.")
    if any(Role(r) != Role.LEADER for r in roles):
        click.echo("Staff sign in at /account/login and enroll two-factor authentication first.")


@users.command("set-role")
@click.argument("email")
@click.argument("roles", nargs=-1, type=ROLE_CHOICE)
def set_role(email: str, roles: tuple[str, ...]) -> None:
    """Give an account exactly ROLES (none removes every role): set-role a@b.org admin editor"""
    user = _user(email)
    try:
        changed = people.set_roles(
            user, [Role(r) for r in roles], actor=None, note=N_("command line")
        )
    except people.LastAdmin as error:
        raise click.ClickException(
            f"{user.email} is the last active admin; make someone else an admin first."
        ) from error
    db.session.commit()
    held = ", ".join(sorted(r.value for r in user.role_names)) or "none"
    click.echo(f"{user.email}: roles {'now' if changed else 'unchanged'}: {held}.")


@users.command("disable")
@click.argument("email")
@click.option("--note", default="", help="Why, for the audit trail.")
def disable(email: str, note: str) -> None:
    """Lock an account and end its sessions."""
    user = _user(email)
    try:
        people.disable(user, actor=None, note=note or "command line")
    except people.LastAdmin as error:
        raise click.ClickException(
            f"{user.email} is the last active admin; make someone else an admin first."
        ) from error
    db.session.commit()
    click.echo(f"Disabled {user.email}.")


@users.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Allow a disabled account to sign in again."""
    user = _user(email)
    people.enable(user, actor=None, note=N_("command line"))
    db.session.commit()
    click.echo(f"Enabled {user.email}.")


@users.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Remove an account's two-factor (lost phone); it enrolls again at the next sign-in."""
    user = _user(email)
    if not user.totp_enabled:
        raise click.ClickException(f"{user.email} has no two-factor authentication.")
    people.reset_two_factor(user, actor=None, note=N_("command line"))
    db.session.commit()
    click.echo(f"Two-factor authentication removed for {user.email}.")


@users.command("recertify-reminders")
def recertify_reminders() -> None:
    """Email leaders whose verification ends within 30 days or has ended (run daily; safe to
    repeat: each reminder goes once per verification period)."""
    soon, ended = recertify.send_recertify_reminders()
    db.session.commit()
    click.echo(f"Reminded {soon} leader(s) whose verification ends soon, {ended} whose ended.")


@click.command("totp")
@click.argument("email")
def demo_totp(email: str) -> None:
    """Development only: print the current two-factor code of a demo account."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Refused: this command does not run in production.")
    user = services.find_by_email(email)
    if user is None or not user.is_demo:
        raise click.ClickException(f"{email} is not a demo account.")
    if not user.totp_secret:
        raise click.ClickException(f"{email} has no two-factor authentication.")
    click.echo(totp.current_code(user.totp_secret))
