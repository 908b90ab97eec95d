"""Delivering the outbox: claim due messages under a lease, send them, record the results.

Several workers may run at once. A worker claims a batch in one short transaction: on
PostgreSQL with ``SELECT ... FOR UPDATE SKIP LOCKED`` (workers never wait for or take each
other's rows), on SQLite with a single ``UPDATE ... RETURNING`` (SQLite runs one writer at a
time). Claimed rows are ``sending`` until ``locked_until``; the worker renews that lease as
it records results, so a worker that dies mid-batch loses nothing: when its lease runs out,
another worker claims the rows again. Attempts are counted when a row is claimed, so a
message that keeps killing workers ends up failed instead of looping forever.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from app.database import utcnow
from app.extensions import db
from app.mail.backends import Backend, ConnectionFailed, PermanentError, TransientError, backend_for
from app.mail.compose import compose, fill
from app.mail.models import OutboxBody, OutboxMessage, OutboxStatus
from app.mail.services import suppressed_among

log = logging.getLogger("app.mail")

M = OutboxMessage
LEASE_SECONDS = 120  # renewed at every flush, so only a dead worker's rows expire
FLUSH_EVERY = 25  # record results after this many messages ...
FLUSH_SECONDS = 1.0  # ... or this many seconds, whichever comes first
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class Report:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    def add(self, other: Report) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, "
            f"{self.cancelled} cancelled"
        )


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Wait before attempt `attempts + 1`: base, 2x, 4x ... at most 6 hours, with jitter."""
    delay = timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))
    jitter = 0.9 + secrets.randbelow(201) / 1000  # 0.9 .. 1.1, so retries spread out
    return min(delay, MAX_BACKOFF) * jitter


