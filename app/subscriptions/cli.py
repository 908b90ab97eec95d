"""`flask updates ...`: the weekly digest and scheduled prayer updates."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail.services import site_request
from app.settings import get_setting
from app.subscriptions import sending

updates = AppGroup("updates", help="Prayer updates: the weekly digest, scheduled sends.")


@updates.command("digest")
@click.option("--draft", is_flag=True, help="Only prepare it; staff review and send it.")
def digest_command(draft: bool) -> None:
    """Build the weekly update from what was published since the last one, and send it.

    Runs only when staff have turned on the digest (site setting "digest_enabled"); run it
    weekly from cron, e.g. `0 9 * * 5 flask --app wsgi updates digest`.
    """
    if not get_setting("digest_enabled"):
        click.echo("The weekly digest is turned off in the site settings; nothing was done.")
        return
    with site_request():
        update = sending.build_digest(send=not draft)
    if update is None:
        click.echo("Nothing was published since the last update; no digest this time.")
        return
    db.session.commit()
    items = len(update.items)
    if draft:
        click.echo(f"Digest update {update.id} with {items} items saved as a draft.")
    else:
        click.echo(
            f"Digest update {update.id} with {items} items queued for "
            f"{update.recipient_count} subscribers."
        )


@updates.command("run-due")
def run_due_command() -> None:
    """Start scheduled updates whose time has come (the mail worker does this by itself)."""
    with site_request():
        lines = sending.run_due_jobs()
    for line in lines or ["Nothing to do."]:
        click.echo(line)
    db.session.commit()
