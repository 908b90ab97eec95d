"""`flask mail ...`: deliver the outbox once or keep delivering, suppress addresses."""

from __future__ import annotations

import logging
import signal
import threading
import time

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from app.mail import services
from app.mail.delivery import drain
from app.mail.models import OutboxMessage, OutboxStatus, SuppressionReason

log = logging.getLogger("app.mail")

mail = AppGroup("mail", help="The outbox: deliver mail, run the worker, suppress addresses.")

JOBS_EVERY = 10.0  # seconds between scheduled-send checks in the worker
REASONS = {
    "hard-bounce": SuppressionReason.HARD_BOUNCE,
    "complaint": SuppressionReason.COMPLAINT,
    "manual": SuppressionReason.MANUAL,
}


def run_jobs() -> None:
    """Start prayer updates whose time has come and close sends that are done."""
    from app.subscriptions.sending import run_due_jobs

    with services.site_request():
        for line in run_due_jobs():
            log.info(line)
    db.session.commit()


@mail.command("send")
@click.option("--batch-size", type=click.IntRange(1, 10_000), help="Messages per claim.")
def send_command(batch_size: int | None) -> None:
    """Deliver everything that is due now, once, then exit."""
    run_jobs()
    report = drain(batch_size=batch_size)
    run_jobs()
    click.echo(f"Mail: {report}.")


@mail.command("worker")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), help="Messages per claim.")
@click.option("--quiet", is_flag=True, help="Only problems (and, in development, mail links).")
def worker_command(interval: float, batch_size: int | None, quiet: bool) -> None:
    """Keep delivering until stopped (SIGTERM or Ctrl-C finish the message in hand first)."""
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    if not quiet:
        click.echo("Mail worker started (Ctrl-C stops it).")
    last_jobs = 0.0
    try:
        while not stop.is_set():
            try:
                if time.monotonic() - last_jobs >= JOBS_EVERY:
                    run_jobs()
                    last_jobs = time.monotonic()
                report = drain(batch_size=batch_size, stop=stop)
                if report.claimed and not quiet:
                    click.echo(f"Mail: {report}.")
            except Exception:  # keep the worker alive through a database restart
                log.exception("mail worker: delivery round failed; trying again shortly")
                db.session.rollback()
                stop.wait(max(interval, 5.0))
            finally:
                db.session.remove()
            stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not quiet:
        click.echo("Mail worker stopped.")


@mail.command("suppress")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--reason", type=click.Choice(sorted(REASONS)), default="hard-bounce", show_default=True
)
@click.option("--note", default="", help="Why (kept with each address).")
def suppress_command(file, reason: str, note: str) -> None:
    """Never mail the addresses in FILE again ('-' reads standard input).

    One address per line; anything after the address (a comma, a space, '#') is ignored,
    so bounce reports exported as CSV work as they are.
    """
    added = already = skipped = 0
    for number, line in enumerate(file, 1):
        value = line.split("#", 1)[0].replace(",", " ").split()
        if not value:
            continue
        try:
            _, new = services.suppress(
                value[0], REASONS[reason], note=note or f"flask mail suppress ({reason})"
            )
        except ValueError as error:
            click.echo(f"Line {number}: {value[0]!r} skipped: {error}", err=True)
            skipped += 1
            continue
        added += new
        already += not new
    db.session.commit()
    click.echo(f"Suppressed {added} new addresses ({already} already were, {skipped} skipped).")


@mail.command("unsuppress")
@click.argument("address")
def unsuppress_command(address: str) -> None:
    """Allow mail to ADDRESS again (e.g. a bounce recorded by mistake)."""
    row = services.suppression_of(address.strip())
    if row is None:
        raise click.ClickException(f"{address} is not suppressed.")
    services.unsuppress(row)
    db.session.commit()
    click.echo(f"{row.email} may be mailed again.")


@mail.command("status")
def status_command() -> None:
    """How many messages are in each state."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    for status in OutboxStatus:
        click.echo(f"{status.value:>10}: {counts.get(status, 0)}")


@mail.command("purge")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, None))
def purge_command(days: int) -> None:
    """Delete sent, failed and cancelled messages older than DAYS (they hold addresses)."""
    deleted = services.purge(days)
    db.session.commit()
    click.echo(f"Deleted {deleted} finished messages older than {days} days.")
