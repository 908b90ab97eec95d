"""`flask requests ...`: the Bible request jobs cron runs (each idempotent, safe hourly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.bible_requests import maintenance
from app.extensions import db

requests_cli = AppGroup(
    "requests", help="Bible requests: reminders, receipt, photo and data clean-up."
)


def _run(label: str, job) -> int:
    count = job()
    db.session.commit()
    click.echo(f"{label}: {count}")
    return count


@requests_cli.command("remind")
def remind() -> None:
    """Queue proof reminders (7 days before, on the day, 7 days after); each is sent once."""
    _run("reminders queued", maintenance.send_reminders)


@requests_cli.command("assume-received")
def assume_received() -> None:
    """Count shipped requests as received `received_assumed_days` after shipping."""
    _run("assumed received", maintenance.assume_receipt)


@requests_cli.command("purge-photos")
def purge_photos() -> None:
    """Delete verification photos `photo_retention_days` after verification."""
    _run("photos deleted", maintenance.purge_photos)


@requests_cli.command("erase-defector-data")
def erase_defector_data() -> None:
    """Erase defectors' names, addresses and contacts `defector_data_days` after shipping."""
    _run("defector requests erased", maintenance.erase_defector_data)


@requests_cli.command("maintain")
def maintain() -> None:
    """All of the above, in order, each committed on its own (run it hourly from cron)."""
    # Receipt first, so a request assumed received today is reminded on the same run.
    _run("assumed received", maintenance.assume_receipt)
    _run("reminders queued", maintenance.send_reminders)
    _run("photos deleted", maintenance.purge_photos)
    _run("defector requests erased", maintenance.erase_defector_data)
