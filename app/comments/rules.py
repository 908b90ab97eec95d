"""The moderation rules a new comment meets, in WordPress's `check_comment` order.

1. a word on the disallowed list (in the name, email or comment) -> spam: kept, never shown;
2. more links than the link limit -> held;
3. a word on the moderation list -> held;
4. an author whose email already has an approved comment -> approved, when that setting is on;
5. otherwise -> held.

Comments by signed-in staff skip the rules and are approved at once. Every list and number is
a site setting (`app.settings`), read when the comment arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.settings import get_setting

LINK_RE = re.compile(r"<a\s", re.IGNORECASE)
URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*:)?//(?:www\.)?|\bwww\.", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: CommentStatus
    rule: str  # staff | disallowed | links | moderation_words | known_author | default
    detail: str = ""  # the word found, or the number of links

    @property
    def held(self) -> bool:
        return self.status == CommentStatus.PENDING


def describe(rule: str, detail: str = "") -> str:
    """Why the rules decided as they did, in the reader's language (for moderators)."""
    if rule == "staff":
        return _("Posted by staff: approved at once")
    if rule == "disallowed":
        return _('Disallowed word "%(word)s": marked as spam', word=detail)
    if rule == "links":
        return _("%(links)s links, more than allowed: held", links=detail)
    if rule == "moderation_words":
        return _('Moderation word "%(word)s": held', word=detail)
    if rule == "known_author":
        return _("Author already has an approved comment: approved")
    if rule == "imported":
        return _("Imported")
    return _("Held for moderation")


def count_links(body: str, body_html: str) -> int:
    """Links in the comment: anchors in the cleaned HTML (the sanitizer links bare domains), or
    addresses written out in the text (`//`, `www.`), whichever is more."""
    return max(len(LINK_RE.findall(body_html or "")), len(URL_RE.findall(body or "")))


def _words(key: str) -> list[str]:
    """A word list setting; one given as text counts one word (or phrase) per line."""
    value = get_setting(key) or []
    if isinstance(value, str):
        value = value.splitlines()
    return [str(w).strip() for w in value if w and str(w).strip()]


def matching_word(words: list[str], *texts: str) -> str | None:
    """The first word found in any text, ignoring case (a word may be part of a longer one)."""
    haystack = "\n".join(texts).casefold()
    for word in words:
        if word.casefold() in haystack:
            return word
    return None


def is_known_author(email: str) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Comment.author_email == email, Comment.status == CommentStatus.APPROVED
                )
            )
        )
    )


def decide(*, name: str, email: str, body: str, body_html: str, staff: bool = False) -> Decision:
    """Where a new comment goes: approved, held (pending) or spam."""
    if staff:
        return Decision(CommentStatus.APPROVED, "staff")
    word = matching_word(_words("comment_disallowed_words"), name, email, body)
    if word is not None:
        return Decision(CommentStatus.SPAM, "disallowed", word)
    links = count_links(body, body_html)
    if links > int(get_setting("comment_link_limit")):
        return Decision(CommentStatus.PENDING, "links", str(links))
    word = matching_word(_words("comment_moderation_words"), name, email, body)
    if word is not None:
        return Decision(CommentStatus.PENDING, "moderation_words", word)
    if get_setting("comment_auto_approve_known") and is_known_author(email):
        return Decision(CommentStatus.APPROVED, "known_author")
    return Decision(CommentStatus.PENDING, "default")
