"""Atom feeds for stories and prayer requests, and the sitemap."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template
from sqlalchemy import func, select

from app.content import services
from app.content.models import PrayerRequest, Project, Story
from app.database import utcnow
from app.extensions import db
from app.security import public

bp = Blueprint("feeds", __name__)

FEED_SIZE = 20


def _xml(template: str, mimetype: str, **context):
    response = make_response(render_template(template, **context))
    response.mimetype = mimetype
    return response


def _updated(items) -> object:
    return max((i.updated_at for i in items), default=utcnow())


@bp.get("/feeds/stories.atom")
@public
def stories_feed():
    """The latest stories as Atom."""
    items = db.session.scalars(
        services.published(Story).order_by(Story.published_at.desc()).limit(FEED_SIZE)
    ).all()
    return _xml(
        "feeds/atom.xml",
        "application/atom+xml",
        items=items,
        kind="stories",
        endpoint="content.story",
        updated=_updated(items),
    )


@bp.get("/feeds/prayer.atom")
@public
def prayer_feed():
    """The latest prayer requests as Atom."""
    items = db.session.scalars(
        services.published(PrayerRequest)
        .order_by(PrayerRequest.published_at.desc())
        .limit(FEED_SIZE)
    ).all()
    return _xml(
        "feeds/atom.xml",
        "application/atom+xml",
        items=items,
        kind="prayer",
        endpoint="content.prayer_request",
        updated=_updated(items),
    )


@bp.get("/sitemap.xml")
@public
def sitemap():
    """Every public page, for search engines."""
    entries = []
    for model, endpoint in (
        (Project, "content.project"),
        (Story, "content.story"),
        (PrayerRequest, "content.prayer_request"),
    ):
        rows = db.session.execute(
            select(model.slug, model.updated_at).where(*services.visible(model))
        )
        entries += [(endpoint, {"slug": slug}, updated) for slug, updated in rows]
    latest = db.session.scalar(select(func.max(Story.updated_at))) or utcnow()
    return _xml("feeds/sitemap.xml", "application/xml", entries=entries, latest=latest)
