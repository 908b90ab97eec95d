"""Static files with content-hashed addresses, cached by browsers for a year.

`url_for('static', filename=...)` adds `?v=<hash of the file>`; a request carrying the current
hash is answered with `Cache-Control: public, max-age=31536000, immutable`, so a changed file
gets a new address and the old one is never reused for it. Other requests revalidate.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

YEAR = 365 * 24 * 3600
_hashes: dict[str, str] = {}


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


def init_app(app: Flask) -> None:
    app.url_defaults(add_version)
    app.after_request(immutable_when_versioned)
