"""Account email: queued through the outbox, in the recipient's language."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from app.mail.models import OutboxMessage
from app.mail.services import queue_email, render_email


def notify(
    user: Any,
    template: str,
    subject: Any,
    *,
    to: str | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Queue `mail/accounts/<template>` for `user` (at `to` when given) in their language.

    `subject` is a lazy string (`_l(...)`), translated here in the recipient's language.
    """
    locale = getattr(user, "locale", None) or "en"
    with force_locale(locale):
        subject_text = str(subject)
    return queue_email(
        to or user.email,
        f"accounts/{template}",
        subject=subject_text,
        locale=locale,
        to_name=" ".join((getattr(user, "name", "") or "").split()),
        context={"user": user, **context},
        dedupe_key=dedupe_key,
    )


def rehearse(template: str, locale: str, **context: Any) -> None:
    """Render an email without sending it: the unknown-address path then costs about as
    much time as the known one, so timing does not tell them apart."""
    render_email(f"accounts/{template}", {"subject": "", **context}, locale)
