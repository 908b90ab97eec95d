"""What a commenter typed, made safe to store and show.

Plain text becomes paragraphs and line breaks, then the one sanitizer (`app.sanitize`,
"comment" profile) cleans it: only paragraphs, line breaks, emphasis and links survive, and
links get rel="nofollow ugc noopener".
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from app.sanitize import clean_html

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
TAG = re.compile(r"<[^>]*>")
# Bidirectional overrides can make a name read as something else; nobody needs them here.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _without_controls(text: str, keep: str = "") -> str:
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) != "Cc").translate(
        BIDI_CONTROLS
    )


def clean_name(value: str | None) -> str:
    """One line, no control characters, single spaces."""
    return " ".join(_without_controls(value or "").split())


def clean_body(value: str | None) -> str:
    """The comment as written, with line breaks normalized and control characters removed."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _without_controls(text, keep="\n\t")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def to_html(body: str) -> str:
    """Blank lines make paragraphs, single line breaks make <br>; then the sanitizer."""
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(body.strip()) if p.strip()]
    marked = "".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    return clean_html(marked, "comment")


def plain_text(body_html: str) -> str:
    """Readable text of cleaned comment HTML (for text emails and emptiness checks)."""
    text = re.sub(r"</p>\s*", "\n\n", body_html)
    text = re.sub(r"<br\s*/?>\s*", "\n", text)
    return html.unescape(TAG.sub("", text)).strip()


def body_hash(body: str) -> str:
    """The same words in any case or spacing count as the same comment."""
    normalized = " ".join(body.casefold().split())
    return hashlib.sha256(normalized.encode()).hexdigest()
