"""The XSS corpus and the check that a page holds no executable markup.

Pages are parsed with html5lib, the WHATWG algorithm browsers use, so what is checked is the
tree a browser would build, not what a regular expression guesses.
"""

from __future__ import annotations

import re
from pathlib import Path

import html5lib

DATA = Path(__file__).parent.parent / "data" / "xss"
CORPORA = ("owasp_filter_evasion.txt", "payloadsallthethings.txt")
PLACEHOLDERS = {"[TAB]": "\t", "[LF]": "\n", "[CR]": "\r", "[NUL]": "\x00"}

NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background",
                  "xlink:href", "codebase", "lowsrc", "dynsrc", "srcset"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
NOISE = re.compile(r"[\x00-\x20]+")
NONCE = re.compile(r"'nonce-([^']+)'")


def load_vectors() -> list[str]:
    """Both corpora, one vector per line, placeholders expanded, duplicates removed."""
    vectors: dict[str, None] = {}
    for name in CORPORA:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            for token, char in PLACEHOLDERS.items():
                line = line.replace(token, char)
            vectors[line] = None
    return list(vectors)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def executable_markup(html: str, nonce: str | None = None) -> list[str]:
    """Everything in `html` a browser could run; empty when the page is inert.

    The app's own scripts and stylesheets are allowed: same-origin files, and inline scripts
    carrying this response's CSP nonce.
    """
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = _local(element.tag)
        attrs = {_attr(k): v for k, v in element.attrib.items()}
        shown = f"<{tag} {attrs}>"[:160]
        if tag == "script":
            own_file = _own(attrs.get("src", "")) and not (element.text or "")
            if not own_file and (nonce is None or attrs.get("nonce") != nonce):
                found.append(f"script: {shown}")
        if tag in NEVER:
            found.append(f"element: {shown}")
        if tag == "meta" and "http-equiv" in attrs:
            found.append(f"meta http-equiv: {shown}")
        if tag == "style" and (nonce is None or attrs.get("nonce") != nonce):
            found.append(f"style element: {shown}")
        loads = {"stylesheet", "import", "preload", "modulepreload", "prefetch"}
        rel = set(attrs.get("rel", "").lower().split())
        if tag == "link" and rel & loads and not _own(attrs.get("href", "")):
            found.append(f"link that loads: {shown}")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("srcdoc", "style"):
                found.append(f"attribute {name}: {shown}")
            if name in URL_ATTRIBUTES:
                compact = NOISE.sub("", value).lower()
                if compact.startswith(BAD_SCHEMES):
                    found.append(f"url {name}: {shown}")
    return found


def _own(url: str) -> bool:
    """A file of this site: a path on the same origin (not //host, not a scheme)."""
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def _attr(name: str) -> str:
    if name.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + name.rsplit("}", 1)[1]
    return _local(name)


def response_nonce(response) -> str | None:
    match = NONCE.search(response.headers.get("Content-Security-Policy", ""))
    return match.group(1) if match else None


def assert_page_inert(response, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code)
    found = executable_markup(response.get_data(as_text=True), response_nonce(response))
    assert found == [], (where, found[:3])
