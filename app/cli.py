"""Flask commands. Each feature keeps its commands beside it; this module registers them."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

demo = AppGroup("demo", help="Demo content for a local site (never for production).")


@demo.command("load")
def demo_load() -> None:
    """Load the ministry's own page as demo content; running it again changes nothing."""
    from app.demo import load_demo

    report = load_demo()
    db.session.commit()
    for line in report:
        click.echo(line)


def register(app: Flask) -> None:
    from app.accounts.cli import users
    from app.mail.cli import mail
    from app.subscriptions.cli import updates

    for group in (demo, users, mail, updates):
        app.cli.add_command(group)
