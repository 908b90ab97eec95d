"""The outbox and its delivery, against a real SMTP server on loopback."""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.mail import backends
from app.mail.delivery import claim, deliver_batch, drain
from app.mail.models import MailCategory, OutboxMessage, OutboxStatus, SuppressionReason
from app.mail.services import (
    HeaderInjectionError,
    InvalidAddressError,
    queue_email,
    suppress,
)
from tests.conftest import CatchingHandler, free_port


def queue(n: int = 1, **kwargs) -> list[OutboxMessage]:
    messages = [
        queue_email(
            kwargs.pop("to", None) or f"reader{i}@example.org",
            "subscription_manage",
            subject=kwargs.get("subject", f"Message {i}"),
            context={"preferences_url": "http://localhost/subscription/abc", "name": ""},
        )
        for i in range(n)
    ]
    db.session.commit()
    return messages


def statuses() -> list[OutboxStatus]:
    db.session.expire_all()
    return [m.status for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_message_is_multipart_with_a_stable_message_id_and_no_unsubscribe(mailbox):
    (message,) = queue(subject="Your prayer-update subscription")
    report = drain()
    assert (report.sent, report.failed) == (1, 0)
    received = mailbox[0]
    assert received["Message-ID"] == message.message_id
    assert received["Message-ID"].endswith("@vomkorea.example>")
    assert received["Subject"] == "Your prayer-update subscription"
    assert received["From"] == "VOM Korea <newcomers@vomkorea.example>"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in received.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert "List-Unsubscribe" not in received and "List-Unsubscribe-Post" not in received
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT and message.sent_at is not None
    assert message.attempts == 1


def test_korean_mail_survives_the_trip(mailbox):
    queue_email(
        "reader@example.org",
        "subscription_manage",
        subject="기도 소식 구독",
        locale="ko",
        to_name="김하나",
        context={"preferences_url": "http://x/y"},
    )
    db.session.commit()
    drain()
    assert mailbox[0]["Subject"] == "기도 소식 구독"
    assert mailbox[0]["To"].addresses[0].display_name == "김하나"


def test_one_smtp_connection_serves_a_whole_batch(monkeypatch, mailbox):
    opened = []

    class CountingSMTP(smtplib.SMTP):
        def __init__(self, *args, **kwargs):
            opened.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(backends.smtplib, "SMTP", CountingSMTP)
    queue(12)
    assert drain(batch_size=100).sent == 12
    assert len(mailbox) == 12
    assert len(opened) == 1


def test_nothing_is_sent_when_the_change_rolls_back(mailbox):
    queue_email(
        "reader@example.org",
        "subscription_manage",
        subject="Never",
        context={"preferences_url": "http://x/y"},
    )
    db.session.rollback()
    assert drain().claimed == 0
    assert mailbox == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"subject": "Hello\r\nBcc: everyone@example.org"}, HeaderInjectionError),
        ({"to_name": "Eve\nBcc: everyone@example.org"}, HeaderInjectionError),
        ({"to": "a@example.org\r\nBcc: b@example.org"}, HeaderInjectionError),
        ({"headers": {"X-Note": "one\r\nBcc: b@example.org"}}, HeaderInjectionError),
        ({"to": "not an address"}, InvalidAddressError),
        ({"to": "x" * 65 + "@example.org"}, InvalidAddressError),
        ({"to": "x@" + "d" * 250 + ".org"}, InvalidAddressError),
    ],
)
def test_header_injection_and_bad_addresses_never_reach_smtp(mailbox, kwargs, error):
    arguments = {"to": "ok@example.org", "subject": "Hello", **kwargs}
    with pytest.raises(error, match=r"Line breaks are not allowed|."):
        queue_email(
            arguments.pop("to"),
            "subscription_manage",
            context={"preferences_url": "http://x/y"},
            **arguments,
        )
    db.session.rollback()
    assert drain().claimed == 0
    assert mailbox == []


