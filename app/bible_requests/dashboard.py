"""What the staff dashboard shows reviewers: requests waiting by state, overdue proof, low
stock, new defector requests, and the Bible distribution chart."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.bible_requests import defectors, inventory, reports
from app.bible_requests.models import AWAITING_PROOF, BibleRequest, RequestState
from app.database import utcnow
from app.extensions import db
from app.security import Role
from app.settings import get_setting
from app.staff.activity import register_action_labels, register_object_type_labels
from app.staff.dashboard import Attention, Panel, attention_provider, register_panel

REVIEWERS = (Role.REVIEWER,)


def state_counts() -> dict[RequestState, int]:
    rows = db.session.execute(
        select(BibleRequest.state, func.count()).group_by(BibleRequest.state)
    ).all()
    return {RequestState(state): int(n) for state, n in rows}


def overdue_count() -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(BibleRequest)
            .where(
                BibleRequest.state.in_(AWAITING_PROOF),
                BibleRequest.verification_due_at < utcnow(),
            )
        )
        or 0
    )


@attention_provider
def bible_request_attention() -> Iterable[Attention]:
    counts = state_counts()
    waiting = (
        (RequestState.SUBMITTED, _("Bible requests to review"), "info"),
        (RequestState.APPROVED, _("Approved Bible requests to ship"), "info"),
        (RequestState.VERIFICATION_SUBMITTED, _("Proofs of distribution to check"), "info"),
    )
    items = [
        Attention(label, counts[state], url_for("staff.requests.queue", state=state.value),
                  REVIEWERS, level)
        for state, label, level in waiting
        if counts.get(state)
    ]  # fmt: skip
    overdue = overdue_count()
    if overdue:
        items.append(
            Attention(
                _("Overdue verifications"),
                overdue,
                url_for("staff.requests.queue", state="overdue"),
                REVIEWERS,
                "danger",
            )
        )
    stock = inventory.levels()
    if stock.low:
        items.append(
            Attention(
                _(
                    "NK Bibles in stock are low (threshold %(n)d)",
                    n=get_setting("low_stock_threshold"),
                ),
                max(stock.available, 0),
                url_for("staff.requests.stock"),
                REVIEWERS,
                "warning",
            )
        )
    new = defectors.count_new()
    if new:
        items.append(
            Attention(
                _("New Bible requests from defectors"),
                new,
                url_for("staff.requests.defectors"),
                REVIEWERS,
                "info",
            )
        )
    return items


register_panel(
    Panel(
        template="bible_requests/staff/_distribution_panel.html",
        context=reports.chart_context,
        roles=REVIEWERS,
        order=40,
    )
)


# How the trail's rows about Bible requests read on the dashboard and in the audit log.
register_action_labels(
    {
        "bible_request.submitted": _l("Asked for Bibles"),
        "bible_request.changes_requested": _l("Asked for changes"),
        "bible_request.approved": _l("Approved a Bible request"),
        "bible_request.declined": _l("Declined a Bible request"),
        "bible_request.cancelled": _l("Cancelled a Bible request"),
        "bible_request.shipped": _l("Shipped Bibles"),
        "bible_request.received": _l("Bibles received"),
        "bible_request.verification_submitted": _l("Sent proof of distribution"),
        "bible_request.verification_returned": _l("Returned the proof"),
        "bible_request.verified": _l("Verified the distribution"),
        "bible_request.reminder": _l("Reminded about the proof"),
        "bible_request.photos_purged": _l("Deleted proof photos"),
        "bible_requests.export": _l("Exported Bible requests"),
        "bible_stock.received": _l("Recorded Bibles that arrived"),
        "bible_stock.adjustment": _l("Corrected the stock"),
        "bible_decline_template.create": _l("Added a reason for declining"),
        "bible_decline_template.update": _l("Edited a reason for declining"),
        "defector_request.submitted": _l("A defector asked for a Bible"),
        "defector_request.shipped": _l("Sent a Bible to a defector"),
        "defector_request.closed": _l("Closed a defector's request"),
        "defector_request.erased": _l("Erased a defector's details"),
    }
)
register_object_type_labels(
    {
        "BibleRequest": _l("Bible request"),
        "DefectorRequest": _l("Defector's request"),
        "StockMovement": _l("Stock change"),
        "DeclineTemplate": _l("Reason for declining"),
    }
)
