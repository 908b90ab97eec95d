"""Absolute links (emails, feeds, Open Graph) are built from SITE_URL, never the Host header."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """SITE_URL + the endpoint's path; works in commands too (no request, no SERVER_NAME)."""
    base = current_app.config["SITE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, _external=False, **values)
    # Outside a request (flask commands, e.g. reminders from cron): build from the URL map.
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + path


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to, or `default`: never another site (open redirects)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
    ):
        return default
    return target
