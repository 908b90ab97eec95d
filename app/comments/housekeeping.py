"""Housekeeping: forgetting client address hashes, repairing counts, importing comments.

Like the services, these flush; the command (or the demo loader) commits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from app.comments.models import TARGETS, Comment, CommentStatus, target_of_model
from app.comments.services import MAX_NAME, _adjust_count, _event, target_column
from app.comments.text import body_hash, clean_body, clean_name, to_html
from app.database import utcnow
from app.extensions import db
from app.i18n import N_


def recount() -> int:
    """Recompute every approved-comment count from the rows (a repair tool). Returns changes."""
    changed = 0
    for model, column, _endpoint in TARGETS.values():
        counts = dict(
            db.session.execute(
                select(getattr(Comment, column), func.count())
                .where(
                    getattr(Comment, column).is_not(None), Comment.status == CommentStatus.APPROVED
                )
                .group_by(getattr(Comment, column))
            ).all()
        )
        for item_id, stored in db.session.execute(select(model.id, model.comment_count)).all():
            actual = counts.get(item_id, 0)
            if actual != stored:
                db.session.execute(
                    update(model)
                    .where(model.id == item_id)
                    .values(comment_count=actual, updated_at=model.updated_at)
                    .execution_options(synchronize_session=False)
                )
                changed += 1
    return changed


def purge_ip_hashes(days: int = 30) -> int:
    """Forget the client address hash of comments older than `days`. Idempotent."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        update(Comment)
        .where(Comment.created_at < cutoff, Comment.ip_hash.is_not(None))
        .values(ip_hash=None, updated_at=Comment.updated_at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def import_comment(
    item: Any,
    *,
    name: str,
    email: str,
    body: str,
    created_at: Any,
    by_staff: bool = False,
    parent: Comment | None = None,
) -> tuple[Comment, bool]:
    """An approved comment brought in from elsewhere (the demo's seed comments), with its own
    date; an identical one (same item, author and time) is returned instead. (comment, created)"""
    column = target_column(target_of_model(item))
    existing = db.session.scalar(
        select(Comment).where(
            column == item.id, Comment.author_name == name, Comment.created_at == created_at
        )
    )
    if existing is not None:
        return existing, False
    text = clean_body(body)
    comment = Comment(
        parent=parent,
        author_name=clean_name(name)[:MAX_NAME],
        author_email=email.strip().lower(),
        by_staff=by_staff,
        body=text,
        body_html=to_html(text),
        body_hash=body_hash(text),
        status=CommentStatus.APPROVED,
        moderation_rule="imported",
        created_at=created_at,
        updated_at=created_at,
        status_changed_at=created_at,
    )
    setattr(comment, TARGETS[target_of_model(item)][1], item.id)
    db.session.add(comment)
    db.session.flush()
    _event(comment, "posted", None, CommentStatus.APPROVED, note=N_("imported"))
    _adjust_count(comment, +1)
    return comment, True
