"""Public pages: subscribe, confirm, preferences, unsubscribe (one-click), erase, archive."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.antispam import looks_automated
from app.extensions import csrf, db, limiter
from app.forms import EmptyForm
from app.security import public
from app.subscriptions import services, tokens, updates
from app.subscriptions.forms import ManageRequestForm, PreferencesForm, SubscribeForm
from app.subscriptions.models import (
    LANGUAGE_LABELS,
    TOPIC_LABELS,
    Subscriber,
    SubscriberStatus,
    Topic,
)
from app.subscriptions.services import LinkError, SubscriptionError
from app.urls import safe_next

bp = Blueprint("subscriptions", __name__)

TOKEN_ENDPOINTS = {"confirm", "preferences", "unsubscribe", "resubscribe", "erase", "one_click"}


def _form_limit() -> str:
    return current_app.config["SUBSCRIBE_RATE_LIMIT"]


@bp.after_request
def protect_token_pages(response):
    """Pages reached by a private link: never cached, never leak the link as a Referer."""
    if request.endpoint and request.endpoint.rpartition(".")[2] in TOKEN_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_template_global("topic_label")
@bp.app_template_filter("topic_label")
def topic_label(topic: str) -> str:
    """ "Prayer updates" / "New stories", in the reader's language."""
    try:
        return str(TOPIC_LABELS[Topic(topic)])
    except ValueError:
        return topic


@bp.app_context_processor
def embedded_subscribe_form() -> dict[str, Any]:
    def subscribe_form(source: str) -> SubscribeForm:
        """The subscribe form to embed in a page (footer, home, story, prayer request)."""
        form = SubscribeForm(formdata=None)
        form.source.data = source
        form.refresh_shown_at()
        return form

    return {"subscribe_form": subscribe_form}


# --- subscribing ------------------------------------------------------------------------------


