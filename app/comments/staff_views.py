"""The moderation queue (/staff/comments), nested under the staff blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.comments import services
from app.comments.display import page_args
from app.comments.forms import EditForm, ReplyForm
from app.comments.models import TARGETS, Comment, CommentEvent, CommentStatus, CommentTarget
from app.comments.rules import describe
from app.extensions import db
from app.forms import EmptyForm
from app.i18n import ngettext
from app.security import Role, staff_required
from app.staff.activity import register_action_labels, register_object_type_labels
from app.staff.dashboard import Attention, attention_provider
from app.urls import safe_next

bp = Blueprint("comments", __name__)

PER_PAGE = 25
ACTION_LABELS = {
    "approve": _l("Approve"),
    "unapprove": _l("Unapprove"),
    "spam": _l("Spam"),
    "trash": _l("Trash"),
    "restore": _l("Restore"),
}
# The buttons each tab offers, in order.
ACTIONS_FOR = {
    CommentStatus.PENDING: ("approve", "spam", "trash"),
    CommentStatus.APPROVED: ("unapprove", "spam", "trash"),
    CommentStatus.SPAM: ("restore", "trash"),
    CommentStatus.TRASH: ("restore", "spam"),
}
TAB_LABELS = {
    CommentStatus.PENDING: _l("Pending"),
    CommentStatus.APPROVED: _l("Approved"),
    CommentStatus.SPAM: _l("Spam"),
    CommentStatus.TRASH: _l("Trash"),
}


@attention_provider
def comments_waiting():
    count = services.pending_count()
    if count:
        yield Attention(
            label=str(_l("Comments awaiting moderation")),
            count=count,
            url=url_for("staff.comments.queue"),
            roles=(Role.MODERATOR,),
            level="warning",
        )


def _with_targets(query):
    return query.options(
        joinedload(Comment.story), joinedload(Comment.prayer_request), joinedload(Comment.project)
    )


def _comment(comment_id: int) -> Comment:
    comment = db.session.scalar(_with_targets(select(Comment)).where(Comment.id == comment_id))
    return comment or abort(404)


def _item_filter(value: str | None):
    """`story-12` -> (target, item) for the per-item view of the queue."""
    kind, _sep, raw_id = (value or "").partition("-")
    if kind not in TARGETS or not raw_id.isdigit():
        return None
    model = TARGETS[CommentTarget(kind)][0]
    item = db.session.get(model, int(raw_id))
    return (CommentTarget(kind), item) if item is not None else None


def _status(value: str | None) -> CommentStatus:
    try:
        return CommentStatus(value or "pending")
    except ValueError:
        abort(404)


@bp.get("/")
@staff_required(Role.MODERATOR)
def queue():
    """Comments by status, newest first, with actions one by one or in bulk."""
    status = _status(request.args.get("status"))
    query = _with_targets(select(Comment)).where(Comment.status == status)
    item_filter = _item_filter(request.args.get("item"))
    if item_filter is not None:
        target, item = item_filter
        query = query.where(services.target_column(target) == item.id)
    search = (request.args.get("q") or "").strip()[:100]
    if search:
        like = f"%{search}%"
        query = query.where(
            or_(
                Comment.author_name.ilike(like),
                Comment.author_email.ilike(like),
                Comment.body.ilike(like),
            )
        )
    query = query.order_by(Comment.created_at.desc(), Comment.id.desc())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    return render_template(
        "comments/staff_queue.html",
        page=page,
        status=status,
        counts=services.status_counts(),
        tabs=TAB_LABELS,
        actions=ACTIONS_FOR[status],
        action_labels=ACTION_LABELS,
        item_filter=item_filter,
        search=search,
        form=EmptyForm(),
        describe=describe,
    )


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


@bp.post("/bulk")
@staff_required(Role.MODERATOR)
def bulk():
    """One row's button, or the chosen action on every ticked comment."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    back = _back(url_for(".queue"))
    row = request.form.get("row", "")
    if row:
        action, _sep, raw_id = row.partition(":")
        ids = [int(raw_id)] if raw_id.isdigit() else []
    else:
        action = request.form.get("action", "")
        ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()][:500]
    if action not in ACTION_LABELS:
        flash(_("Choose an action."), "error")
        return redirect(back)
    if not ids:
        flash(_("Tick the comments to change first."), "error")
        return redirect(back)
    done, skipped = services.bulk(ids, action, current_user)
    db.session.commit()
    message = done_message(action, done)
    if skipped:
        message += " " + ngettext(
            "%(num)s skipped (not possible from its state).",
            "%(num)s skipped (not possible from their state).",
            skipped,
        )
    flash(message, "success" if done else "warning")
    return redirect(back)


