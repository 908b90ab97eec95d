"""Queue email inside the caller's transaction, and keep the outbox in order.

A message is rendered when queued (in the recipient's language) and stored whole, so what is
delivered is what the change produced, even if templates change later. If the caller's
transaction rolls back, the message is gone with it. Bulk sends (prayer updates) store one
shared body per language and per-recipient `variables` instead (see `OutboxBody`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import delete, func, insert, select, update

from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.mail.models import (
    MailCategory,
    OutboxBody,
    OutboxMessage,
    OutboxStatus,
    SuppressedAddress,
    SuppressionReason,
)

PENDING = (OutboxStatus.QUEUED, OutboxStatus.HELD)
UNFINISHED = (OutboxStatus.QUEUED, OutboxStatus.HELD, OutboxStatus.SENDING)


class HeaderInjectionError(ValueError):
    """A line break in a value that would become an email header."""


class InvalidAddressError(ValueError):
    """Not an email address we can send to (malformed or too long)."""


def no_line_breaks(value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise HeaderInjectionError(
            "Line breaks are not allowed in email addresses, names or subjects."
        )
    return value


def normalize_address(value: str) -> str:
    """The address in the form we store and send to: checked, ASCII, lower case.

    Refuses line breaks (HeaderInjectionError) and malformed or over-long addresses
    (InvalidAddressError). No DNS look-up is made.
    """
    no_line_breaks(value or "")
    try:
        valid = validate_email(
            (value or "").strip(), check_deliverability=False, allow_smtputf8=False, strict=True
        )
    except EmailNotValidError as error:
        raise InvalidAddressError(str(error)) from error
    return (valid.ascii_email or valid.normalized).lower()


def make_message_id(domain: str | None = None) -> str:
    if domain is None:
        domain = sender_domain()
    return f"<{uuid.uuid4().hex}@{domain}>"


def sender_domain() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"


def site_request() -> AbstractContextManager[Any]:
    """A request context for SITE_URL when there is none (the worker, commands).

    Mail is also rendered outside web requests; templates and `url_for` then still see a
    request for the public site, never a Host header someone sent.
    """
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context("/", base_url=current_app.config["SITE_URL"])


def render_email(template: str, context: dict[str, Any], locale: str) -> tuple[str, str]:
    """Render `mail/<template>.txt` and, when it exists, `mail/<template>.html`."""
    with site_request(), force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
        try:
            html = render_template(f"mail/{template}.html", **context)
        except TemplateNotFound:
            html = ""
    return text, html


def suppression_of(address: str) -> SuppressedAddress | None:
    return db.session.scalar(
        select(SuppressedAddress).where(SuppressedAddress.email == address.lower())
    )


def queue_email(
    to: str,
    template: str,
    *,
    subject: str,
    locale: str = "en",
    to_name: str = "",
    context: dict[str, Any] | None = None,
    category: MailCategory = MailCategory.TRANSACTIONAL,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    batch: str | None = None,
) -> OutboxMessage:
    """Add one message to the outbox; the caller's commit makes it real.

    `subject` is translated by the caller (e.g. with `force_locale`), `context` feeds the
    templates, which render in `locale`. Raises HeaderInjectionError for a line break in
    the subject, name or headers and InvalidAddressError for an address we cannot send to.
    Bulk mail must carry its recipient's List-Unsubscribe and List-Unsubscribe-Post headers.
    A message to a suppressed address is stored already cancelled, so it is never sent.
    """
    no_line_breaks(subject)
    no_line_breaks(to_name)
    address = normalize_address(to)
    for name, value in (headers or {}).items():
        no_line_breaks(name)
        no_line_breaks(value)
    if category == MailCategory.BULK and not {"List-Unsubscribe", "List-Unsubscribe-Post"} <= set(
        headers or {}
    ):
        raise ValueError("bulk mail needs List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)")
    text, html = render_email(template, {"subject": subject, **(context or {})}, locale)
    message = OutboxMessage(
        category=category,
        template=template,
        to_address=address,
        to_name=to_name[:120],
        subject=subject[:250],
        body_text=text,
        body_html=html,
        headers=dict(headers or {}),
        message_id=make_message_id(),
        dedupe_key=dedupe_key,
        batch=batch,
        status=OutboxStatus.QUEUED,
        next_attempt_at=utcnow(),
    )
    suppressed = suppression_of(address)
    if suppressed is not None:
        message.status = OutboxStatus.CANCELLED
        message.last_error = f"Not sent: the address is suppressed ({suppressed.reason.value})."
    db.session.add(message)
    return message


# --- bulk sends -------------------------------------------------------------------------------


def create_body(text: str, html: str) -> OutboxBody:
    body = OutboxBody(body_text=text, body_html=html, created_at=utcnow())
    db.session.add(body)
    db.session.flush()
    return body


def insert_messages(rows: list[dict[str, Any]]) -> None:
    """Insert many prepared outbox rows at once (one multi-row INSERT per page of rows)."""
    if rows:
        db.session.execute(insert(OutboxMessage), rows)


def batch_counts(batch: str) -> dict[OutboxStatus, int]:
    counts = dict.fromkeys(OutboxStatus, 0)
    query = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.batch == batch)
        .group_by(OutboxMessage.status)
    )
    for status, count in db.session.execute(query):
        counts[OutboxStatus(status)] = count
    return counts


def hold_batch(batch: str) -> int:
    """Pause: queued messages of `batch` wait (those already being sent finish)."""
    return _move(batch, OutboxStatus.QUEUED, OutboxStatus.HELD)


def release_batch(batch: str) -> int:
    return _move(batch, OutboxStatus.HELD, OutboxStatus.QUEUED)


def cancel_batch(batch: str, reason: str) -> int:
    return _set_status(
        (OutboxMessage.batch == batch, OutboxMessage.status.in_(PENDING)),
        OutboxStatus.CANCELLED,
        reason,
    )


def _move(batch: str, old: OutboxStatus, new: OutboxStatus) -> int:
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.batch == batch, OutboxMessage.status == old)
        .values(status=new)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount or 0


def _set_status(conditions: tuple, status: OutboxStatus, reason: str) -> int:
    statement = (
        update(OutboxMessage)
        .where(*conditions)
        .values(status=status, last_error=reason, locked_until=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount or 0


def cancel_pending_to(address: str, reason: str, category: MailCategory | None = None) -> int:
    """Cancel what is still waiting to go to `address` (all mail, or one category)."""
    conditions = [OutboxMessage.to_address == address.lower(), OutboxMessage.status.in_(PENDING)]
    if category is not None:
        conditions.append(OutboxMessage.category == category)
    return _set_status(tuple(conditions), OutboxStatus.CANCELLED, reason)


def forget_address(address: str) -> int:
    """Delete every outbox row to `address` (erasure); returns how many."""
    statement = delete(OutboxMessage).where(OutboxMessage.to_address == address.lower())
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


# --- suppression (hard bounces, complaints) ---------------------------------------------------


def suppress(
    address: str, reason: SuppressionReason, *, note: str = "", actor: Any = None
) -> tuple[SuppressedAddress, bool]:
    """Never mail `address` again and cancel what waits for it. Returns (row, newly added)."""
    address = normalize_address(address)
    row = suppression_of(address)
    if row is not None:
        return row, False
    row = SuppressedAddress(
        email=address,
        reason=reason,
        note=no_line_breaks(note)[:200],
        created_at=utcnow(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    cancelled = cancel_pending_to(
        address, f"Not sent: the address was suppressed ({reason.value})."
    )
    record(
        "mail.suppress", row, actor=actor, note=row.note, reason=reason.value, cancelled=cancelled
    )
    return row, True


def unsuppress(row: SuppressedAddress, *, actor: Any = None) -> None:
    record("mail.unsuppress", row, actor=actor, note=row.note, reason=row.reason.value)
    db.session.delete(row)


def suppressed_among(addresses: Iterable[str]) -> dict[str, SuppressionReason]:
    wanted = {a.lower() for a in addresses}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(SuppressedAddress.email, SuppressedAddress.reason).where(
            SuppressedAddress.email.in_(wanted)
        )
    )
    return {email: SuppressionReason(reason) for email, reason in rows}


# --- staff actions and housekeeping -----------------------------------------------------------


def retry_message(message: OutboxMessage, *, actor: Any = None) -> None:
    """Queue a failed message again with a fresh set of attempts."""
    if message.status != OutboxStatus.FAILED:
        raise ValueError("only failed messages can be retried")
    if suppression_of(message.to_address) is not None:
        raise ValueError("the address is suppressed")
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = ""
    record("mail.retry", message, actor=actor)


def failed_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
    )


def purge(older_than_days: int) -> int:
    """Delete finished messages older than the given age, and bodies nothing uses any more."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    finished = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED)
    deleted = db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.status.in_(finished), OutboxMessage.created_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    used = select(OutboxMessage.body_id).where(OutboxMessage.body_id.is_not(None))
    db.session.execute(
        delete(OutboxBody)
        .where(OutboxBody.created_at < cutoff, OutboxBody.id.not_in(used))
        .execution_options(synchronize_session=False)
    )
    return deleted or 0