@bp.route("/subscribe", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
def subscribe():
    """The subscribe form; every form on the site posts here."""
    form = SubscribeForm()
    back = safe_next(request.form.get("next"), "")
    if form.validate_on_submit():
        if looks_automated(form):
            return redirect(url_for(".check_email", next=back or None))  # same answer, kept nothing
        try:
            services.subscribe_request(
                form.email.data,
                name=form.name.data or "",
                language=form.language.data,
                topics=form.topics.data,
                source=f"form:{form.source_name}",
            )
        except SubscriptionError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            db.session.commit()
            return redirect(url_for(".check_email", next=back or None))
    if form.is_submitted():
        form.refresh_shown_at()
    return render_template("subscriptions/subscribe.html", form=form, next=back)


@bp.get("/subscribe/check-email")
@public
def check_email():
    """The one answer to every subscription request (no hint whether the address is known)."""
    return render_template(
        "subscriptions/check_email.html", back=safe_next(request.args.get("next"), "")
    )


def _link_problem(reason: str):
    status = {"tampered": 400, "expired": 410, "replaced": 410, "gone": 404}[reason]
    return render_template("subscriptions/link_problem.html", reason=reason), status


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """GET shows a button (link scanners confirm nothing); the POST confirms."""
    try:
        payload, _issued = tokens.read_confirmation(token)
    except tokens.BadToken as error:
        return _link_problem("expired" if str(error) == "expired" else "tampered")
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            subscriber = services.confirm(token)
        except LinkError as error:
            return _link_problem(error.reason)
        db.session.commit()
        flash(_("Thank you: your subscription is confirmed."), "success")
        return redirect(url_for(".preferences", token=tokens.sign(subscriber.token)))
    return render_template(
        "subscriptions/confirm.html",
        form=form,
        topics=services.topic_labels(payload.get("t") or []),
        language=LANGUAGE_LABELS.get(payload.get("l"), ""),
    )


# --- managing ---------------------------------------------------------------------------------


@bp.route("/subscription/manage", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
def manage():
    """Ask for the link to your preferences by email."""
    form = ManageRequestForm()
    if form.validate_on_submit():
        try:
            if not looks_automated(form):
                services.send_manage_link(form.email.data)
        except SubscriptionError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            db.session.commit()
            return redirect(url_for(".manage_sent"))
    if form.is_submitted():
        form.refresh_shown_at()
    return render_template("subscriptions/manage.html", form=form)


@bp.get("/subscription/manage/sent")
@public
def manage_sent():
    """The same answer whether or not the address subscribes."""
    return render_template("subscriptions/manage_sent.html")


def _subscriber(token: str) -> Subscriber | None:
    try:
        return services.by_link_token(token)
    except LinkError:
        abort(400)


@bp.route("/subscription/<token>", methods=["GET", "POST"])
@public
def preferences(token: str):
    """Topics, language and name, reached by the signed link in every email."""
    subscriber = _subscriber(token)
    if subscriber is None:
        return _link_problem("gone")
    form = PreferencesForm(
        data=None
        if request.method == "POST"
        else {
            "name": subscriber.name,
            "language": subscriber.language,
            "topics": [t.value for t in subscriber.topic_set],
        }
    )
    if form.validate_on_submit():
        try:
            changed = services.update_preferences(
                subscriber,
                topics=form.topics.data,
                language=form.language.data,
                name=form.name.data or "",
                source="preferences",
            )
        except SubscriptionError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Your preferences are saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for(".preferences", token=token))
    return render_template(
        "subscriptions/preferences.html",
        form=form,
        subscriber=subscriber,
        token=token,
        button=EmptyForm(),
        Status=SubscriberStatus,
    )


@bp.post("/subscription/<token>/unsubscribe")
@public
def unsubscribe(token: str):
    """Unsubscribe from the preferences page."""
    subscriber = _subscriber(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if subscriber is None:
        return _link_problem("gone")
    services.unsubscribe(subscriber, source="preferences")
    db.session.commit()
    flash(_("You are unsubscribed. We will not send you prayer updates."), "success")
    return redirect(url_for(".preferences", token=token))


@bp.post("/subscription/<token>/resubscribe")
@public
def resubscribe(token: str):
    """Subscribe again (or confirm) from the preferences page."""
    subscriber = _subscriber(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if subscriber is None:
        return _link_problem("gone")
    services.resubscribe(subscriber, source="preferences")
    db.session.commit()
    flash(_("You are subscribed. Thank you for praying with us."), "success")
    return redirect(url_for(".preferences", token=token))


@bp.route("/subscription/<token>/erase", methods=["GET", "POST"])
@public
def erase(token: str):
    """Delete the subscription and everything kept about it."""
    subscriber = _subscriber(token)
    if subscriber is None:
        return _link_problem("gone")
    form = EmptyForm()
    if form.validate_on_submit():
        services.erase(subscriber)
        db.session.commit()
        return redirect(url_for(".erased"))
    return render_template("subscriptions/erase.html", form=form, token=token)


@bp.get("/subscription/erased")
@public
def erased():
    """After erasing: nothing about the address is kept."""
    return render_template("subscriptions/erased.html")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058: the cookieless POST is authenticated by its token alone
def one_click(token: str):
    """One-click unsubscribe: POST unsubscribes (idempotent, no redirect); GET only asks."""
    subscriber = _subscriber(token)
    if request.method == "POST":
        if subscriber is not None:
            services.unsubscribe(subscriber, source="one-click")
            db.session.commit()
        return render_template(
            "subscriptions/unsubscribed.html", subscriber=subscriber, token=token
        )
    return render_template("subscriptions/unsubscribe.html", subscriber=subscriber, token=token)


# --- the archive ------------------------------------------------------------------------------


@bp.get("/updates/")
@public
def archive():
    """Past prayer updates, newest first."""
    page = db.paginate(
        updates.public_updates(),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=current_app.config["PER_PAGE"],
    )
    return render_template("subscriptions/archive.html", page=page)


@bp.get("/updates/<int:update_id>")
@public
def archive_item(update_id: int):
    """One past prayer update, in the visitor's language."""
    update = updates.get_update(update_id)
    if update is None or not update.is_public:
        abort(404)
    return render_template("subscriptions/archive_item.html", update=update)
