"""The reviewers' queue: tabs by state (and overdue), with their counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from app.bible_requests.models import AWAITING_PROOF, BibleRequest, RequestState
from app.database import utcnow
from app.extensions import db

S = RequestState


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    states: frozenset[RequestState]
    overdue: bool = False


TABS: tuple[Tab, ...] = (
    Tab("submitted", _l("To review"), frozenset({S.SUBMITTED})),
    Tab("changes_requested", _l("Changes requested"), frozenset({S.CHANGES_REQUESTED})),
    Tab("approved", _l("To ship"), frozenset({S.APPROVED})),
    Tab("shipped", _l("Shipped"), frozenset({S.SHIPPED})),
    Tab("awaiting_proof", _l("Awaiting proof"), AWAITING_PROOF),
    Tab("overdue", _l("Overdue proof"), AWAITING_PROOF, overdue=True),
    Tab("verification_submitted", _l("Proof to check"), frozenset({S.VERIFICATION_SUBMITTED})),
    Tab("verified", _l("Verified"), frozenset({S.VERIFIED})),
    Tab("declined", _l("Declined"), frozenset({S.DECLINED})),
    Tab("cancelled", _l("Cancelled"), frozenset({S.CANCELLED})),
    Tab("all", _l("All"), frozenset(RequestState)),
)
TAB_BY_KEY = {tab.key: tab for tab in TABS}
# `?state=received` (a state with no tab of its own) lands on the tab that holds it.
STATE_TO_TAB = {S.RECEIVED.value: "awaiting_proof", S.VERIFICATION_RETURNED.value: "awaiting_proof"}


def tab_for(key: str | None) -> Tab:
    key = STATE_TO_TAB.get(key or "", key or "submitted")
    return TAB_BY_KEY.get(key, TAB_BY_KEY["submitted"])


def queue_query(tab: Tab) -> Select:
    query = select(BibleRequest)
    if tab.key != "all":
        query = query.where(BibleRequest.state.in_(tab.states))
    if tab.overdue:
        query = query.where(BibleRequest.verification_due_at < utcnow())
        return query.order_by(BibleRequest.verification_due_at, BibleRequest.id)
    if tab.key in ("submitted", "verification_submitted", "approved"):
        return query.order_by(BibleRequest.updated_at, BibleRequest.id)  # oldest waiting first
    return query.order_by(BibleRequest.id.desc())


def tab_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(BibleRequest.state, func.count()).group_by(BibleRequest.state)
    ).all()
    by_state = {RequestState(state): int(n) for state, n in rows}
    overdue = db.session.scalar(
        select(func.count())
        .select_from(BibleRequest)
        .where(BibleRequest.state.in_(AWAITING_PROOF), BibleRequest.verification_due_at < utcnow())
    )
    counts = {tab.key: sum(by_state.get(s, 0) for s in tab.states) for tab in TABS}
    counts["overdue"] = int(overdue or 0)
    return counts