def test_transient_failures_retry_with_growing_backoff_then_fail_visibly(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    (message,) = queue()
    waits = []
    now = utcnow()
    with time_machine.travel(now, tick=False) as clock:
        for _attempt in range(3):
            report = drain()
            assert report.claimed == 1
            db.session.refresh(message)
            if message.status == OutboxStatus.QUEUED:
                waits.append((message.next_attempt_at - utcnow()).total_seconds())
                assert drain().claimed == 0  # not due before its time
                clock.move_to(message.next_attempt_at + timedelta(seconds=1))
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3
    assert "Gave up after 3 attempts" in message.last_error
    assert "cannot connect" in message.last_error
    assert 50 <= waits[0] <= 70 and 100 <= waits[1] <= 140  # 60 s, then 120 s, +-10 %


@pytest.fixture
def picky_server():
    """An SMTP server that refuses some recipients for good and others for now."""

    class Picky(CatchingHandler):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("nobody@"):
                return "550 5.1.1 No such user here"
            if address.startswith("busy@"):
                return "451 4.2.0 Mailbox busy, try later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    controller = Controller(Picky(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def test_permanent_refusals_fail_at_once_and_temporary_ones_wait(app, monkeypatch, picky_server):
    monkeypatch.setitem(app.config, "MAIL_PORT", picky_server.port)
    for to in ("nobody@example.org", "busy@example.org", "fine@example.org"):
        queue(to=to)
    report = drain()
    assert (report.sent, report.retried, report.failed) == (1, 1, 1)
    db.session.expire_all()
    by_address = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert by_address["nobody@example.org"].status == OutboxStatus.FAILED
    assert "550 5.1.1" in by_address["nobody@example.org"].last_error
    assert by_address["busy@example.org"].status == OutboxStatus.QUEUED
    assert by_address["busy@example.org"].next_attempt_at > utcnow()
    assert [m["To"] for m in picky_server.handler.messages] == ["fine@example.org"]


def test_a_worker_that_dies_mid_batch_loses_nothing(mailbox):
    queue(5)
    _token, ids = claim(limit=100, lease_seconds=120)  # ... and the worker dies here
    assert len(ids) == 5
    assert drain().claimed == 0  # the rows are leased: nobody else sends them meanwhile
    assert set(statuses()) == {OutboxStatus.SENDING}
    with time_machine.travel(utcnow() + timedelta(seconds=121), tick=True):
        report = drain()
    assert report.sent == 5
    assert statuses() == [OutboxStatus.SENT] * 5
    assert len({m["Message-ID"] for m in mailbox}) == len(mailbox) == 5
    assert {m.attempts for m in db.session.scalars(select(OutboxMessage))} == {2}


def test_a_message_that_keeps_killing_workers_ends_up_failed(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    queue(1)
    start = utcnow()
    for n in range(2):
        with time_machine.travel(start + timedelta(seconds=200 * n), tick=True):
            assert len(claim(limit=10, lease_seconds=120)[1]) == 1  # claimed, then dies
    with time_machine.travel(start + timedelta(seconds=500), tick=True):
        assert drain().claimed == 0
    assert statuses() == [OutboxStatus.FAILED]


def test_a_stopping_worker_gives_back_what_it_did_not_try(app, mailbox):
    queue(3)
    stop = threading.Event()
    stop.set()
    report = deliver_batch(backends.backend_for(app.config), stop=stop)
    assert report.claimed == 3 and report.sent == 0
    assert statuses() == [OutboxStatus.QUEUED] * 3
    assert {m.attempts for m in db.session.scalars(select(OutboxMessage))} == {0}
    assert drain().sent == 3


def test_suppressed_addresses_are_never_mailed(mailbox):
    queue(to="gone@example.org")
    suppress("Gone@Example.org", SuppressionReason.HARD_BOUNCE)
    queue(to="gone@example.org")  # asked again later: refused at once
    db.session.commit()
    assert statuses() == [OutboxStatus.CANCELLED, OutboxStatus.CANCELLED]
    assert drain().claimed == 0
    assert mailbox == []


def test_suppression_after_a_claim_still_stops_the_message(mailbox):
    queue(to="late@example.org")
    # Suppressed while already claimed by a worker that then carries on.
    claim(limit=10)
    suppress("late@example.org", SuppressionReason.COMPLAINT)
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(seconds=121), tick=True):
        drain()
    assert mailbox == []
    assert statuses() == [OutboxStatus.CANCELLED]


def test_the_development_backend_writes_eml_files_and_logs_their_links(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    queue_email(
        "reader@example.org",
        "subscription_manage",
        subject="Your link",
        context={"preferences_url": "http://localhost/subscription/tok.sig"},
    )
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="app.mail"):
        assert drain().sent == 1
    files = list(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))
    assert len(files) == 1
    written = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert written["Subject"] == "Your link"
    assert written.get_content_type() == "multipart/alternative"
    assert "http://localhost/subscription/tok.sig" in caplog.text
    assert str(files[0]) in caplog.text


def test_two_concurrent_workers_send_each_message_exactly_once(app, mailbox):
    """Two workers drain 200 messages, none twice, none lost (PostgreSQL claims rows with
    FOR UPDATE SKIP LOCKED, SQLite with one UPDATE ... RETURNING; the suite runs on both)."""
    for n in range(200):
        queue_email(
            f"reader{n}@example.org",
            "subscription_manage",
            subject=f"Message {n}",
            context={"preferences_url": "http://x/y"},
        )
    db.session.commit()
    start = threading.Barrier(2)
    reports = {}

    def worker(name: str) -> None:
        with app.app_context():
            start.wait()
            reports[name] = drain(batch_size=10)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert reports["a"].sent + reports["b"].sent == 200
    assert reports["a"].sent > 0 and reports["b"].sent > 0  # both really worked
    ids = [m["Message-ID"] for m in mailbox]
    assert len(ids) == len(set(ids)) == 200
    assert statuses() == [OutboxStatus.SENT] * 200
    assert {m.category for m in db.session.scalars(select(OutboxMessage))} == {
        MailCategory.TRANSACTIONAL
    }


def test_bulk_mail_cannot_be_queued_without_its_unsubscribe_headers():
    with pytest.raises(ValueError, match="RFC 8058"):
        queue_email(
            "reader@example.org",
            "subscription_manage",
            subject="News",
            category=MailCategory.BULK,
            context={"preferences_url": "http://x/y"},
        )
