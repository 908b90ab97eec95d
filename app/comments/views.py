"""Posting a comment, and stopping reply emails for a thread."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.antispam import looks_automated
from app.comments import notifications, services
from app.comments.display import (
    mark_personal,
    new_form,
    page_args,
    remember_own,
    staff_now,
)
from app.comments.forms import parent_id_of
from app.comments.models import TARGETS, CommentStatus, CommentTarget
from app.content import services as content
from app.content.views import render_item
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.i18n import current_language
from app.security import ip_hash, public
from app.subscriptions.services import SubscriptionError, request_subscription

bp = Blueprint("comments", __name__)

DEFAULT_RATE_LIMIT = "5/minute;20/hour;60/day"


def rate_limit() -> str:
    return current_app.config.get("COMMENT_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _item(target: str, slug: str):
    model = TARGETS[CommentTarget(target)][0]
    return content.get_public(model, slug) or abort(404)


def _page_url(target: str, item, anchor: str = "comments") -> str:
    return url_for(TARGETS[CommentTarget(target)][2], slug=item.slug) + f"#{anchor}"


def _comment_url(target: str, item, comment) -> str:
    """The page of the thread that shows `comment` (a long thread has several)."""
    endpoint = TARGETS[CommentTarget(target)][2]
    return url_for(endpoint, slug=item.slug, **page_args(item, comment.id)) + (
        f"#comment-{comment.id}"
    )


def _show_again(target: str, item, form, status: int):
    """The item's page again, with the form as the person filled it and what was wrong."""
    mark_personal()
    if hasattr(form, "refresh_shown_at"):
        form.refresh_shown_at()
    return render_item(CommentTarget(target), item, comment_form=form), status


@bp.post("/comments/<any(story, prayer, project):target>/<slug>")
@public
@limiter.limit(rate_limit)
def post(target: str, slug: str):
    """Post a comment (or a reply) on a story, prayer request or project."""
    item = _item(target, slug)
    form = new_form()
    as_staff = staff_now()
    if not as_staff and looks_automated(form):
        # An ordinary answer, and nothing kept.
        flash(_("Thank you. Your comment is awaiting moderation."), "success")
        return redirect(_page_url(target, item))
    if not form.validate():
        return _show_again(target, item, form, 422)
    author = services.Author(
        name=current_user.display_name if as_staff else form.name.data,
        email=current_user.email if as_staff else form.email.data,
        user=current_user if current_user.is_authenticated else None,
        staff=as_staff,
        locale=current_language(),
        ip_hash=None if as_staff else ip_hash("comment"),
    )
    try:
        comment = services.post_comment(
            item,
            author,
            form.body.data,
            parent_id=parent_id_of(form),
            notify_replies=bool(form.notify_replies.data),
        )
    except services.CommentRefused as refused:
        getattr(form, refused.field, form.body).errors = [refused.message]
        return _show_again(target, item, form, 422)
    if not as_staff and form.subscribe_updates.data and comment.status != CommentStatus.SPAM:
        try:
            request_subscription(
                form.email.data,
                name=form.name.data,
                language=current_language(),
                topics=("prayer",),
                source="comment",
            )
        except SubscriptionError as refused:
            form.subscribe_updates.errors = [str(refused)]
            db.session.rollback()
            return _show_again(target, item, form, 422)
    db.session.commit()
    if comment.status == CommentStatus.APPROVED:
        flash(_("Thank you for your comment."), "success")
        return redirect(_comment_url(target, item, comment))
    if comment.status == CommentStatus.PENDING:
        remember_own(comment)
    # Spam gets the very answer a held comment gets (and is never shown).
    flash(_("Thank you. Your comment is awaiting moderation."), "success")
    return redirect(_comment_url(target, item, comment))


@bp.get("/comments/<any(story, prayer, project):target>/<slug>")
@public
def post_page(target: str, slug: str):
    """The form's address, opened directly (e.g. reloading after an error): the item's page."""
    return redirect(_page_url(target, _item(target, slug), "respond"))


@bp.errorhandler(429)
def too_many(error):
    """Over the rate limit: the page again with the text kept, and a clear message."""
    args = request.view_args or {}
    target, slug = args.get("target"), args.get("slug")
    item = None
    if request.endpoint == "comments.post" and target in TARGETS:
        item = content.get_public(TARGETS[CommentTarget(target)][0], slug)
    if item is None:
        return render_template("errors/429.html", error=error), 429
    form = new_form()
    form.body.errors = [
        _("You have posted several comments in a short time. Please wait a little and try again.")
    ]
    return _show_again(target, item, form, 429)


@bp.route("/comments/stop/<token>", methods=["GET", "POST"])
@public
def stop(token: str):
    """Stop emails about replies in one thread (confirmed with a button: mail scanners follow
    links, and must not unsubscribe anyone)."""
    comment = notifications.comment_for_stop_token(token) or abort(404)
    model, _column, endpoint = TARGETS[comment.target_kind]
    item = db.session.get(model, comment.target_id)
    form = EmptyForm()
    stopped = False
    if form.validate_on_submit():
        notifications.stop_thread(comment)
        db.session.commit()
        stopped = True
    return render_template(
        "comments/stop.html",
        form=form,
        stopped=stopped,
        item=item,
        item_url=url_for(endpoint, slug=item.slug) if item is not None and item.is_public else None,
    )


@bp.after_app_request
def personal_pages_are_not_shared(response):
    """A page showing one visitor's pending comment or typed form must never be cached."""
    if g.get("comments_personal"):
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_global("pending_comment_count")
def pending_comment_count() -> int:
    return services.pending_count()
