"""Static files with content-hashed addresses, cached by browsers for a year.

`url_for('static', filename=...)` adds `?v=<hash of the file>`; a request carrying the current
hash is answered with `Cache-Control: public, max-age=31536000, immutable`, so a changed file
gets a new address and the old one is never reused for it. Other requests revalidate.

Public pages link a lighter stylesheet: site.css without its leaders' and staff sections (6
and 7), comments and runs of spaces taken out, at `/assets/public-<hash>.css` (the page weight
budget, tests/perf/test_http_caching.py). Signed-in areas keep the whole site.css.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, url_for

from app.security import public

YEAR = 365 * 24 * 3600
PUBLIC_BLUEPRINTS = frozenset({"content", "feeds", "site", "subscriptions", "comments"})
_hashes: dict[str, str] = {}
_bundle: dict[str, str] = {}


def content_hash(filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, read once per process."""
    if filename not in _hashes:
        folder = Path(current_app.static_folder or "")
        path = (folder / filename).resolve()
        if not path.is_file() or folder.resolve() not in path.parents:
            return None
        _hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _hashes[filename]


def add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = content_hash(values["filename"])
        if version:
            values["v"] = version


def immutable_when_versioned(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    if version and version == content_hash(filename):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "public, no-cache"
    return response


def public_stylesheet() -> tuple[str, str]:
    """(text, hash) of the public pages' stylesheet, built once per process."""
    if not _bundle:
        text = (Path(current_app.static_folder or "") / "css" / "site.css").read_text("utf-8")
        text = text[: text.index("/* 6. ")] + text[text.index("/* 8. ") :]
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
        text = re.sub(r"\s*([{};])\s*", r"\1", re.sub(r"\s+", " ", text)).strip()
        _bundle.update(text=text, version=hashlib.sha256(text.encode()).hexdigest()[:12])
    return _bundle["text"], _bundle["version"]


@public
def public_css(version: str) -> Response:
    """The public pages' stylesheet; immutable under its current hash."""
    text, current = public_stylesheet()
    response = Response(text, mimetype="text/css")
    if version == current:
        response.set_etag(current)
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response.make_conditional(request)
    response.headers["Cache-Control"] = "public, no-cache"  # an old page's address
    return response


def stylesheet_url() -> str:
    if request.blueprint in PUBLIC_BLUEPRINTS:
        return url_for("public_css", version=public_stylesheet()[1])
    return url_for("static", filename="css/site.css")


def init_app(app: Flask) -> None:
    app.url_defaults(add_version)
    app.after_request(immutable_when_versioned)
    app.add_url_rule("/assets/public-<version>.css", "public_css", public_css)
    app.jinja_env.globals["stylesheet_url"] = stylesheet_url
