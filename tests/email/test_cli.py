"""`flask mail ...` and the worker as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email

ROOT = Path(__file__).resolve().parents[2]


def queue(n: int = 1) -> None:
    for i in range(n):
        queue_email(
            f"reader{i}@example.org",
            "subscription_manage",
            subject=f"Message {i}",
            context={"preferences_url": "http://x/y"},
        )
    db.session.commit()


def statuses() -> list[OutboxStatus]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_flask_mail_send_drains_the_queue_once(app, mailbox):
    queue(3)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Mail: 3 sent, 0 to retry, 0 failed, 0 cancelled." in result.output
    assert len(mailbox) == 3
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "sent: 3" in status.output


def test_the_worker_delivers_and_stops_cleanly_on_sigterm(app, smtp_server, mailbox, tmp_path):
    queue(2)
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "INSTANCE_PATH": str(tmp_path),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while statuses() != [OutboxStatus.SENT] * 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert statuses() == [OutboxStatus.SENT] * 2
        queue(1)  # it keeps draining
        deadline = time.monotonic() + 20
        while statuses()[-1] != OutboxStatus.SENT and time.monotonic() < deadline:
            time.sleep(0.1)
        assert statuses() == [OutboxStatus.SENT] * 3
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, output
    assert "Mail worker stopped." in output
    assert len(mailbox) == 3