def reclaim_expired(now: datetime) -> None:
    """Leases that ran out belong to a worker that died: queue their rows again.

    A row whose lease ran out on its last allowed attempt is failed instead (a message that
    kills every worker must not loop forever). Only in-flight rows are looked at.
    """
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    expired = (M.status == OutboxStatus.SENDING, M.locked_until < now)
    released = {"claim_token": None, "locked_until": None}
    for condition, values in (
        (
            M.attempts >= max_attempts,
            {
                "status": OutboxStatus.FAILED,
                "last_error": f"Gave up after {max_attempts} attempts "
                "(the worker stopped each time).",
            },
        ),
        (M.attempts < max_attempts, {"status": OutboxStatus.QUEUED}),
    ):
        db.session.execute(
            update(M)
            .where(*expired, condition)
            .values(**released, **values)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def claim(limit: int, lease_seconds: int = LEASE_SECONDS) -> tuple[str, list[int]]:
    """Claim up to `limit` due messages for this worker; returns (claim token, ids)."""
    db.session.commit()  # start from a fresh transaction (SQLite: no stale read snapshot)
    now = utcnow()
    reclaim_expired(now)
    token = secrets.token_hex(16)
    # Served by the (status, next_attempt_at) index, in order, however long the history.
    pick = (
        select(M.id)
        .where(M.status == OutboxStatus.QUEUED, M.next_attempt_at <= now)
        .order_by(M.next_attempt_at)
        .limit(limit)
    )
    values = {
        "status": OutboxStatus.SENDING,
        "claim_token": token,
        "locked_until": now + timedelta(seconds=lease_seconds),
        "attempts": M.attempts + 1,
    }
    if db.engine.dialect.name == "postgresql":
        ids = list(db.session.scalars(pick.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(
                update(M)
                .where(M.id.in_(ids))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    else:  # one statement: SQLite has one writer at a time, so no one can claim in between
        statement = update(M).where(M.id.in_(pick.scalar_subquery())).values(**values)
        ids = list(
            db.session.scalars(
                statement.returning(M.id).execution_options(synchronize_session=False)
            )
        )
    db.session.commit()
    return token, sorted(ids)


COLUMNS = (
    M.id,
    M.created_at,
    M.to_address,
    M.to_name,
    M.subject,
    M.body_text,
    M.body_html,
    M.body_id,
    M.variables,
    M.headers,
    M.message_id,
    M.attempts,
)


def _load(token: str) -> list[dict[str, Any]]:
    query = select(*COLUMNS).where(M.claim_token == token, M.status == OutboxStatus.SENDING)
    rows = [dict(row) for row in db.session.execute(query.order_by(M.id)).mappings()]
    body_ids = {row["body_id"] for row in rows if row["body_id"]}
    bodies = {}
    if body_ids:
        found = db.session.execute(
            select(OutboxBody.id, OutboxBody.body_text, OutboxBody.body_html).where(
                OutboxBody.id.in_(body_ids)
            )
        )
        bodies = {body_id: (text, html) for body_id, text, html in found}
    for row in rows:
        if row["body_id"]:
            text, html = bodies[row["body_id"]]
            variables = row["variables"] or {}
            row["text"] = fill(text, variables, html=False)
            row["html"] = fill(html, variables, html=True) if html else ""
        else:
            row["text"], row["html"] = row["body_text"], row["body_html"]
    return rows


class Recorder:
    """Writes results back, in small groups, only for rows this worker still holds."""

    def __init__(self, token: str, lease_seconds: int) -> None:
        self.token = token
        self.lease_seconds = lease_seconds
        self.max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
        self.retry_base = current_app.config["MAIL_RETRY_SECONDS"]
        self.report = Report()
        self.sent_ids: list[int] = []
        self.last_flush = time.monotonic()
        self.pending = 0  # claimed rows not yet done

    def _set(self, ids: Sequence[int], **values: Any) -> int:
        statement = (
            update(M)
            .where(M.id.in_(ids), M.claim_token == self.token, M.status == OutboxStatus.SENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return db.session.execute(statement).rowcount or 0

    def sent(self, row: dict[str, Any]) -> None:
        self.sent_ids.append(row["id"])
        self.report.sent += 1
        self.pending -= 1

    def retry(self, row: dict[str, Any], error: str, now: datetime | None = None) -> None:
        self.pending -= 1
        if row["attempts"] >= self.max_attempts:
            self.fail(row, f"Gave up after {row['attempts']} attempts: {error}", counted=True)
            return
        self.report.retried += 1
        self._set(
            [row["id"]],
            status=OutboxStatus.QUEUED,
            next_attempt_at=(now or utcnow()) + backoff(row["attempts"], self.retry_base),
            last_error=error[:2000],
            claim_token=None,
            locked_until=None,
        )

    def fail(self, row: dict[str, Any], error: str, *, counted: bool = False) -> None:
        if not counted:
            self.pending -= 1
        self.report.failed += 1
        log.warning("mail %s to %s failed: %s", row["id"], row["to_address"], error)
        self._set(
            [row["id"]],
            status=OutboxStatus.FAILED,
            last_error=error[:2000],
            claim_token=None,
            locked_until=None,
        )

    def cancel(self, row: dict[str, Any], reason: str) -> None:
        self.pending -= 1
        self.report.cancelled += 1
        self._set(
            [row["id"]],
            status=OutboxStatus.CANCELLED,
            last_error=reason,
            claim_token=None,
            locked_until=None,
        )

    def release(self, rows: Sequence[dict[str, Any]]) -> None:
        """Give back rows this worker never tried (it is stopping): no attempt is used."""
        if rows:
            self._set(
                [row["id"] for row in rows],
                status=OutboxStatus.QUEUED,
                attempts=M.attempts - 1,
                claim_token=None,
                locked_until=None,
            )
            self.pending -= len(rows)

    def due(self) -> bool:
        return (
            len(self.sent_ids) >= FLUSH_EVERY or time.monotonic() - self.last_flush >= FLUSH_SECONDS
        )

    def flush(self) -> bool:
        """Record what was sent and renew the lease; False when rows were taken from us."""
        now = utcnow()
        if self.sent_ids:
            recorded = self._set(
                self.sent_ids,
                status=OutboxStatus.SENT,
                sent_at=now,
                claim_token=None,
                locked_until=None,
                last_error="",
            )
            if recorded < len(self.sent_ids):
                lost = len(self.sent_ids) - recorded
                log.warning("lease lost: %d sent messages were reclaimed by another worker", lost)
            self.sent_ids = []
        held = 0
        if self.pending > 0:
            held = db.session.execute(
                update(M)
                .where(M.claim_token == self.token, M.status == OutboxStatus.SENDING)
                .values(locked_until=now + timedelta(seconds=self.lease_seconds))
                .execution_options(synchronize_session=False)
            ).rowcount
        db.session.commit()
        self.last_flush = time.monotonic()
        return held >= self.pending


def deliver_batch(
    backend: Backend,
    *,
    batch_size: int | None = None,
    stop: threading.Event | None = None,
    lease_seconds: int = LEASE_SECONDS,
) -> Report:
    """Claim one batch and deliver it over one connection of `backend`."""
    config = current_app.config
    token, ids = claim(batch_size or config["MAIL_BATCH_SIZE"], lease_seconds)
    if not ids:
        return Report()
    rows = _load(token)
    recorder = Recorder(token, lease_seconds)
    recorder.report.claimed = len(rows)
    recorder.pending = len(rows)
    suppressed = suppressed_among(row["to_address"] for row in rows)
    sender = config["MAIL_FROM"]
    try:
        for index, row in enumerate(rows):
            if stop is not None and stop.is_set():
                recorder.release(rows[index:])
                break
            reason = suppressed.get(row["to_address"])
            if reason is not None:
                recorder.cancel(row, f"Not sent: the address is suppressed ({reason.value}).")
                continue
            try:
                data = compose(row, sender, eight_bit=backend.eight_bit)
            except (ValueError, TypeError, LookupError) as error:
                recorder.fail(row, f"Could not compose the message: {error}")
                continue
            try:
                backend.send(sender, row["to_address"], data, row)
            except PermanentError as error:
                recorder.fail(row, str(error))
            except ConnectionFailed as error:
                # The server cannot be reached: everything left waits for a later try.
                for waiting in rows[index:]:
                    recorder.retry(waiting, str(error))
                break
            except TransientError as error:
                recorder.retry(row, str(error))
            else:
                recorder.sent(row)
            if recorder.due() and not recorder.flush():
                log.warning("lease lost mid-batch; leaving the rest to the worker that has it")
                break
    finally:
        backend.close()
        recorder.flush()
    return recorder.report


def drain(
    *,
    backend: Backend | None = None,
    batch_size: int | None = None,
    stop: threading.Event | None = None,
    max_batches: int | None = None,
) -> Report:
    """Deliver batches until nothing is due (or `stop` is set); returns the totals."""
    backend = backend or backend_for(current_app.config)
    total = Report()
    batches = 0
    while not (stop is not None and stop.is_set()):
        report = deliver_batch(backend, batch_size=batch_size, stop=stop)
        total.add(report)
        batches += 1
        if report.claimed == 0 or (max_batches is not None and batches >= max_batches):
            break
    return total
