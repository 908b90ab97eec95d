"""The one place HTML is cleaned.

Everything user- or staff-written that is shown as HTML passes through `clean_html()`, on
write; the cleaned HTML is stored beside its source. Markdown is rendered by markdown-it-py
with raw HTML turned off, and the result is cleaned again here all the same.
"""

from __future__ import annotations

from functools import partial

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt

PROTOCOLS = frozenset({"http", "https", "mailto"})

# What each kind of text may contain once cleaned.
PROFILES: dict[str, dict] = {
    "content": {
        "tags": {
            "p", "br", "hr", "h2", "h3", "h4", "blockquote", "ul", "ol", "li",
            "em", "strong", "a", "code", "pre", "img", "figure", "figcaption",
        },
        "attributes": {
            "a": ["href", "title"],
            "img": ["src", "alt", "title", "width", "height", "loading"],
            "ol": ["start"],
        },
        "rel": None,
    },
    "comment": {
        "tags": {"p", "br", "em", "strong", "a"},
        "attributes": {"a": ["href", "title"]},
        "rel": "nofollow ugc noopener",
    },
}  # fmt: skip

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _set_rel(rel: str, attrs: dict, new: bool = False) -> dict:
    if (None, "href") in attrs:
        attrs[(None, "rel")] = rel
    return attrs


def _same_origin_images(tag: str, name: str, value: str) -> bool:
    # Images only from this site (a path), so no page makes a third-party request.
    if tag == "img" and name == "src":
        return value.startswith("/") and not value.startswith("//")
    return name in PROFILES["content"]["attributes"].get(tag, [])


def clean_html(html: str, profile: str = "content") -> str:
    """Clean `html` to the allowlist of `profile` ("content" or "comment")."""
    rules = PROFILES[profile]
    attributes = _same_origin_images if profile == "content" else rules["attributes"]
    cleaned = bleach.clean(
        html or "",
        tags=rules["tags"],
        attributes=attributes,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    if rules["rel"]:
        linker = Linker(callbacks=[partial(_set_rel, rules["rel"])], skip_tags={"pre", "code"})
        cleaned = linker.linkify(cleaned)
    return cleaned


def render_markdown(source: str) -> str:
    """Markdown to cleaned HTML (stories, projects, prayer requests, updates)."""
    tokens = _markdown.parse(source or "")
    for token in tokens:
        # The page title is the only <h1>; a "# heading" in a body becomes <h2>.
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    return clean_html(_markdown.renderer.render(tokens, _markdown.options, {}), "content")
