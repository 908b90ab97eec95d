"""Reviewers' queue of defectors' own requests: read, mark shipped or closed.

The details are shown only here, only until they are erased, and never exported.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.bible_requests import defectors as services
from app.bible_requests import inventory
from app.bible_requests.errors import RequestError
from app.bible_requests.models import DefectorRequest, DefectorRequestState
from app.bible_requests.staff_blueprint import bp
from app.bible_requests.staff_forms import DefectorCloseForm, DefectorShipForm, on_shared_page
from app.extensions import db
from app.security import Role, staff_required
from app.settings import get_setting
from app.workflow import TransitionRefused

D = DefectorRequestState
TABS = (
    ("new", _l("New")),
    ("shipped", _l("Shipped")),
    ("closed", _l("Closed")),
)


@bp.get("/defectors/")
@staff_required(Role.REVIEWER)
def defectors():
    """Defectors' own requests, by state."""
    state = request.args.get("state", "new")
    if state not in {key for key, _ in TABS}:
        state = "new"
    page = db.paginate(
        select(DefectorRequest)
        .where(DefectorRequest.state == D(state))
        .order_by(DefectorRequest.created_at.desc(), DefectorRequest.id.desc()),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=25,
        error_out=False,
    )
    return render_template(
        "bible_requests/staff/defectors.html",
        page=page,
        state=state,
        tabs=TABS,
        new_count=services.count_new(),
        erase_days=get_setting("defector_data_days"),
    )


@bp.get("/defectors/<int:id>")
@staff_required(Role.REVIEWER)
def defector(id: int):
    """One defector's request (its details until they are erased)."""
    dreq = db.session.get(DefectorRequest, id) or abort(404)
    return render_template(
        "bible_requests/staff/defector.html",
        dreq=dreq,
        ship_form=on_shared_page(DefectorShipForm, "ship"),
        close_form=on_shared_page(DefectorCloseForm, "close"),
        stock=inventory.levels(),
        erase_days=get_setting("defector_data_days"),
    )


@bp.post("/defectors/<int:id>/<any(shipped, closed):state>")
@staff_required(Role.REVIEWER)
def defector_step(id: int, state: str):
    """Mark it shipped (one Bible leaves the stock) or closed."""
    dreq = db.session.get(DefectorRequest, id) or abort(404)
    if state == "shipped":
        form = on_shared_page(DefectorShipForm, "ship", request.form)
    else:
        form = on_shared_page(DefectorCloseForm, "close", request.form)
    if not form.validate():
        flash(_("Please check the note (at most 500 characters)."), "error")
        return redirect(url_for(".defector", id=id))
    try:
        services.transition(dreq, D(state), current_user, form.note.data or "")
    except (TransitionRefused, RequestError) as refused:
        db.session.rollback()
        flash(getattr(refused, "message", _("That is not possible now.")), "error")
        return redirect(url_for(".defector", id=id))
    db.session.commit()
    flash(_("Marked shipped.") if state == "shipped" else _("Closed."))
    return redirect(url_for(".defectors"))
