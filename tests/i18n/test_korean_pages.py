"""The main pages of every audience, read in Korean, show no English interface text.

The site (tests.i18n.site) has content in both languages. Every page is fetched with
`?lang=ko`; its visible text and the attributes people hear or see (alt, title, aria-label,
placeholder) must contain no English message from the catalogue. Content that exists only in
English is marked `lang="en"` by the templates and is left out, as are <code> samples and
what a person types into a <textarea>.
"""

from __future__ import annotations

import enum
import functools
import re

from bs4 import BeautifulSoup, Comment, Doctype

from tests.bible_requests.factories import ELIGIBLE
from tests.helpers import login, submit
from tests.i18n.catalog import KO_PO, extracted, key, read_catalog
from tests.i18n.site import build_site

PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# Not interface text: scripts, code samples, what people type, and the audit log's stored
# record (its data and object codes are shown as recorded, beside their labels).
SKIP = "script, style, code, textarea, .audit-data, .audit-object"
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "data-reply-title")
# Language menus name each language in itself.
ENDONYMS = {"English"}


@functools.cache
def stored_codes() -> frozenset[str]:
    """Values stored for states, reasons and actions (pending_review, hard_bounce ...): shown
    as they are, they would be English to a Korean reader."""
    import app.models  # noqa: F401  (every model, so every enum is defined)
    from app.staff.activity import ACTION_LABELS

    def subclasses(kind):
        for sub in kind.__subclasses__():
            yield sub
            yield from subclasses(sub)

    codes = {
        str(member.value)
        for kind in subclasses(enum.Enum)
        if kind.__module__.startswith("app.")
        for member in kind
        if isinstance(member.value, str)
    }
    return frozenset(code for code in codes | set(ACTION_LABELS) if re.search(r"[_.]", code))


def english_messages() -> tuple[set[str], list[re.Pattern]]:
    """(exact texts, patterns) of English messages that have a different Korean text."""
    korean = {key(m): m.string for m in read_catalog(KO_PO) if m.id}
    exact: set[str] = set()
    patterns: list[re.Pattern] = []
    for message in extracted():
        if not message.id:
            continue
        translated = korean.get(key(message))
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        for text in ids:
            if translated in (text, (text,)):
                continue
            literal = PLACEHOLDER.split(text.replace("%%", "%"))
            if len(literal) == 1:
                exact.add(" ".join(text.split()))
            words = " ".join(literal).split()
            if len(words) >= 4:
                patterns.append(
                    re.compile(".{1,200}?".join(re.escape(" ".join(p.split())) for p in literal))
                )
    return exact, patterns


def shown_texts(html: str) -> list[str]:
    """What a Korean reader sees or hears of the interface, one text per node/attribute."""
    page = BeautifulSoup(html, "html.parser")
    for tag in page.select(SKIP):
        tag.decompose()
    for tag in page.select("[lang]"):
        if tag.name != "html" and tag["lang"] != "ko":
            tag.decompose()
    texts = [
        " ".join(node.split())
        for node in page.find_all(string=True)
        if not isinstance(node, Comment | Doctype) and node.strip()
    ]
    for tag in page.find_all(True):
        texts += [" ".join(tag[a].split()) for a in ATTRIBUTES if tag.get(a)]
        if tag.name == "meta" and tag.get("name") == "description":
            texts.append(tag["content"])
    return texts


def english_left(url: str, html: str, exact: set[str], patterns: list[re.Pattern]) -> list[str]:
    problems = []
    if '<html lang="ko">' not in html:
        problems.append(f"{url}: the page is not marked as Korean")
    texts = shown_texts(html)
    for text in texts:
        if text in exact and text not in ENDONYMS:
            problems.append(f"{url}: English text {text!r}")
        elif text in stored_codes():
            problems.append(f"{url}: a stored code shown as it is: {text!r}")
    joined = "\n".join(t for t in texts if t not in exact)
    for pattern in patterns:
        found = pattern.search(joined)
        if found:
            problems.append(f"{url}: English sentence {found.group(0)[:80]!r}")
    return problems


def read_in_korean(client, url: str) -> str:
    joiner = "&" if "?" in url else "?"
    response = client.get(url if "lang=" in url else f"{url}{joiner}lang=ko")
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    return response.get_data(as_text=True)


def test_public_leader_and_staff_pages_read_entirely_in_korean(app):
    site = build_site()
    exact, patterns = english_messages()
    visitor, leader, admin = app.test_client(), app.test_client(), app.test_client()
    new_leader, receiving_leader = app.test_client(), app.test_client()
    login(leader, site.leader)
    login(admin, site.admin, mfa=True)
    login(receiving_leader, site.receiving_leader)
    login(new_leader, site.new_leader)
    submit(new_leader, "/requests/eligibility", ELIGIBLE)
    problems = []
    for client, urls in (
        (visitor, site.public),
        (leader, site.leader_pages),
        (new_leader, site.new_leader_pages),
        (receiving_leader, site.receiving_leader_pages),
        (admin, site.staff_pages),
    ):
        for url in urls:
            problems += english_left(url, read_in_korean(client, url), exact, patterns)
    assert not problems, "\n".join(problems)


def test_the_check_finds_english_that_was_left(app):
    """The check itself: an English message, a stored code and a whole sentence are caught."""
    exact, patterns = english_messages()
    html = (
        '<html lang="ko"><body><p>Sign out</p><p>hard_bounce</p><p>jim_scoales</p>'
        "<p>Nothing arrived? Look in your spam folder, or check that you typed the address "
        'you signed up with.</p><p lang="en">Prayer</p><code>bible_request.approved</code>'
        "</body></html>"
    )
    problems = english_left("/x", html, exact, patterns)
    assert len(problems) == 3, problems
    assert not english_left("/y", '<html lang="ko"><p>로그아웃</p></html>', exact, patterns)
