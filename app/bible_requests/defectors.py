"""A North Korean defector's own request for a Bible: short, no account, minimal data.

Staff review these in their own queue and mark them shipped (or closed); the name, address,
contact and reason are erased `defector_data_days` later (see maintenance). Nothing about a
request is ever shown publicly, and no email or audit row carries its personal details.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import record
from app.bible_requests import inventory, notify
from app.bible_requests.errors import RequestError
from app.bible_requests.locks import sqlite_write_lock
from app.bible_requests.models import DefectorRequest, DefectorRequestState
from app.database import utcnow
from app.extensions import db
from app.urls import external_url
from app.workflow import Workflow

D = DefectorRequestState

DEFECTOR_WORKFLOW: Workflow[DefectorRequestState] = Workflow(
    "defector_request",
    {D.NEW: frozenset({D.SHIPPED, D.CLOSED}), D.SHIPPED: frozenset(), D.CLOSED: frozenset()},
)


def submit(values: dict[str, Any], locale: str) -> DefectorRequest:
    dreq = DefectorRequest(
        created_at=utcnow(),
        locale=locale if locale in ("en", "ko") else "ko",
        name=values["name"].strip(),
        country=values["country"].strip(),
        postal_address=values["postal_address"].strip(),
        contact=(values.get("contact") or "").strip(),
        reason=values["reason"].strip(),
    )
    db.session.add(dreq)
    db.session.flush()
    record("defector_request.submitted", dreq, actor=None)
    notify.email_reviewers(
        "defector_new", None, {"staff_url": external_url("staff.requests.defector", id=dreq.id)}
    )
    return dreq


def transition(dreq: DefectorRequest, to: DefectorRequestState, actor, note: str = "") -> None:
    """Mark a defector's request shipped (one Bible leaves the stock) or closed."""
    sqlite_write_lock(DefectorRequest.__table__)
    current = DefectorRequestState(
        db.session.scalar(
            select(DefectorRequest.state).where(DefectorRequest.id == dreq.id).with_for_update()
        )
    )
    if current != dreq.state:
        raise RequestError(_l("Someone else changed this request; please look again."))
    DEFECTOR_WORKFLOW.check(current, to)
    now = utcnow()
    if to == D.SHIPPED:
        inventory.deduct_for_defector(dreq, actor)
        dreq.shipped_at = now
    else:
        dreq.closed_at = now
    if note.strip():
        dreq.staff_note = note.strip()
    dreq.state = to
    # The note may hold personal details, so the audit row keeps only the step.
    record(f"defector_request.{to.value}", dreq, actor=actor, from_state=current.value)
    db.session.flush()


def count_new() -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(DefectorRequest).where(DefectorRequest.state == D.NEW)
        )
        or 0
    )
