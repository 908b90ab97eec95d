"""Staff pages for prayer updates: compose, preview, test, send or schedule, follow, pause."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.audit import record
from app.extensions import db
from app.forms import EmptyForm
from app.security import Role, staff_required
from app.subscriptions import sending, updates
from app.subscriptions.forms import ScheduleForm, TestSendForm, UpdateForm
from app.subscriptions.models import PrayerUpdate, UpdateStatus
from app.subscriptions.services import SubscriptionError
from app.workflow import TransitionRefused

bp = Blueprint("updates", __name__)

STAFF = (Role.EDITOR, Role.ADMIN)
# The email preview is the email itself: its inline styles are allowed, and nothing else.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _update_or_404(update_id: int) -> PrayerUpdate:
    return db.session.get(PrayerUpdate, update_id) or abort(404)


def _fill_choices(form: UpdateForm, update: PrayerUpdate | None) -> None:
    """Recent published items, plus any older ones the update already includes."""
    prayers = updates.pickable_prayer_requests()
    stories = updates.pickable_stories()
    if update is not None:
        prayers += [p for p in update.prayer_requests if p not in prayers and p.is_public]
        stories += [s for s in update.stories if s not in stories and s.is_public]
    answered = " · " + _("answered")
    form.prayer_ids.choices = [
        SelectChoice(p.id, p.t("title") + (answered if p.is_answered else "")) for p in prayers
    ]
    form.story_ids.choices = [SelectChoice(s.id, s.t("title")) for s in stories]


def _button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.get("/")
@staff_required(*STAFF)
def index():
    """Drafts, scheduled and past updates."""
    items = db.session.scalars(
        select(PrayerUpdate).order_by(PrayerUpdate.created_at.desc(), PrayerUpdate.id.desc())
    ).all()
    return render_template("staff/updates/index.html", updates=items)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:update_id>/edit", methods=["GET", "POST"])
@staff_required(*STAFF)
def edit(update_id: int | None = None):
    """Subject, introduction and the prayer requests and stories to include."""
    update = _update_or_404(update_id) if update_id else None
    if update is not None and update.status not in updates.EDITABLE:
        flash(_("An update cannot be changed once sending has started."), "error")
        return redirect(url_for(".show", update_id=update.id))
    form = UpdateForm(obj=update) if request.method == "GET" else UpdateForm()
    if request.method == "GET" and update is not None:
        form.prayer_ids.data = [p.id for p in update.prayer_requests]
        form.story_ids.data = [s.id for s in update.stories]
    _fill_choices(form, update)
    if form.validate_on_submit():
        try:
            update = updates.save_update(
                update,
                subject_en=form.subject_en.data,
                subject_ko=form.subject_ko.data,
                intro_en=form.intro_en.data,
                intro_ko=form.intro_ko.data,
                topics=form.topics.data,
                prayer_ids=form.prayer_ids.data or [],
                story_ids=form.story_ids.data or [],
                actor=current_user,
            )
        except SubscriptionError as error:
            form.subject_en.errors = [*form.subject_en.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The update is saved."), "success")
            return redirect(url_for(".show", update_id=update.id))
    return render_template("staff/updates/edit.html", form=form, update=update)


@bp.get("/<int:update_id>")
@staff_required(*STAFF)
def show(update_id: int):
    """Everything about one update, with the actions its state allows."""
    update = _update_or_404(update_id)
    zone = current_app.config["DISPLAY_TIMEZONE"]
    return render_template(
        "staff/updates/show.html",
        update=update,
        progress=sending.progress(update) if update.started_at else None,
        recipients=sending.recipient_count(update.topics),
        button=EmptyForm(),
        schedule_form=ScheduleForm(),
        test_form=TestSendForm(data={"language": current_user.locale or "en"}),
        zone=zone,
        Status=UpdateStatus,
    )


@bp.get("/<int:update_id>/preview/<any(en, ko):language>")
@staff_required(*STAFF)
def preview(update_id: int, language: str):
    """The email exactly as a subscriber reading `language` will see it."""
    update = _update_or_404(update_id)
    values = updates.sample_values(language)
    _subject, text, html = updates.render_update(update, language, values)
    if request.args.get("format") == "text":
        return Response(text, mimetype="text/plain")
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


@bp.post("/<int:update_id>/test")
@staff_required(*STAFF)
def test(update_id: int):
    """Send the update to yourself."""
    update = _update_or_404(update_id)
    form = TestSendForm()
    if not form.validate_on_submit():
        abort(400)
    sending.send_test(update, current_user, form.language.data)
    db.session.commit()
    flash(_("A test was sent to %(email)s.", email=current_user.email), "success")
    return redirect(url_for(".show", update_id=update.id))


def _act(update_id: int, action, done: str):
    update = _update_or_404(update_id)
    _button()
    try:
        action(update, current_user)
    except TransitionRefused:
        flash(_("That is not possible in the update's current state."), "error")
        return redirect(url_for(".show", update_id=update.id))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".show", update_id=update.id))


@bp.post("/<int:update_id>/send")
@staff_required(*STAFF)
def send(update_id: int):
    """Send to every confirmed subscriber of the update's topics now."""
    return _act(update_id, sending.send_now, _("Sending has started."))


@bp.post("/<int:update_id>/schedule")
@staff_required(*STAFF)
def schedule(update_id: int):
    """Send at a later time (the mail worker starts it)."""
    update = _update_or_404(update_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        flash(_("Enter the date and time to send."), "error")
        return redirect(url_for(".show", update_id=update.id))
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    when = form.when.data.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    try:
        sending.schedule(update, when, current_user)
    except (SubscriptionError, TransitionRefused) as error:
        flash(
            str(error) if isinstance(error, SubscriptionError) else _("Not possible now."), "error"
        )
        return redirect(url_for(".show", update_id=update.id))
    db.session.commit()
    flash(_("The update is scheduled."), "success")
    return redirect(url_for(".show", update_id=update.id))


@bp.post("/<int:update_id>/unschedule")
@staff_required(*STAFF)
def unschedule(update_id: int):
    """Back to a draft."""
    return _act(update_id, sending.unschedule, _("The schedule is cancelled."))


@bp.post("/<int:update_id>/pause")
@staff_required(*STAFF)
def pause(update_id: int):
    """Hold what has not been sent yet."""
    return _act(update_id, sending.pause, _("Sending is paused."))


@bp.post("/<int:update_id>/resume")
@staff_required(*STAFF)
def resume(update_id: int):
    """Carry on sending."""
    return _act(update_id, sending.resume, _("Sending has resumed."))


@bp.post("/<int:update_id>/cancel")
@staff_required(*STAFF)
def cancel(update_id: int):
    """Stop for good; what was sent stays sent."""
    return _act(update_id, sending.cancel, _("The rest of this send is cancelled."))


@bp.post("/<int:update_id>/delete")
@staff_required(*STAFF)
def delete(update_id: int):
    """Delete a draft."""
    update = _update_or_404(update_id)
    _button()
    if update.status != UpdateStatus.DRAFT:
        flash(_("Only drafts can be deleted."), "error")
        return redirect(url_for(".show", update_id=update.id))
    record("updates.delete", update, actor=current_user, subject=update.t("subject"))
    db.session.delete(update)
    db.session.commit()
    flash(_("The draft is deleted."), "success")
    return redirect(url_for(".index"))


@bp.get("/<int:update_id>/progress.json")
@staff_required(*STAFF)
def progress(update_id: int):
    """Queued, sent and failed counts, for the progress bar's script."""
    return jsonify(sending.progress(_update_or_404(update_id)))