def done_message(action: str, n: int) -> str:
    if action == "approve":
        return ngettext("%(num)s comment approved.", "%(num)s comments approved.", n)
    if action == "unapprove":
        return ngettext(
            "%(num)s comment moved back to pending.", "%(num)s comments moved back to pending.", n
        )
    if action == "spam":
        return ngettext("%(num)s comment marked as spam.", "%(num)s comments marked as spam.", n)
    if action == "trash":
        return ngettext(
            "%(num)s comment moved to the trash.", "%(num)s comments moved to the trash.", n
        )
    return ngettext("%(num)s comment restored.", "%(num)s comments restored.", n)


@bp.get("/<int:comment_id>")
@staff_required(Role.MODERATOR)
def detail(comment_id: int):
    """One comment: its text, where it is, its history; edit it or reply as staff."""
    comment = _comment(comment_id)
    return _render_detail(comment)


def _render_detail(comment: Comment, edit_form=None, reply_form=None, status: int = 200):
    events = db.session.scalars(
        select(CommentEvent)
        .where(CommentEvent.comment_id == comment.id)
        .order_by(CommentEvent.created_at, CommentEvent.id)
    ).all()
    replies = db.session.scalars(
        select(Comment).where(Comment.parent_id == comment.id).order_by(Comment.created_at)
    ).all()
    parent = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
    edit_form = edit_form or EditForm(name=comment.author_name, body=comment.body)
    return render_template(
        "comments/staff_detail.html",
        comment=comment,
        parent=parent,
        replies=replies,
        events=events,
        edit_form=edit_form,
        reply_form=reply_form or ReplyForm(),
        form=EmptyForm(),
        actions=ACTIONS_FOR[comment.status],
        action_labels=ACTION_LABELS,
        describe=describe,
        status_labels=TAB_LABELS,
        public_url=url_for(
            TARGETS[comment.target_kind][2],
            slug=comment.target.slug,
            **page_args(comment.target, comment.id, own=False),
        ),
    ), status


@bp.post("/<int:comment_id>/edit")
@staff_required(Role.MODERATOR)
def edit(comment_id: int):
    """Correct a comment's name or text."""
    comment = _comment(comment_id)
    form = EditForm()
    if not form.validate_on_submit():
        return _render_detail(comment, edit_form=form, status=422)
    try:
        services.edit(comment, name=form.name.data, body=form.body.data, actor=current_user)
    except services.CommentRefused as refused:
        getattr(form, refused.field, form.body).errors = [refused.message]
        return _render_detail(comment, edit_form=form, status=422)
    db.session.commit()
    flash(_("Comment saved."), "success")
    return redirect(url_for(".detail", comment_id=comment.id))


@bp.post("/<int:comment_id>/reply")
@staff_required(Role.MODERATOR)
def reply(comment_id: int):
    """Reply as staff: published at once (and the comment replied to is approved)."""
    comment = _comment(comment_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_detail(comment, reply_form=form, status=422)
    try:
        staff_reply = services.staff_reply(
            comment, comment.target, body=form.body.data, actor=current_user
        )
    except services.CommentRefused as refused:
        form.body.errors = [refused.message]
        return _render_detail(comment, reply_form=form, status=422)
    db.session.commit()
    flash(_("Your reply is published."), "success")
    return redirect(url_for(".detail", comment_id=staff_reply.id))


@bp.post("/items/<any(story, prayer, project):target>/<int:item_id>/open")
@staff_required(Role.MODERATOR)
def toggle_open(target: str, item_id: int):
    """Open or close comments on one story, prayer request or project."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    item = db.session.get(TARGETS[CommentTarget(target)][0], item_id) or abort(404)
    is_open = request.form.get("open") == "1"
    services.set_comments_open(item, is_open, current_user)
    db.session.commit()
    flash(_("Comments are open.") if is_open else _("Comments are closed."), "success")
    return redirect(_back(url_for(".queue", item=f"{target}-{item_id}")))


register_action_labels(
    {
        "comment.post": _l("Posted a comment"),
        "comment.edit": _l("Edited a comment"),
        "comment.pending": _l("Moved a comment back to pending"),
        "comment.approved": _l("Approved a comment"),
        "comment.spam": _l("Marked a comment as spam"),
        "comment.trash": _l("Moved a comment to the trash"),
        "comment.open": _l("Opened comments"),
        "comment.close": _l("Closed comments"),
    }
)
register_object_type_labels({"Comment": _l("Comment")})
