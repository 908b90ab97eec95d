"""OWASP's XSS filter evasion vectors, posted through the comment form as a name and as a
comment, approved by a moderator, rendered: nothing executable may survive anywhere."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.security import Role
from tests.comments.factories import page_url, post_comment
from tests.factories import make_story, make_user
from tests.helpers import csrf_token, login, submit

CORPUS = Path(__file__).parent.parent / "data" / "xss" / "owasp_filter_evasion.txt"
PLACEHOLDERS = {"[TAB]": "\t", "[LF]": "\n", "[CR]": "\r", "[NUL]": "\x00"}
FORBIDDEN_TAGS = [
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "style", "link", "meta", "base", "img", "video", "audio", "source", "xml", "marquee",
]  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "background", "lowsrc", "dynsrc",
    "poster", "srcset", "xlink:href", "codebase", "cite", "longdesc",
}  # fmt: skip
SCHEME_NOISE = re.compile(r"[\x00-\x20]+")


def load_vectors(path: Path = CORPUS) -> list[str]:
    """One vector per line; '#' comments and blank lines skipped; placeholders expanded."""
    vectors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        for token, char in PLACEHOLDERS.items():
            line = line.replace(token, char)
        vectors.append(line)
    return vectors


def assert_inert(html: str, where: str) -> None:
    """No executable markup: dangerous elements, on* handlers, style, script URLs."""
    tree = BeautifulSoup(html, "html.parser")
    found = tree.find(FORBIDDEN_TAGS)
    assert found is None, (where, str(found)[:200])
    for tag in tree.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (where, str(tag)[:200])
            assert name.lower() != "style", (where, str(tag)[:200])
            text = value if isinstance(value, str) else " ".join(value)
            if name.lower() in URL_ATTRIBUTES:
                compact = SCHEME_NOISE.sub("", text).lower()
                for scheme in ("javascript:", "vbscript:", "livescript:", "data:"):
                    assert not compact.startswith(scheme), (where, str(tag)[:200])
    # The raw markup too: "<" in text and attributes is always escaped, so a raw "<script"
    # would be a real element whatever a lenient parser made of it.
    for name in ("script", "iframe", "svg", "object", "embed", "style", "frame", "base"):
        assert not re.search(rf"<{name}[\s/>]", html, re.I), (where, name)


def comments_section(response) -> str:
    tree = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    section = tree.find(id="comments")
    assert section is not None
    return str(section)


def respond_part(response) -> str:
    """The comment form as shown again (cheaper to parse than the whole growing thread)."""
    html = response.get_data(as_text=True)
    start = html.index('id="respond"')
    return html[html.rindex("<", 0, start) : html.index("</section>", start)]


def test_the_corpus_has_at_least_60_distinct_vectors():
    vectors = load_vectors()
    assert len(vectors) >= 60
    assert len(set(vectors)) == len(vectors)


def test_owasp_vectors_posted_as_name_and_comment_render_inert(client, app):
    vectors = load_vectors()
    story = make_story()
    token = csrf_token(client, page_url(story))
    accepted_names = accepted_bodies = 0
    for n, vector in enumerate(vectors):
        as_body = post_comment(client, story, token=token, name=f"Vector {n}", body=vector)
        as_name = post_comment(client, story, token=token, name=vector, body=f"Name vector {n}")
        for response in (as_body, as_name):
            assert response.status_code in (302, 422), (vector, response.status_code)
            if response.status_code == 422:  # shown again with what was typed: inert too
                assert_inert(respond_part(response), f"form again: {vector!r}")
        accepted_bodies += as_body.status_code == 302
        accepted_names += as_name.status_code == 302

    # A moderator approves everything through the queue, in bulk.
    moderator = app.test_client()
    login(moderator, make_user(Role.MODERATOR))
    ids = db.session.scalars(
        select(Comment.id).where(Comment.status == CommentStatus.PENDING)
    ).all()
    submit(
        moderator,
        "/staff/comments/bulk",
        {"action": "approve", "ids": ids},
        form_url="/staff/comments/",
    )
    approved = db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.status == CommentStatus.APPROVED)
    )
    # Names up to 80 characters are kept as typed (escaped on output); comments that are
    # nothing but stripped markup are refused as empty. Both kinds must be well represented.
    assert approved == accepted_bodies + accepted_names
    assert accepted_names >= 90 and accepted_bodies >= 30, (accepted_names, accepted_bodies)

    # A long thread is shown in pages (README "Performance"): every page, inert.
    shown = 0
    for number in range(1, approved // 20 + 2):
        public = app.test_client().get(f"{page_url(story)}?cpage={number}")
        assert public.status_code == 200
        section = comments_section(public)
        shown += section.count('class="comment-body')
        assert_inert(section, f"public thread, page {number}")
        if 'rel="next"' not in section:
            break
    assert shown == approved
    page = BeautifulSoup(public.get_data(as_text=True), "html.parser")
    assert [s.get("src", "").split("?")[0] for s in page.find_all("script")] == [
        "/static/js/comments.js"
    ]

    # The moderators' own pages show the same text: inert as well.
    shown_in_queue = 0
    for number in range(1, approved // 25 + 2):
        queue = moderator.get(f"/staff/comments/?status=approved&page={number}")
        table = BeautifulSoup(queue.get_data(as_text=True), "html.parser").find("table")
        assert_inert(str(table), f"moderation queue, page {number}")
        shown_in_queue += len(table.select("tbody tr"))
    assert shown_in_queue == approved
    detail = moderator.get(f"/staff/comments/{ids[0]}")
    main = BeautifulSoup(detail.get_data(as_text=True), "html.parser").find(class_="staff-main")
    assert_inert(str(main), "comment detail")
