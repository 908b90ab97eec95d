"""Posting and moderating comments. Services flush; the view (or command) commits once.

Every status change goes through `transition()`, which refuses what `MODERATION` does not
allow, records a `CommentEvent` and an audit row, keeps the target's approved-comment count in
step and, when a reply is approved, queues the reply notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.audit import record
from app.comments import notifications, rules
from app.comments.models import (
    MODERATION,
    TARGETS,
    Comment,
    CommentEvent,
    CommentStatus,
    CommentTarget,
    target_of_model,
)
from app.comments.text import body_hash, clean_body, clean_name, plain_text, to_html
from app.database import utcnow
from app.extensions import db
from app.settings import get_setting
from app.workflow import TransitionRefused

__all__ = ["CommentRefused", "TransitionRefused"]

MAX_BODY = 5000
MAX_NAME = 80


class CommentRefused(ValueError):
    """A comment that cannot be accepted; `message` is shown to the person, `field` marks it."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- reading ----------------------------------------------------------------------------------


def comments_allowed(item: Any) -> bool:
    """Open on this item, and not past the configured number of days (0: never closes)."""
    if not item.comments_open:
        return False
    days = int(get_setting("comment_close_days") or 0)
    if days <= 0 or item.published_at is None:
        return True
    return utcnow() < item.published_at + timedelta(days=days)


def target_column(target: CommentTarget):
    return getattr(Comment, TARGETS[target][1])


def status_counts() -> dict[CommentStatus, int]:
    """Comments per status, in one grouped query (the queue's tabs)."""
    rows = db.session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    counts = dict.fromkeys(CommentStatus, 0)
    counts.update({CommentStatus(status): n for status, n in rows})
    return counts


def pending_count() -> int:
    """Comments waiting for a moderator; counted once per request (staff navigation)."""
    if "pending_comments" not in g:
        g.pending_comments = db.session.scalar(
            select(func.count()).select_from(Comment).where(Comment.status == CommentStatus.PENDING)
        )
    return g.pending_comments


# --- posting ----------------------------------------------------------------------------------


@dataclass
class Author:
    name: str
    email: str
    user: Any = None  # the signed-in account, if any
    staff: bool = False  # signed-in staff with two-factor done
    locale: str = "en"
    ip_hash: str | None = None


def _parent_for(item: Any, parent_id: int | None, *, staff: bool) -> Comment | None:
    """The comment a reply hangs under: threads are two levels, so a reply to a reply joins
    its thread's top-level comment (when that one is still shown)."""
    if not parent_id:
        return None
    shown = {CommentStatus.APPROVED} | ({CommentStatus.PENDING} if staff else set())
    parent = db.session.get(Comment, parent_id)
    if (
        parent is None
        or parent.status not in shown
        or parent.target_kind != target_of_model(item)
        or parent.target_id != item.id
    ):
        raise CommentRefused(_("The comment you replied to is no longer available."))
    if parent.parent_id is not None:
        root = db.session.get(Comment, parent.parent_id)
        if root is not None and root.status in shown:
            return root
    return parent


def _is_duplicate(item: Any, email: str, digest: str) -> bool:
    column = target_column(target_of_model(item))
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Comment)
            .where(
                column == item.id,
                Comment.author_email == email,
                Comment.body_hash == digest,
                Comment.status != CommentStatus.TRASH,
            )
        )
    )


def post_comment(
    item: Any,
    author: Author,
    body: str,
    *,
    parent_id: int | None = None,
    notify_replies: bool = False,
    check_open: bool = True,
) -> Comment:
    """Accept a comment on `item`, decided by the moderation rules. Raises CommentRefused."""
    if check_open and not comments_allowed(item):
        raise CommentRefused(_("Comments are closed."))
    name, email, text = (
        clean_name(author.name)[:MAX_NAME],
        author.email.strip().lower(),
        clean_body(body),
    )
    if not name:
        raise CommentRefused(_("Please enter your name."), "name")
    if len(text) > MAX_BODY:
        raise CommentRefused(_("Please keep your comment under %(n)d characters.", n=MAX_BODY))
    body_html = to_html(text)
    if not plain_text(body_html):
        raise CommentRefused(_("Please write a comment."))
    parent = _parent_for(item, parent_id, staff=author.staff)
    digest = body_hash(text)
    if _is_duplicate(item, email, digest):
        raise CommentRefused(_("You have already posted this comment."))

    decision = rules.decide(
        name=name, email=email, body=text, body_html=body_html, staff=author.staff
    )
    now = utcnow()
    comment = Comment(
        parent=parent,
        author_name=name,
        author_email=email,
        author_id=getattr(author.user, "id", None),
        by_staff=author.staff,
        locale=author.locale,
        body=text,
        body_html=body_html,
        body_hash=digest,
        status=decision.status,
        moderation_rule=decision.rule,
        moderation_detail=decision.detail[:200],
        notify_replies=notify_replies,
        ip_hash=author.ip_hash,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
    )
    setattr(comment, TARGETS[target_of_model(item)][1], item.id)
    db.session.add(comment)
    db.session.flush()
    _event(comment, "posted", None, decision.status, actor=author.user if author.staff else None)
    if author.staff:
        record("comment.post", comment, actor=author.user, status=str(decision.status))
    if decision.status == CommentStatus.APPROVED:
        _adjust_count(comment, +1)
        notifications.notify_thread(comment)
    elif decision.status == CommentStatus.PENDING:
        notifications.notify_moderators()
    return comment


