"""`flask users ...`: create accounts and manage roles from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.accounts import services
from app.audit import record
from app.extensions import db
from app.security import Role

users = AppGroup("users", help="Accounts: create staff, change roles.")

ROLE_CHOICE = click.Choice([r.value for r in Role])


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
    if len(password) < 12:
        raise click.ClickException("The password must have at least 12 characters.")
    user = services.create_user(email, password, name=name, roles=tuple(Role(r) for r in roles))
    record("users.create", user, note="command line", roles=sorted(roles))
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles)) or 'none'}.")
    if any(Role(r) != Role.LEADER for r in roles):
        click.echo("Staff sign in at /account/login and enroll two-factor authentication first.")
