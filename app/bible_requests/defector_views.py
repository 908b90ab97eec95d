"""A defector's own request for a Bible: a short public form, Korean first, no account.

Rate-limited per client (under a keyed hash, never the raw address) and protected by the
same honeypot and timing check as comments. Whatever happens, the answer reveals nothing
about any request.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale

from app.antispam import looks_automated
from app.bible_requests import defectors
from app.bible_requests.forms import DefectorForm
from app.extensions import db, limiter
from app.i18n import LANG_COOKIE
from app.security import ip_hash, public

bp = Blueprint("nk_bible", __name__, url_prefix="/nk-bible")


def _client_key() -> str:
    return ip_hash("nk-bible-limit")


def _no_store(body: str, status: int = 200):
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_language() -> str:
    """Korean unless the visitor chose a language: the people this page is for read Korean."""
    chosen = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    return chosen if chosen in current_app.config["LANGUAGES"] else "ko"


@bp.route("/", methods=["GET", "POST"])
@public
@limiter.limit("5/hour;20/day", methods=["POST"], key_func=_client_key)
def request_form():
    """북한 성경 받기 · Ask for a North Korean Bible for yourself."""
    language = _page_language()
    form = DefectorForm()
    if form.validate_on_submit():
        if not looks_automated(form):
            defectors.submit(form.data, language)
            db.session.commit()
        return redirect(url_for(".thanks"))
    status = 200
    if form.is_submitted():
        form.refresh_shown_at()
        status = 400
    with force_locale(language):
        body = render_template("bible_requests/defector_form.html", form=form)
    return _no_store(body, status)


@bp.get("/thanks")
@public
def thanks():
    """The same answer for everyone: nothing about any request is shown."""
    with force_locale(_page_language()):
        return _no_store(render_template("bible_requests/defector_thanks.html"))