# --- moderating -------------------------------------------------------------------------------


def _event(
    comment: Comment,
    action: str,
    from_status: CommentStatus | None,
    to_status: CommentStatus,
    *,
    actor: Any = None,
    note: str = "",
) -> CommentEvent:
    event = CommentEvent(
        comment_id=comment.id,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "display_name", "") if actor is not None else "",
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note or "",
    )
    db.session.add(event)
    return event


def _adjust_count(comment: Comment, delta: int) -> None:
    """Raise or lower the target's approved-comment count in one atomic UPDATE."""
    model = TARGETS[comment.target_kind][0]
    db.session.execute(
        update(model)
        .where(model.id == comment.target_id)
        # Naming updated_at keeps it as it was: a comment does not make the story "updated".
        .values(comment_count=model.comment_count + delta, updated_at=model.updated_at)
        .execution_options(synchronize_session=False)
    )


def transition(comment: Comment, to: CommentStatus, actor: Any, note: str = "") -> CommentEvent:
    """Move a comment to `to`, or raise TransitionRefused."""
    current = comment.status
    MODERATION.check(current, to)
    if to in (CommentStatus.SPAM, CommentStatus.TRASH):
        if current in (CommentStatus.PENDING, CommentStatus.APPROVED):
            comment.restore_status = current
    else:
        comment.restore_status = None
    comment.status = to
    comment.status_changed_at = utcnow()
    if CommentStatus.APPROVED in (current, to):
        _adjust_count(comment, +1 if to == CommentStatus.APPROVED else -1)
    event = _event(comment, "moved", current, to, actor=actor, note=note)
    record(f"comment.{to.value}", comment, actor=actor, note=note, **{"from": current.value})
    if to == CommentStatus.APPROVED:
        notifications.notify_thread(comment)
    db.session.flush()
    return event


def restore(comment: Comment, actor: Any, note: str = "") -> CommentEvent:
    """Out of spam or trash, back to where the comment was (pending when unknown)."""
    if comment.status not in (CommentStatus.SPAM, CommentStatus.TRASH):
        raise TransitionRefused(MODERATION.name, comment.status, comment.status)
    return transition(comment, comment.restore_status or CommentStatus.PENDING, actor, note)


ACTIONS = {
    "approve": CommentStatus.APPROVED,
    "unapprove": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.TRASH,
}


def apply_action(comment: Comment, action: str, actor: Any, note: str = "") -> CommentEvent:
    if action == "restore":
        return restore(comment, actor, note)
    if action not in ACTIONS:
        raise TransitionRefused(MODERATION.name, comment.status, comment.status)
    return transition(comment, ACTIONS[action], actor, note)


def bulk(ids: list[int], action: str, actor: Any) -> tuple[int, int]:
    """Apply `action` to each comment; returns (done, skipped) (skipped: not allowed there)."""
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(ids))).all()
    done = 0
    for comment in comments:
        try:
            apply_action(comment, action, actor)
            done += 1
        except TransitionRefused:
            continue
    return done, len(ids) - done


def edit(comment: Comment, *, name: str, body: str, actor: Any) -> None:
    """A moderator corrects a comment; the cleaned HTML is made again."""
    name, text = clean_name(name)[:MAX_NAME], clean_body(body)
    if not name:
        raise CommentRefused(_("Please enter a name."), "name")
    if len(text) > MAX_BODY:
        raise CommentRefused(_("Please keep the comment under %(n)d characters.", n=MAX_BODY))
    body_html = to_html(text)
    if not plain_text(body_html):
        raise CommentRefused(_("A comment cannot be empty."))
    changed = [
        f
        for f, old, new in (("name", comment.author_name, name), ("body", comment.body, text))
        if old != new
    ]
    if not changed:
        return
    comment.author_name, comment.body, comment.body_html = name, text, body_html
    comment.body_hash = body_hash(text)
    _event(comment, "edited", comment.status, comment.status, actor=actor, note=", ".join(changed))
    record("comment.edit", comment, actor=actor, fields=changed)
    db.session.flush()


def staff_reply(parent: Comment, item: Any, *, body: str, actor: Any) -> Comment:
    """Reply as staff from the queue: approved at once; a pending parent is approved too."""
    if parent.status not in (CommentStatus.PENDING, CommentStatus.APPROVED):
        raise CommentRefused(_("Restore this comment before replying to it."))
    if parent.status == CommentStatus.PENDING:
        transition(parent, CommentStatus.APPROVED, actor, _("Approved by replying"))
    author = Author(
        name=actor.display_name, email=actor.email, user=actor, staff=True, locale=actor.locale
    )
    return post_comment(item, author, body, parent_id=parent.id, check_open=False)


def set_comments_open(item: Any, is_open: bool, actor: Any) -> None:
    item.comments_open = is_open
    record("comment.open" if is_open else "comment.close", item, actor=actor)
    db.session.flush()
