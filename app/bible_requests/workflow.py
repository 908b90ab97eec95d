"""The Bible request state machine and the one service that moves a request through it.

`transition(request, to, actor, note, **details)` is the only way a request changes state.
It refuses any move the table below does not list, and any actor who may not make it, then
applies the step (stock, dates, texts), writes a `RequestEvent` and an audit row, and queues
the email, all in the caller's transaction. The view commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import record
from app.bible_requests import inventory, notify
from app.bible_requests.errors import RequestError
from app.bible_requests.locks import sqlite_write_lock
from app.bible_requests.models import (
    BibleRequest,
    DeclineTemplate,
    RequestEvent,
    RequestState,
    Verification,
    VerificationOutcome,
)
from app.database import utcnow
from app.extensions import db
from app.security import Role, has_role
from app.settings import get_setting
from app.workflow import TransitionRefused, Workflow

S = RequestState

REQUEST_WORKFLOW: Workflow[RequestState] = Workflow(
    "bible_request",
    {
        S.SUBMITTED: frozenset({S.CHANGES_REQUESTED, S.APPROVED, S.DECLINED, S.CANCELLED}),
        S.CHANGES_REQUESTED: frozenset({S.SUBMITTED, S.CANCELLED}),
        S.APPROVED: frozenset({S.SHIPPED, S.CANCELLED}),
        S.SHIPPED: frozenset({S.RECEIVED}),
        S.RECEIVED: frozenset({S.VERIFICATION_SUBMITTED}),
        S.VERIFICATION_SUBMITTED: frozenset({S.VERIFIED, S.VERIFICATION_RETURNED}),
        S.VERIFICATION_RETURNED: frozenset({S.VERIFICATION_SUBMITTED}),
        S.DECLINED: frozenset(),
        S.VERIFIED: frozenset(),
        S.CANCELLED: frozenset(),
    },
)

# Who may move a request into each state. The system (actor None, i.e. `flask requests
# maintain`) may only assume receipt.
LEADER_MAY = frozenset({S.SUBMITTED, S.RECEIVED, S.VERIFICATION_SUBMITTED, S.CANCELLED})
REVIEWER_MAY = frozenset(
    {
        S.CHANGES_REQUESTED,
        S.APPROVED,
        S.DECLINED,
        S.SHIPPED,
        S.RECEIVED,
        S.VERIFIED,
        S.VERIFICATION_RETURNED,
        S.CANCELLED,
    }
)
SYSTEM_MAY = frozenset({S.RECEIVED})
# Steps whose note is the reason the leader reads, so it may not be empty.
NOTE_REQUIRED = frozenset({S.CHANGES_REQUESTED, S.VERIFICATION_RETURNED})


class ActorRefused(PermissionError):
    """The actor may not make this transition (not the owner, not a reviewer)."""


def actor_may(req: BibleRequest, to: RequestState, actor: User | None) -> bool:
    if actor is None:
        return to in SYSTEM_MAY
    if actor.id == req.leader_id and to in LEADER_MAY:
        return True
    return to in REVIEWER_MAY and has_role(actor, Role.REVIEWER)


def _current_state(req: BibleRequest) -> RequestState:
    """The stored state, read under a lock so two reviewers cannot both act on it."""
    sqlite_write_lock(BibleRequest.__table__)
    query = select(BibleRequest.state).where(BibleRequest.id == req.id).with_for_update()
    current = db.session.scalar(query)
    return RequestState(current) if current is not None else req.state


# --- what entering each state does -----------------------------------------------------------


def _enter_approved(req: BibleRequest, actor: User | None, details: dict[str, Any]) -> None:
    quantity = int(details.get("quantity") or req.quantity_requested)
    if not 1 <= quantity <= req.quantity_requested:
        raise RequestError(
            _l(
                "Approve between 1 and %(n)d Bibles (the number requested).",
                n=req.quantity_requested,
            )
        )
    inventory.reserve(req, quantity, actor)
    req.quantity_approved = quantity
    req.approved_at = req.decided_at = utcnow()
    details["quantity"] = quantity


def _enter_declined(req: BibleRequest, actor: User | None, details: dict[str, Any]) -> None:
    template: DeclineTemplate | None = details.pop("template", None)
    if template is None:
        raise RequestError(_l("Choose the reason for declining."))
    req.decline_template_id = template.id
    req.decline_reason = template.body(req.leader.locale)
    req.decided_at = utcnow()
    details["template"] = template.key
    details["suggest_purchase"] = template.suggest_purchase


def _enter_shipped(req: BibleRequest, actor: User | None, details: dict[str, Any]) -> None:
    req.carrier = (details.get("carrier") or "").strip()[:80]
    req.tracking_number = (details.get("tracking_number") or "").strip()[:80]
    shipped_on = details.get("ship_date") or utcnow().date()
    if not req.carrier:
        raise RequestError(_l("Enter the carrier."))
    req.ship_date = shipped_on
    req.shipped_at = utcnow()
    inventory.deduct_for_request(req, actor)
    details["ship_date"] = shipped_on.isoformat()


def _enter_received(req: BibleRequest, actor: User | None, details: dict[str, Any]) -> None:
    at: datetime = details.pop("at", None) or utcnow()
    req.received_at = at
    req.received_assumed = bool(details.get("assumed"))
    req.verification_due_at = at + timedelta(days=int(get_setting("verification_days")))
    details["due"] = req.verification_due_at.isoformat()


def _latest_verification(req: BibleRequest) -> Verification:
    latest = db.session.scalar(
        select(Verification)
        .where(Verification.request_id == req.id)
        .order_by(Verification.id.desc())
        .limit(1)
    )
    if latest is None or latest.outcome != VerificationOutcome.PENDING:
        raise RequestError(_l("There is no proof waiting to be checked."))
    return latest


def _enter_verification_submitted(req: BibleRequest, actor: User | None, details) -> None:
    verification = _latest_verification(req)
    details["verification"] = verification.id


def _enter_verified(req: BibleRequest, actor: User | None, details: dict[str, Any]) -> None:
    verification = _latest_verification(req)
    verification.outcome = VerificationOutcome.ACCEPTED
    verification.reviewed_at = req.verified_at = utcnow()
    req.bibles_given = verification.bibles_given


def _enter_verification_returned(req: BibleRequest, actor: User | None, details) -> None:
    verification = _latest_verification(req)
    verification.outcome = VerificationOutcome.RETURNED
    verification.reviewed_at = utcnow()
    verification.review_note = details.get("note", "")


def _enter_cancelled(req: BibleRequest, actor: User | None, details: dict[str, Any]) -> None:
    if req.state == S.APPROVED:
        inventory.release(req, actor)
    req.cancelled_at = utcnow()
    details["by"] = "leader" if actor is not None and actor.id == req.leader_id else "staff"


def _enter_submitted(req: BibleRequest, actor: User | None, details: dict[str, Any]) -> None:
    req.submitted_at = utcnow()
    details["resubmitted"] = True


ENTER: dict[RequestState, Callable[[BibleRequest, User | None, dict[str, Any]], None]] = {
    S.SUBMITTED: _enter_submitted,
    S.APPROVED: _enter_approved,
    S.DECLINED: _enter_declined,
    S.SHIPPED: _enter_shipped,
    S.RECEIVED: _enter_received,
    S.VERIFICATION_SUBMITTED: _enter_verification_submitted,
    S.VERIFIED: _enter_verified,
    S.VERIFICATION_RETURNED: _enter_verification_returned,
    S.CANCELLED: _enter_cancelled,
}


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in details.items()
        if isinstance(value, str | int | float | bool | date | datetime | type(None))
    }


def transition(
    req: BibleRequest,
    to: RequestState,
    actor: User | None,
    note: str = "",
    **details: Any,
) -> RequestEvent:
    """Move `req` to `to` or raise (TransitionRefused, ActorRefused, RequestError)."""
    to = RequestState(to)
    current = _current_state(req)
    if current != req.state:  # someone else moved it since this page was loaded
        raise TransitionRefused(REQUEST_WORKFLOW.name, current, to)
    REQUEST_WORKFLOW.check(current, to)
    if not actor_may(req, to, actor):
        raise ActorRefused(f"{getattr(actor, 'email', 'system')} may not move to {to.value}")
    note = (note or "").strip()
    if to in NOTE_REQUIRED and not note:
        raise RequestError(_l("Please write a note for the leader."))
    if to == S.CANCELLED and actor is not None and actor.id != req.leader_id and not note:
        raise RequestError(_l("Please write why the request is cancelled."))
    details["note"] = note
    ENTER.get(to, lambda *_: None)(req, actor, details)
    details.pop("note", None)
    if to in (S.CHANGES_REQUESTED, S.VERIFICATION_RETURNED, S.DECLINED):
        req.reviewer_note = note
    req.state = to
    clean = _jsonable(details)
    event = RequestEvent(
        request=req,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", "") or "system",
        from_state=current,
        to_state=to,
        note=note,
        details=clean,
    )
    db.session.add(event)
    record(
        f"bible_request.{to.value}",
        req,
        actor=actor,
        note=note,
        from_state=current.value,
        to_state=to.value,
        **clean,
    )
    notify.transition_email(req, current, to, actor, note)
    db.session.flush()
    return event


def start(req: BibleRequest, actor: User) -> RequestEvent:
    """Record a new request's first step (nothing -> submitted) and tell the reviewers."""
    req.state = S.SUBMITTED
    db.session.add(req)
    db.session.flush()
    event = RequestEvent(
        request=req,
        created_at=utcnow(),
        actor_id=actor.id,
        actor_label=actor.email,
        from_state=None,
        to_state=S.SUBMITTED,
        details={"quantity": req.quantity_requested},
    )
    db.session.add(event)
    record("bible_request.submitted", req, actor=actor, quantity=req.quantity_requested)
    notify.transition_email(req, None, S.SUBMITTED, actor, "")
    db.session.flush()
    return event
