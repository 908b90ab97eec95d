"""Staff pages for subscribers: list and search, add someone who asked, remove, export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.audit import record
from app.extensions import db
from app.forms import EmptyForm
from app.i18n import N_
from app.mail.models import OutboxMessage, SuppressionReason
from app.mail.services import suppress, suppressed_among, suppression_of
from app.security import Role, staff_required
from app.subscriptions import (
    dashboard,  # noqa: F401  (registers the dashboard items)
    services,
    staff,
)
from app.subscriptions.forms import AddSubscriberForm, SubscriberSearchForm
from app.subscriptions.models import Subscriber, SubscriberStatus
from app.subscriptions.rules import SOURCE_LABELS, SubscriptionError

bp = Blueprint("subscribers", __name__)

STAFF = (Role.EDITOR, Role.ADMIN)
FILTERS = ("q", "status", "topic", "language")


def _subscriber_or_404(subscriber_id: int) -> Subscriber:
    return db.session.get(Subscriber, subscriber_id) or abort(404)


def _filters(source) -> dict[str, str]:
    return {key: (source.get(key) or "").strip()[:254] for key in FILTERS}


@bp.get("/")
@staff_required(*STAFF)
def index():
    """Subscribers with their status, topics, language and how they asked."""
    form = SubscriberSearchForm(request.args)
    filters = _filters(request.args)
    page = db.paginate(
        staff.search(**filters), page=request.args.get("page", 1, type=int) or 1, per_page=50
    )
    subscribers = list(page.items)
    return render_template(
        "staff/subscribers/index.html",
        form=form,
        page=page,
        filters={k: v for k, v in filters.items() if v},
        suppressed=suppressed_among(s.email for s in subscribers),
        sources=staff.first_sources([s.id for s in subscribers]),
        source_labels=SOURCE_LABELS,
        per_topic=staff.confirmed_per_topic(),
        per_status=staff.status_counts(),
        export_form=EmptyForm(),
        Status=SubscriberStatus,
    )


@bp.post("/export.csv")
@staff_required(*STAFF)
def export():
    """Download the (filtered) list as CSV; the export is audited."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    filters = _filters(request.form)
    body = staff.export_csv(staff.search(**filters), actor=current_user, filters=filters)
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="subscribers.csv"',
            "Cache-Control": "no-store",
        },
    )


def _added_message(subscriber: Subscriber, emailed: bool) -> str:
    email = subscriber.email
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return _("%(email)s is already subscribed.", email=email)
    if emailed:
        return _(
            "We emailed %(email)s a link to confirm. They are subscribed once they press it.",
            email=email,
        )
    return _(
        "%(email)s was sent a confirmation link less than an hour ago; they can use that one.",
        email=email,
    )


@bp.route("/add", methods=["GET", "POST"])
@staff_required(*STAFF)
def add():
    """Add someone who asked in person or in a comment: they still confirm by email."""
    form = AddSubscriberForm()
    if request.method == "GET":
        form.topics.data = ["prayer"]
        form.language.data = "en"
    if form.validate_on_submit():
        try:
            subscriber, emailed = services.subscribe_request(
                form.email.data,
                name=form.name.data or "",
                language=form.language.data,
                topics=form.topics.data,
                source=f"staff:{form.how.data}",
                actor=current_user,
                note=form.note.data or "",
            )
        except SubscriptionError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            record("subscribers.add", subscriber, actor=current_user, how=form.how.data)
            db.session.commit()
            if subscriber is None:
                flash(
                    _("That address bounced or complained before, so nothing was sent."), "warning"
                )
                return redirect(url_for(".index"))
            flash(_added_message(subscriber, emailed), "success" if emailed else "info")
            return redirect(url_for(".show", subscriber_id=subscriber.id))
    return render_template("staff/subscribers/add.html", form=form)


@bp.get("/<int:subscriber_id>")
@staff_required(*STAFF)
def show(subscriber_id: int):
    """One subscriber: topics, consent record, the email we sent them."""
    subscriber = _subscriber_or_404(subscriber_id)
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == subscriber.email)
        .order_by(OutboxMessage.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "staff/subscribers/show.html",
        subscriber=subscriber,
        messages=messages,
        suppression=suppression_of(subscriber.email),
        source_labels=SOURCE_LABELS,
        button=EmptyForm(),
        reasons=SuppressionReason,
    )


@bp.post("/<int:subscriber_id>/remove")
@staff_required(*STAFF)
def remove(subscriber_id: int):
    """Delete the subscriber and everything kept about them."""
    subscriber = _subscriber_or_404(subscriber_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "yes":
        return render_template(
            "staff/subscribers/remove.html", subscriber=subscriber, button=EmptyForm()
        )
    email = subscriber.email
    services.erase(subscriber, actor=current_user, note=N_("removed by staff"))
    db.session.commit()
    flash(_("%(email)s was removed.", email=email), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:subscriber_id>/unsubscribe")
@staff_required(*STAFF)
def unsubscribe(subscriber_id: int):
    """Unsubscribe someone who asked staff to stop their email."""
    subscriber = _subscriber_or_404(subscriber_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.unsubscribe(subscriber, source="staff", actor=current_user)
    db.session.commit()
    flash(_("%(email)s is unsubscribed.", email=subscriber.email), "success")
    return redirect(url_for(".show", subscriber_id=subscriber.id))


@bp.post("/<int:subscriber_id>/suppress")
@staff_required(*STAFF)
def suppress_address(subscriber_id: int):
    """Mark the address as hard-bounced or complained: it is never mailed again."""
    subscriber = _subscriber_or_404(subscriber_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        reason = SuppressionReason(request.form.get("reason", ""))
    except ValueError:
        abort(400)
    suppress(
        subscriber.email, reason, note=N_("staff, from the subscriber page"), actor=current_user
    )
    db.session.commit()
    flash(_("%(email)s will not be emailed again.", email=subscriber.email), "success")
    return redirect(url_for(".show", subscriber_id=subscriber.id))
