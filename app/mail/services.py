"""Queue email inside the caller's transaction.

A message is rendered when queued (in the recipient's language) and stored whole, so what is
delivered is what the change produced, even if templates change later. If the caller's
transaction rolls back, the message is gone with it.
"""

from __future__ import annotations

import uuid
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from app.extensions import db
from app.mail.models import MailCategory, OutboxMessage


class HeaderInjectionError(ValueError):
    """A line break in a value that would become an email header."""


def no_line_breaks(value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise HeaderInjectionError("line breaks are not allowed in email headers")
    return value


def make_message_id() -> str:
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def render_email(template: str, context: dict[str, Any], locale: str) -> tuple[str, str]:
    """Render `mail/<template>.txt` and, when it exists, `mail/<template>.html`."""
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
        try:
            html = render_template(f"mail/{template}.html", **context)
        except TemplateNotFound:
            html = ""
    return text, html


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
) -> OutboxMessage:
    """Add one message to the outbox; the caller's commit makes it real.

    `subject` is translated by the caller (e.g. with `force_locale`), `context` feeds the
    templates, which render in `locale`.
    """
    no_line_breaks(subject)
    no_line_breaks(to_name)
    address = Address(addr_spec=no_line_breaks(to))  # refuses malformed addresses
    for name, value in (headers or {}).items():
        no_line_breaks(name)
        no_line_breaks(value)
    text, html = render_email(template, {"subject": subject, **(context or {})}, locale)
    message = OutboxMessage(
        category=category,
        template=template,
        to_address=address.addr_spec,
        to_name=to_name,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=dict(headers or {}),
        message_id=make_message_id(),
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    return message
