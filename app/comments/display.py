"""A page's comment thread, loaded in one query and built into a tree in Python.

The thread holds the approved comments and, in the commenter's own browser only, their own
comments still awaiting moderation (their ids are kept in the signed session). Only the
columns a page shows are loaded; reading any other (the email above all) raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g, request, session
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import load_only

from app.comments.forms import CommentForm, StaffCommentForm, parent_id_of
from app.comments.models import Comment, CommentStatus, target_of_model
from app.comments.services import comments_allowed, target_column
from app.extensions import db
from app.security import is_staff, mfa_complete

# A long thread is shown in pages of this many conversations (a comment and its replies),
# oldest first, so that a page stays light (README "Performance": at most 60 KB).
THREADS_PER_PAGE = 20
OWN_PENDING_KEY = "own_pending_comments"
OWN_PENDING_MAX = 20
PUBLIC_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.author_name,
    Comment.by_staff,
    Comment.body_html,
    Comment.status,
    Comment.created_at,
)


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)

    @property
    def awaiting(self) -> bool:
        return self.comment.status == CommentStatus.PENDING


@dataclass
class Thread:
    nodes: list[Node]
    by_id: dict[int, Node]

    @property
    def approved_count(self) -> int:
        return sum(1 for node in self.by_id.values() if not node.awaiting)


# --- the commenter's own pending comments ------------------------------------------------------


def remember_own(comment: Comment) -> None:
    ids = [i for i in session.get(OWN_PENDING_KEY, []) if isinstance(i, int)]
    session[OWN_PENDING_KEY] = [*ids, comment.id][-OWN_PENDING_MAX:]


def own_pending_ids() -> list[int]:
    return [i for i in session.get(OWN_PENDING_KEY, []) if isinstance(i, int)]


def mark_personal() -> None:
    """This response shows one visitor's own data: no shared cache may keep it."""
    g.comments_personal = True


# --- the thread ---------------------------------------------------------------------------------


def build_tree(comments: list[Comment]) -> Thread:
    """Two levels, oldest first; a reply whose parent is not shown moves to the top level."""
    by_id = {c.id: Node(c) for c in comments}
    roots: list[Node] = []
    for comment in comments:  # oldest first, so every parent is placed before its replies
        top = by_id.get(comment.parent_id) if comment.parent_id else None
        seen = {comment.id}
        while top is not None and top.comment.parent_id in by_id and top.comment.id not in seen:
            seen.add(top.comment.id)
            top = by_id[top.comment.parent_id]
        (top.replies if top is not None else roots).append(by_id[comment.id])
    return Thread(nodes=roots, by_id=by_id)


def page_count(thread: Thread) -> int:
    return max(1, -(-len(thread.nodes) // THREADS_PER_PAGE))


def page_holding(thread: Thread, comment_id: int) -> int:
    """The comment page (1-based) on which `comment_id` is shown; 1 when it is not."""
    for index, node in enumerate(thread.nodes):
        if node.comment.id == comment_id or any(r.comment.id == comment_id for r in node.replies):
            return index // THREADS_PER_PAGE + 1
    return 1


def comment_page(item: Any, comment_id: int, *, own: bool = True) -> int:
    """Which page of `item`'s thread shows the comment (with this visitor's own pending ones
    when `own`); for links to `#comment-<id>`."""
    return page_holding(load_thread(item, own=own), comment_id)


def page_args(item: Any, comment_id: int, *, own: bool = True) -> dict[str, int]:
    """`url_for` arguments for the page showing the comment: {"cpage": n} past the first."""
    page = comment_page(item, comment_id, own=own)
    return {"cpage": page} if page > 1 else {}


def load_thread(item: Any, *, own: bool = True) -> Thread:
    column = target_column(target_of_model(item))
    shown = Comment.status == CommentStatus.APPROVED
    own = own_pending_ids() if own else []
    if own:
        shown = or_(shown, and_(Comment.id.in_(own), Comment.status == CommentStatus.PENDING))
    comments = list(
        db.session.scalars(
            select(Comment)
            .options(load_only(*PUBLIC_COLUMNS, raiseload=True))
            .where(column == item.id, shown)
            .order_by(Comment.created_at, Comment.id)
        )
    )
    thread = build_tree(comments)
    if any(node.awaiting for node in thread.by_id.values()):
        mark_personal()
    return thread


def staff_now() -> bool:
    """Signed-in staff with two-factor done comment as themselves, approved at once."""
    return is_staff(current_user) and mfa_complete()


def new_form() -> CommentForm | StaffCommentForm:
    if staff_now():
        return StaffCommentForm()
    form = CommentForm()
    if current_user.is_authenticated and not form.is_submitted():
        form.name.data = current_user.display_name
        form.email.data = current_user.email
    return form


def page_context(item: Any, form: Any = None) -> dict[str, Any]:
    """What story.html, prayer.html and project.html need to show the thread and the form."""
    thread = load_thread(item)
    form = form or new_form()
    if form.is_submitted():
        mark_personal()  # re-shown with what the person typed
        reply_id = parent_id_of(form)
    else:
        reply_id = request.args.get("replytocom", type=int)
    reply_to = thread.by_id.get(reply_id) if reply_id else None
    if reply_to is not None and reply_to.awaiting:
        reply_to = None
    if reply_to is not None and reply_to.comment.parent_id in thread.by_id:
        reply_to = thread.by_id[reply_to.comment.parent_id]  # two levels: join the thread
    if reply_to is not None:
        form.parent_id.data = str(reply_to.comment.id)
    else:
        form.parent_id.data = ""
    pages = page_count(thread)
    if reply_to is not None:
        number = page_holding(thread, reply_to.comment.id)
    else:
        number = min(max(request.args.get("cpage", 1, type=int) or 1, 1), pages)
    start = (number - 1) * THREADS_PER_PAGE
    return {
        "comment_thread": thread,
        "comment_nodes": thread.nodes[start : start + THREADS_PER_PAGE],
        "comment_page": number,
        "comment_pages": pages,
        "comment_form": form,
        "comment_target": target_of_model(item),
        "comment_item": item,
        "comments_allowed": comments_allowed(item),
        "comment_reply_to": reply_to,
        "comment_as_staff": isinstance(form, StaffCommentForm),
        "comment_count": thread.approved_count,
    }
