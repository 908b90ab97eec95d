"""Security events reach the log as single lines, with the user id and no secrets."""

from __future__ import annotations

import logging

from app.audit import record
from app.extensions import db
from app.logs import OneLineFormatter
from tests.factories import make_user


def test_line_breaks_in_logged_values_are_escaped():
    formatter = OneLineFormatter("%(asctime)sZ %(message)s", datefmt="%Y-%m-%dT%H:%M:%S")
    line = formatter.format(
        logging.LogRecord(
            "x", logging.INFO, __file__, 1, "user %s", ("eve\n2026 INFO forged",), None
        )
    )
    assert "\n" not in line and "eve\\n2026 INFO forged" in line


def test_audit_events_are_logged_with_user_id_and_utc_time(app, caplog):
    user = make_user("admin", email="admin@example.org")
    with caplog.at_level(logging.INFO, logger="app.audit"):
        record("settings.change", user, actor=user, note="secret note")
        db.session.commit()
    (message,) = [r.getMessage() for r in caplog.records if r.name == "app.audit"]
    assert message == f"audit action=settings.change actor_id={user.id} object=User:{user.id}"
    assert "admin@example.org" not in message and "secret note" not in message
    assert OneLineFormatter.converter.__name__ == "gmtime"
