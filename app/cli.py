"""Flask commands. Each feature keeps its commands beside it; this module registers them."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.accounts.cli import demo_totp, users
from app.backup import BackupError, backup, restore
from app.bible_requests.cli import requests_cli
from app.comments.cli import comments
from app.demo import load_demo
from app.extensions import db
from app.mail.cli import mail
from app.subscriptions.cli import updates

demo = AppGroup("demo", help="Demo content for a local site (never for production).")
demo.add_command(demo_totp)


@demo.command("load")
def demo_load() -> None:
    """Load the ministry's own page as demo content; running it again changes nothing."""
    report = load_demo()
    db.session.commit()
    for line in report:
        click.echo(line)


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write a consistent archive of the database and the uploads to PATH (.tar.gz)."""
    try:
        manifest = backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the {manifest['engine']} database and uploads to {path}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_command(path: str) -> None:
    """Restore an archive written by `flask backup` into an empty database."""
    try:
        manifest = restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    when, revision = manifest["created_at"], manifest["alembic_revision"]
    click.echo(f"Restored the backup of {when} (database revision {revision}).")


def register(app: Flask) -> None:
    for group in (
        demo,
        users,
        mail,
        updates,
        comments,
        requests_cli,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(group)
