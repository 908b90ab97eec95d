"""Anti-spam without third parties, shared by every public form that accepts text.

Forms that strangers fill in (comments, a defector's Bible request, subscribing) mix in
`AntiSpamForm`: a honeypot field people never see, and a signed time stamp of when the form
was shown. `looks_automated(form)` is true when the honeypot was filled or the form came back
too fast, forged or too old. The caller then answers as if all went well and keeps nothing.
"""

from __future__ import annotations

import time

from flask import current_app, g, has_request_context
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import HiddenField, StringField

from app.forms import Form

MIN_SECONDS = 3  # a person needs longer than this to fill in a form
MAX_AGE_SECONDS = 24 * 3600


SALT = "form-shown-at"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def shown_at_token(now: float | None = None) -> str:
    if now is not None or not has_request_context():
        return _serializer().dumps(round(now if now is not None else time.time(), 3))
    # One stamp per response, remembered so the page cache can cut it out (app.site.pagecache).
    if "shown_at_tokens" not in g:
        g.shown_at_tokens = [_serializer().dumps(round(time.time(), 3))]
    return g.shown_at_tokens[0]


def seconds_since_shown(token: str | None) -> float | None:
    """How long ago the form was shown, or None when the token is missing, forged or stale."""
    if not token:
        return None
    try:
        shown = float(_serializer().loads(token, max_age=MAX_AGE_SECONDS))
    except (BadSignature, TypeError, ValueError):
        return None
    return time.time() - shown


class AntiSpamForm(Form):
    # Named like a field bots love to fill; hidden from people by CSS and aria-hidden.
    website = StringField(_l("Website"))
    shown_at = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.shown_at.data = shown_at_token()

    def refresh_shown_at(self) -> None:
        """Re-stamp a form shown again after an error (the person keeps their text)."""
        self.shown_at.data = shown_at_token()


def looks_automated(form: AntiSpamForm, min_seconds: float = MIN_SECONDS) -> bool:
    if (form.website.data or "").strip():
        return True
    elapsed = seconds_since_shown(form.shown_at.data)
    return elapsed is None or elapsed < min_seconds
