"""Comments as a visitor posts them, and rows for tests that need them ready-made."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.antispam import shown_at_token
from app.comments import services
from app.comments.models import TARGETS, Comment, CommentStatus, target_of_model
from app.comments.text import body_hash, to_html
from app.database import utcnow
from app.extensions import db
from tests.helpers import csrf_token

_seq = itertools.count(1)


PAGES = {"story": "/stories/", "prayer": "/prayer/", "project": "/projects/"}


def page_url(item: Any) -> str:
    return PAGES[target_of_model(item).value] + item.slug


def post_url(item: Any) -> str:
    return f"/comments/{target_of_model(item).value}/{item.slug}"


def form_data(**fields: Any) -> dict[str, Any]:
    """A filled-in comment form, shown 30 seconds ago (a person's pace)."""
    n = next(_seq)
    data = {
        "name": f"Visitor {n}",
        "email": f"visitor{n}@example.org",
        "body": f"Praying for you, friends ({n}).",
        "website": "",
        "shown_at": shown_at_token(time.time() - 30),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post_comment(
    client: FlaskClient, item: Any, *, ip: str | None = None, token: str | None = None, **fields
):
    """GET the page (as a browser does), then POST the comment form with its CSRF token.

    Each call comes from its own address unless `ip` is given (the rate limit is per client).
    """
    token = token or csrf_token(client, page_url(item))
    n = next(_seq)
    return client.post(
        post_url(item),
        data={"csrf_token": token, **form_data(**fields)},
        environ_base={"REMOTE_ADDR": ip or f"198.51.{n // 250}.{n % 250 + 1}"},
    )


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def last_comment() -> Comment:
    db.session.expire_all()
    return db.session.scalar(select(Comment).order_by(Comment.id.desc()))


def make_comment(
    item: Any,
    *,
    status: CommentStatus = CommentStatus.APPROVED,
    name: str | None = None,
    email: str | None = None,
    body: str | None = None,
    parent: Comment | None = None,
    created_at: datetime | None = None,
    notify_replies: bool = False,
    by_staff: bool = False,
    locale: str = "en",
    ip_hash: str | None = None,
) -> Comment:
    """A comment row in `status`, with the item's approved count kept in step."""
    n = next(_seq)
    body = body or f"Comment number {n}."
    when = created_at or utcnow()
    comment = Comment(
        author_name=name or f"Commenter {n}",
        author_email=(email or f"commenter{n}@example.org").lower(),
        body=body,
        body_html=to_html(body),
        body_hash=body_hash(body),
        status=status,
        parent_id=parent.id if parent else None,
        notify_replies=notify_replies,
        by_staff=by_staff,
        locale=locale,
        ip_hash=ip_hash,
        created_at=when,
        updated_at=when,
        status_changed_at=when,
    )
    setattr(comment, TARGETS[target_of_model(item)][1], item.id)
    db.session.add(comment)
    db.session.flush()
    if status == CommentStatus.APPROVED:
        services._adjust_count(comment, +1)
    db.session.commit()
    return comment
