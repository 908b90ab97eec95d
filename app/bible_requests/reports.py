"""Reports: Bibles approved, shipped and verified per month and per organization (drawn by
`chart`), the CSV export, and the public counter."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, func, or_, select

from app.bible_requests import chart
from app.bible_requests.models import BibleRequest, RequestState
from app.database import utcnow
from app.extensions import db

SERIES = chart.SERIES


def month_start(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def months_back(count: int, today: date | None = None) -> list[date]:
    """The first day of the last `count` months, oldest first, ending with this month."""
    current = month_start(today or utcnow().date())
    months = []
    year, month = current.year, current.month
    for _step in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass
class MonthRow:
    month: date
    approved: int = 0
    shipped: int = 0
    verified: int = 0

    def value(self, series: str) -> int:
        return getattr(self, series)


def per_month(months: int = 12) -> list[MonthRow]:
    """Bibles approved (not later cancelled), shipped and verified in each month."""
    buckets = months_back(months)
    start = datetime.combine(buckets[0], datetime.min.time())
    rows = {m: MonthRow(m) for m in buckets}
    queries = {
        "approved": select(BibleRequest.approved_at, BibleRequest.quantity_approved).where(
            BibleRequest.approved_at >= start, BibleRequest.state != RequestState.CANCELLED
        ),
        "shipped": select(BibleRequest.shipped_at, BibleRequest.quantity_approved).where(
            BibleRequest.shipped_at >= start
        ),
        "verified": select(BibleRequest.verified_at, BibleRequest.bibles_given).where(
            BibleRequest.verified_at >= start, BibleRequest.state == RequestState.VERIFIED
        ),
    }
    for series, query in queries.items():
        for when, quantity in db.session.execute(query):
            row = rows.get(month_start(when))
            if row is not None:
                setattr(row, series, row.value(series) + int(quantity or 0))
    return [rows[m] for m in buckets]


def per_organization(months: int = 12, limit: int = 30) -> list[dict]:
    start = datetime.combine(months_back(months)[0], datetime.min.time())

    def total(column, condition):
        return func.coalesce(func.sum(case((condition, column), else_=0)), 0)

    approved_ok = (BibleRequest.approved_at >= start) & (
        BibleRequest.state != RequestState.CANCELLED
    )
    query = (
        select(
            BibleRequest.organization,
            total(BibleRequest.quantity_approved, approved_ok).label("approved"),
            total(BibleRequest.quantity_approved, BibleRequest.shipped_at >= start).label(
                "shipped"
            ),
            total(
                BibleRequest.bibles_given,
                (BibleRequest.verified_at >= start) & (BibleRequest.state == RequestState.VERIFIED),
            ).label("verified"),
        )
        .where(
            or_(
                BibleRequest.approved_at >= start,
                BibleRequest.shipped_at >= start,
                BibleRequest.verified_at >= start,
            )
        )
        .group_by(BibleRequest.organization)
        .order_by(func.lower(BibleRequest.organization))
        .limit(limit)
    )
    return [
        {"organization": org, "approved": int(a), "shipped": int(s), "verified": int(v)}
        for org, a, s, v in db.session.execute(query)
    ]


def chart_context(months: int = 12) -> dict:
    rows = per_month(months)
    return {
        "chart": chart.geometry(rows),
        "chart_rows": rows,
        "organizations": per_organization(months),
        "months": months,
        "totals": {s: sum(r.value(s) for r in rows) for s in SERIES},
    }


def bibles_given_total() -> int:
    """The public counter: Bibles whose distribution leaders proved and reviewers verified."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(BibleRequest.bibles_given), 0)).where(
                BibleRequest.state == RequestState.VERIFIED
            )
        )
        or 0
    )


# --- CSV export -------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "state", "submitted_at", "organization", "leader_name", "leader_email",
    "quantity_requested", "quantity_approved", "nk_in_discipleship", "handout_date",
    "approved_at", "shipped_at", "carrier", "tracking_number", "received_at",
    "received_assumed", "verification_due_at", "verified_at", "bibles_given", "overdue",
)  # fmt: skip


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def export_csv(query: Select) -> tuple[str, int]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for req in db.session.scalars(query.execution_options(yield_per=200)):
        leader = req.leader
        values = {
            **{c: getattr(req, c, None) for c in CSV_COLUMNS},
            "state": req.state.value,
            "leader_name": leader.name,
            "leader_email": leader.email,
            "overdue": "yes" if req.is_overdue else "",
            "received_assumed": "yes" if req.received_assumed else "",
        }
        writer.writerow([_cell(values[c]) for c in CSV_COLUMNS])
        count += 1
    return out.getvalue(), count
