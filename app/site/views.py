"""About, /healthz and robots.txt."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.security import public
from app.settings import get_setting, localized_setting

bp = Blueprint("site", __name__)


@bp.get("/about")
@public
def about():
    """Who the ministry is and how to reach it (the same details as on the recipient cards)."""
    return render_template(
        "site/about.html",
        ministry_name=localized_setting("ministry_name"),
        contact_details=localized_setting("contact_details"),
        contact_email=get_setting("contact_email"),
        purchase_url=get_setting("purchase_url"),
    )


@bp.get("/healthz")
@public
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        response = jsonify(status="error", database="unavailable")
        response.status_code = 503
        return response
    return jsonify(status="ok", database="ok")


@bp.get("/robots.txt")
@public
def robots():
    """Keep crawlers out of the signed-in areas; point them at the sitemap."""
    body = render_template("site/robots.txt")
    return Response(body, mimetype="text/plain")
