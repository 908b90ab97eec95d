"""Staff review of ministry leaders (/staff/leaders), for reviewers.

Nested under the staff blueprint, whose guard requires a staff role and two-factor.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.accounts import leaders, recertify
from app.accounts.models import LeaderEvent, LeaderProfile, LeaderStatus, User
from app.accounts.staff_forms import ReviewForm
from app.database import utcnow
from app.extensions import db
from app.security import Role, staff_required
from app.staff.activity import register_action_labels, register_object_type_labels
from app.staff.dashboard import Attention, attention_provider
from app.workflow import TransitionRefused

bp = Blueprint("leaders", __name__)
S = LeaderStatus

# The queue's tabs: (key, label, filter). "expiring" is verified leaders due to recertify.
TABS = [
    ("review", _l("Awaiting review"), S.PENDING_REVIEW),
    ("info", _l("Asked for information"), S.INFO_REQUESTED),
    ("verified", _lp("leader", "Verified"), S.VERIFIED),
    ("expiring", _l("Verification ending"), S.VERIFIED),
    ("suspended", _l("Suspended"), S.SUSPENDED),
    ("rejected", _l("Rejected"), S.REJECTED),
    ("unconfirmed", _l("Email not confirmed"), S.UNCONFIRMED),
]
TAB_STATUS = {key: status for key, _label, status in TABS}


def _queue_query(tab: str, q: str):
    query = select(LeaderProfile).join(User, User.id == LeaderProfile.user_id)
    query = query.where(LeaderProfile.status == TAB_STATUS[tab])
    if tab == "expiring":
        limit = utcnow() + timedelta(days=recertify.REMIND_DAYS_BEFORE)
        query = query.where(LeaderProfile.verification_expires_at <= limit)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(User.email).like(like),
                func.lower(User.name).like(like),
                func.lower(LeaderProfile.organization).like(like),
            )
        )
    if tab in {"review", "info"}:
        return query.order_by(LeaderProfile.submitted_at.asc(), LeaderProfile.id.asc())
    if tab == "expiring":
        return query.order_by(LeaderProfile.verification_expires_at.asc())
    return query.order_by(LeaderProfile.updated_at.desc(), LeaderProfile.id.desc())


def _counts() -> dict[LeaderStatus, int]:
    rows = db.session.execute(
        select(LeaderProfile.status, func.count()).group_by(LeaderProfile.status)
    ).all()
    return dict(rows)


@bp.get("/")
@staff_required(Role.REVIEWER)
def queue():
    """Leaders by state, oldest waiting first."""
    tab = request.args.get("tab", "review")
    if tab not in TAB_STATUS:
        abort(404)
    q = (request.args.get("q") or "").strip()[:100]
    page = db.paginate(
        _queue_query(tab, q),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=current_app.config["PER_PAGE"] * 5,
        error_out=False,
    )
    return render_template(
        "accounts/staff/leaders_queue.html",
        page=page,
        tab=tab,
        tabs=TABS,
        q=q,
        counts=_counts(),
        S=S,
    )


def _profile_or_404(profile_id: int) -> LeaderProfile:
    return db.session.get(LeaderProfile, profile_id) or abort(404)


@bp.get("/<int:profile_id>")
@staff_required(Role.REVIEWER)
def detail(profile_id: int):
    """Everything the leader told us, the history, and the decisions possible now."""
    profile = _profile_or_404(profile_id)
    return _render_detail(profile, ReviewForm())


def _render_detail(profile: LeaderProfile, form: ReviewForm, status: int = 200):
    events = db.session.scalars(
        select(LeaderEvent).where(LeaderEvent.profile_id == profile.id).order_by(LeaderEvent.id)
    ).all()
    own = profile.user_id == current_user.id
    return render_template(
        "accounts/staff/leader_detail.html",
        profile=profile,
        leader=profile.user,
        events=events,
        actions=[] if own else leaders.staff_actions_for(profile),
        own=own,
        form=form,
        S=S,
    ), status


@bp.post("/<int:profile_id>/<action>")
@staff_required(Role.REVIEWER)
def decide(profile_id: int, action: str):
    """Approve, reject, ask for information, suspend, reinstate or reopen: each emailed."""
    profile = _profile_or_404(profile_id)
    if action not in leaders.STAFF_ACTIONS:
        abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render_detail(profile, form, 400)
    try:
        leaders.decide(
            profile,
            action,
            current_user._get_current_object(),
            note=form.message.data or "",
            internal_note=form.internal_note.data or "",
        )
    except TransitionRefused:
        db.session.rollback()
        flash(_("That step is not possible from the leader's current state."), "error")
        return redirect(url_for("staff.leaders.detail", profile_id=profile.id))
    except leaders.NotAllowed:
        abort(403)
    except leaders.NoteRequired:
        db.session.rollback()
        form.message.errors.append(_("Please write the leader a message saying why."))
        return _render_detail(profile, form, 400)
    db.session.commit()
    flash(DONE[action], "success")
    return redirect(url_for("staff.leaders.detail", profile_id=profile.id))


DONE = {
    "approve": _l("Approved. The leader was told by email."),
    "reject": _l("Rejected. The leader was told by email."),
    "request_info": _l("Your question was sent to the leader."),
    "suspend": _l("Suspended. The leader was told by email."),
    "reinstate": _l("Reinstated. The leader was told by email."),
    "reopen": _l("Back in the review queue. The leader was told by email."),
}


@attention_provider
def leaders_awaiting_review() -> list[Attention]:
    """For the staff dashboard: leaders waiting for a reviewer."""
    count = db.session.scalar(
        select(func.count())
        .select_from(LeaderProfile)
        .where(LeaderProfile.status == S.PENDING_REVIEW)
    )
    if not count:
        return []
    return [
        Attention(
            label=_("Leaders awaiting review"),
            count=count,
            url=url_for("staff.leaders.queue", tab="review"),
            roles=(Role.REVIEWER,),
            level="warning",
        )
    ]


register_action_labels(
    {
        "leaders.signup": _l("Applied for a leader account"),
        "leaders.profile_created": _l("Described their ministry"),
        "leaders.profile_updated": _l("Updated their ministry details"),
        "leaders.confirm": _l("Confirmed their email address"),
        "leaders.resubmit": _l("Answered the reviewer"),
        "leaders.recertify": _l("Recertified"),
        "leaders.approve": _l("Verified a leader"),
        "leaders.reject": _l("Did not approve a leader"),
        "leaders.request_info": _l("Asked a leader for information"),
        "leaders.suspend": _l("Suspended a leader"),
        "leaders.reinstate": _l("Reinstated a leader"),
        "leaders.reopen": _l("Reopened a leader's application"),
    }
)
register_object_type_labels({"LeaderProfile": _l("Leader")})
