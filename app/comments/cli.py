"""`flask comments ...`: privacy housekeeping and a repair tool."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.comments import housekeeping
from app.extensions import db

comments = AppGroup("comments", help="Comments: purge client address hashes, recount.")


@comments.command("purge")
@click.option("--days", default=30, show_default=True, help="Keep hashes this many days.")
def purge(days: int) -> None:
    """Delete the client address hash of comments older than --days (run it daily)."""
    if days < 1:
        raise click.BadParameter("must be at least 1", param_hint="--days")
    cleared = housekeeping.purge_ip_hashes(days)
    db.session.commit()
    click.echo(f"Cleared the client address hash of {cleared} comment(s) older than {days} days.")


@comments.command("recount")
def recount() -> None:
    """Recompute the approved-comment counts shown on lists."""
    changed = housekeeping.recount()
    db.session.commit()
    click.echo(f"Corrected the comment count of {changed} item(s).")
