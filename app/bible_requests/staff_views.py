"""Reviewers' pages under /staff/requests: the queue, one request with its actions, CSV export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.audit import record
from app.bible_requests import (
    dashboard,  # noqa: F401  (registers the dashboard items)
    decline_texts,
    eligibility,
    inventory,
    queries,
    reports,
    services,
)
from app.bible_requests.errors import RequestError
from app.bible_requests.models import BibleRequest, DeclineTemplate, RequestState
from app.bible_requests.staff_blueprint import bp
from app.bible_requests.staff_forms import (
    ApproveForm,
    DeclineForm,
    NoteForm,
    ReasonForm,
    ShipForm,
    on_shared_page,
)
from app.bible_requests.workflow import (
    REQUEST_WORKFLOW,
    REVIEWER_MAY,
    ActorRefused,
    transition,
)
from app.database import utcnow
from app.extensions import db
from app.security import Role, staff_required
from app.workflow import TransitionRefused

S = RequestState
ACTION_FORMS = {
    S.CHANGES_REQUESTED: ReasonForm,
    S.APPROVED: ApproveForm,
    S.DECLINED: DeclineForm,
    S.SHIPPED: ShipForm,
    S.RECEIVED: NoteForm,
    S.VERIFIED: NoteForm,
    S.VERIFICATION_RETURNED: ReasonForm,
    S.CANCELLED: ReasonForm,
}
PER_PAGE = 25


def _get(request_id: int) -> BibleRequest:
    req = db.session.get(BibleRequest, request_id) or abort(404)
    if decline_texts.ensure_defaults():  # the first time ever: keep them
        db.session.commit()
    return req


def _action_form(to: RequestState, req: BibleRequest, formdata=None):
    form = on_shared_page(ACTION_FORMS[to], to.value, formdata)
    if to == S.APPROVED and formdata is None:
        form.quantity.data = req.quantity_requested
    if to == S.SHIPPED and formdata is None:
        form.ship_date.data = utcnow().date()
    if to == S.DECLINED:
        form.template.choices = [
            SelectChoice(t.id, t.title()) for t in decline_texts.active_templates()
        ]
    return form


def _actions(req: BibleRequest) -> dict[RequestState, object]:
    """A form for each step a reviewer may take from the current state."""
    return {
        to: _action_form(to, req)
        for to in ACTION_FORMS
        if REQUEST_WORKFLOW.allowed(req.state, to) and to in REVIEWER_MAY
    }


@bp.get("/")
@staff_required(Role.REVIEWER)
def queue():
    """Requests by state, or those whose proof is overdue."""
    tab = queries.tab_for(request.args.get("state"))
    page = db.paginate(
        queries.queue_query(tab),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "bible_requests/staff/queue.html",
        tab=tab,
        tabs=queries.TABS,
        counts=queries.tab_counts(),
        page=page,
        stock=inventory.levels(),
    )


@bp.get("/export.csv")
@staff_required(Role.REVIEWER)
def export():
    """The requests of one tab as CSV (recorded in the audit trail)."""
    tab = queries.tab_for(request.args.get("state", "all"))
    body, count = reports.export_csv(queries.queue_query(tab))
    record("bible_requests.export", tab=tab.key, rows=count)
    db.session.commit()
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(
        "\ufeff" + body,  # a BOM, so spreadsheet programs read Korean correctly
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="bible-requests-{tab.key}-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _render_detail(req: BibleRequest, failed: tuple[RequestState, object] | None = None):
    actions = _actions(req)
    if failed is not None:
        actions[failed[0]] = failed[1]
    leader = req.leader
    history = [r for r in services.requests_of(leader) if r.id != req.id]
    return render_template(
        "bible_requests/staff/detail.html",
        req=req,
        leader=leader,
        profile=leader.leader_profile,
        history=history,
        actions=actions,
        answers=eligibility.answer_labels(req.eligibility or {}),
        stock=inventory.levels(),
        suspend_form=on_shared_page(ReasonForm, "suspend"),
        decline_template=db.session.get(DeclineTemplate, req.decline_template_id)
        if req.decline_template_id
        else None,
    ), (400 if failed else 200)


@bp.get("/<int:request_id>")
@staff_required(Role.REVIEWER)
def detail(request_id: int):
    """One request with the leader's profile, their past requests and proofs, and the actions."""
    return _render_detail(_get(request_id))


def _details(to: RequestState, form) -> dict:
    if to == S.APPROVED:
        return {"quantity": form.quantity.data}
    if to == S.DECLINED:
        template = db.session.get(DeclineTemplate, form.template.data)
        return {"template": template}
    if to == S.SHIPPED:
        return {
            "carrier": form.carrier.data,
            "tracking_number": form.tracking_number.data or "",
            "ship_date": form.ship_date.data,
        }
    return {}


DONE = {
    S.CHANGES_REQUESTED: lambda: _("The leader is asked for changes."),
    S.APPROVED: lambda: _("Approved; the Bibles are reserved."),
    S.DECLINED: lambda: _("Declined; the leader is told why."),
    S.SHIPPED: lambda: _("Marked shipped; the leader is told."),
    S.RECEIVED: lambda: _("Marked received."),
    S.VERIFIED: lambda: _("Verified. Thank you."),
    S.VERIFICATION_RETURNED: lambda: _("The proof is returned to the leader."),
    S.CANCELLED: lambda: _("The request is cancelled."),
}


@bp.post("/<int:request_id>/to/<state>")
@staff_required(Role.REVIEWER)
def act(request_id: int, state: str):
    """Take one workflow step (approve, decline, ship, verify, ...)."""
    req = _get(request_id)
    try:
        to = RequestState(state)
    except ValueError:
        abort(404)
    if to not in ACTION_FORMS:
        abort(404)
    form = _action_form(to, req, formdata=request.form)
    if not form.validate():
        return _render_detail(req, failed=(to, form))
    try:
        transition(req, to, current_user, form.note.data or "", **_details(to, form))
    except (TransitionRefused, ActorRefused):
        db.session.rollback()
        flash(_("That step is not possible from the request's current state."), "error")
        return redirect(url_for(".detail", request_id=request_id))
    except RequestError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return _render_detail(_get(request_id), failed=(to, form))
    db.session.commit()
    flash(DONE[to]())
    return redirect(url_for(".detail", request_id=request_id))


@bp.post("/<int:request_id>/suspend-leader")
@staff_required(Role.REVIEWER)
def suspend_leader(request_id: int):
    """Suspend the leader (for proof long overdue): no new requests until staff restore them."""
    req = _get(request_id)
    form = on_shared_page(ReasonForm, "suspend", request.form)
    if not form.validate():
        flash(_("Please write why the leader is suspended."), "error")
        return redirect(url_for(".detail", request_id=request_id))
    try:
        services.suspend_leader(req.leader, current_user, form.note.data)
    except RequestError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for(".detail", request_id=request_id))
    db.session.commit()
    flash(_("The leader is suspended."))
    return redirect(url_for(".detail", request_id=request_id))
