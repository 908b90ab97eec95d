"""Email about comments, always through the outbox and in the recipient's language.

- Moderators hear that comments are waiting, at most once every 15 minutes (the outbox itself
  remembers when the last such message was queued).
- Commenters who asked to be told about replies hear about each reply in their thread once it
  is approved, with a signed link that stops those emails for that thread.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select, update

from app.accounts.models import User, UserRole
from app.comments.models import TARGETS, Comment, CommentStatus
from app.comments.text import plain_text
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.services import queue_email
from app.security import Role
from app.urls import external_url

if TYPE_CHECKING:
    from collections.abc import Iterable

WAITING_TEMPLATE = "comments_waiting"
REPLY_TEMPLATE = "comment_reply"
MODERATOR_EMAIL_EVERY = timedelta(minutes=15)


# --- moderators -------------------------------------------------------------------------------


def _users_with(role: Role) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role.value, User.disabled_at.is_(None))
            .order_by(User.id)
        )
    )


def moderators() -> list[User]:
    """Who hears about waiting comments: moderators, or the admins when there are none."""
    return _users_with(Role.MODERATOR) or _users_with(Role.ADMIN)


def notify_moderators() -> int:
    """Tell moderators comments are waiting, unless someone was told in the last 15 minutes."""
    now = utcnow()
    last = db.session.scalar(
        select(func.max(OutboxMessage.created_at)).where(OutboxMessage.template == WAITING_TEMPLATE)
    )
    if last is not None and now - last < MODERATOR_EMAIL_EVERY:
        return 0
    waiting = db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.status == CommentStatus.PENDING)
    )
    queue_url = external_url("staff.comments.queue")
    sent = 0
    for user in moderators():
        with force_locale(user.locale):
            subject = _("Comments are waiting for moderation")
        queue_email(
            user.email,
            WAITING_TEMPLATE,
            subject=subject,
            locale=user.locale,
            to_name=user.display_name,
            context={"count": waiting, "queue_url": queue_url, "name": user.display_name},
        )
        sent += 1
    return sent


# --- reply notifications ----------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="comment-thread-stop")


def stop_token(comment: Comment) -> str:
    """Names one commenter's comment; the link stops reply emails for its whole thread."""
    return _serializer().dumps(comment.id)


def comment_for_stop_token(token: str) -> Comment | None:
    try:
        comment_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(comment_id, int):
        return None
    return db.session.get(Comment, comment_id)


def thread_filter(thread_id: int):
    return or_(Comment.id == thread_id, Comment.parent_id == thread_id)


def stop_thread(comment: Comment) -> int:
    """No more reply emails to this commenter's address about this thread. Idempotent."""
    result = db.session.execute(
        update(Comment)
        .where(
            thread_filter(comment.thread_id),
            Comment.author_email == comment.author_email,
            Comment.notify_replies.is_(True),
        )
        .values(notify_replies=False, updated_at=Comment.updated_at)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def _subscribers(reply: Comment) -> Iterable[Comment]:
    """One approved, opted-in comment per address in the reply's thread, the author aside."""
    rows = db.session.scalars(
        select(Comment)
        .where(
            thread_filter(reply.thread_id),
            Comment.id != reply.id,
            Comment.status == CommentStatus.APPROVED,
            Comment.notify_replies.is_(True),
            Comment.author_email != reply.author_email,
        )
        .order_by(Comment.id)
    )
    seen: set[str] = set()
    for comment in rows:
        if comment.author_email not in seen:
            seen.add(comment.author_email)
            yield comment


def _target(comment: Comment) -> Any:
    model, _column, endpoint = TARGETS[comment.target_kind]
    return db.session.get(model, comment.target_id), endpoint


def notify_thread(reply: Comment) -> int:
    """Queue one email per subscriber of the thread, once, when a reply is approved."""
    if (
        reply.parent_id is None
        or reply.status != CommentStatus.APPROVED
        or reply.reply_notified_at is not None
    ):
        return 0
    reply.reply_notified_at = utcnow()
    item, endpoint = _target(reply)
    from app.comments.display import page_args  # display -> services -> this module

    query = page_args(item, reply.id, own=False)
    page_url = external_url(endpoint, slug=item.slug, **query) + f"#comment-{reply.id}"
    reply_text = plain_text(reply.body_html)
    sent = 0
    for subscriber in _subscribers(reply):
        locale = subscriber.locale if subscriber.locale in ("en", "ko") else "en"
        stop_url = external_url("comments.stop", token=stop_token(subscriber))
        title = " ".join(item.t("title", locale).split())
        with force_locale(locale):
            subject = _("New reply to your comment on %(title)s", title=title)
        queue_email(
            subscriber.author_email,
            REPLY_TEMPLATE,
            subject=subject[:250],
            locale=locale,
            to_name=subscriber.author_name,
            context={
                "name": subscriber.author_name,
                "reply_author": reply.author_name,
                "reply_by_staff": reply.by_staff,
                "reply_text": reply_text,
                "reply_html": reply.body_html,
                "title": title,
                "page_url": page_url,
                "stop_url": stop_url,
            },
            headers={"List-Unsubscribe": f"<{stop_url}>"},
            dedupe_key=f"comment-reply:{reply.id}:{subscriber.id}",
        )
        sent += 1
    return sent
