"""Public pages: home, projects, stories, prayer requests, and public images."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from app.comments.display import page_context as comment_context
from app.content import services
from app.content.authoring import find_moved
from app.content.models import PrayerRequest, Project, Story
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.images import path_of
from app.security import public
from app.urls import safe_next

bp = Blueprint("content", __name__)


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _moved(model, slug: str, endpoint: str):
    """An old address of a public item: a permanent redirect to its current one, or 404."""
    item = find_moved(model, slug) or abort(404)
    target = url_for(endpoint, slug=item.slug)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, 301)


@bp.get("/")
@public
def home():
    """Latest stories, active prayer requests and an invitation to subscribe."""
    return render_template(
        "content/home.html",
        stories=services.latest_stories(3),
        prayer_requests=services.active_prayer_requests(limit=4),
        pray_form=EmptyForm(),
    )


@bp.get("/projects/<slug>")
@public
def project(slug: str):
    """A project with its latest stories and prayer requests."""
    item = services.get_public(Project, slug)
    if item is None:
        return _moved(Project, slug, "content.project")
    return render_project(item)


def render_project(item: Project, comment_form=None) -> str:
    stories = db.session.scalars(
        services.published(Story)
        .where(Story.project_id == item.id)
        .order_by(Story.published_at.desc())
        .limit(6)
    ).all()
    prayers = db.session.scalars(
        services.published(PrayerRequest)
        .where(PrayerRequest.project_id == item.id, PrayerRequest.answered_at.is_(None))
        .order_by(PrayerRequest.published_at.desc())
    ).all()
    return render_template(
        "content/project.html",
        project=item,
        stories=stories,
        prayer_requests=prayers,
        pray_form=EmptyForm(),
        **comment_context(item, comment_form),
    )


@bp.get("/stories/")
@public
def stories():
    """All published stories, newest first, paginated."""
    query = services.published(Story).order_by(Story.published_at.desc(), Story.id.desc())
    page = db.paginate(query, page=_page(), per_page=current_app.config["PER_PAGE"])
    return render_template("content/stories.html", page=page)


@bp.get("/stories/<slug>")
@public
def story(slug: str):
    """One story."""
    item = services.get_public(Story, slug)
    if item is None:
        return _moved(Story, slug, "content.story")
    return render_story(item)


def render_story(item: Story, comment_form=None) -> str:
    return render_template("content/story.html", story=item, **comment_context(item, comment_form))


@bp.get("/prayer/")
@public
def prayer_requests():
    """Active prayer requests, then answered ones with their answers."""
    query = services.published(PrayerRequest).order_by(
        PrayerRequest.answered_at.is_not(None),
        PrayerRequest.answered_at.desc(),
        PrayerRequest.published_at.desc(),
        PrayerRequest.id.desc(),
    )
    page = db.paginate(query, page=_page(), per_page=current_app.config["PER_PAGE"])
    return render_template("content/prayer_list.html", page=page, pray_form=EmptyForm())


@bp.get("/prayer/<slug>")
@public
def prayer_request(slug: str):
    """One prayer request with its "I prayed" button."""
    item = services.get_public(PrayerRequest, slug)
    if item is None:
        return _moved(PrayerRequest, slug, "content.prayer_request")
    return render_prayer(item)


def render_prayer(item: PrayerRequest, comment_form=None) -> str:
    return render_template(
        "content/prayer.html",
        prayer=item,
        pray_form=EmptyForm(),
        **comment_context(item, comment_form),
    )


def render_item(target: str, item, comment_form=None) -> str:
    """An item's page, e.g. shown again with a comment form that needs correcting."""
    renderers = {"story": render_story, "prayer": render_prayer, "project": render_project}
    return renderers[target](item, comment_form)


@bp.post("/prayer/<slug>/prayed")
@public
@limiter.limit("30/minute;300/day")
def prayed(slug: str):
    """Count this visitor's prayer (once per day per request)."""
    item = services.get_public(PrayerRequest, slug) or abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    counted = services.record_prayer(item)
    db.session.commit()
    if counted:
        flash(_("Thank you for praying."), "success")
    else:
        flash(_("Your prayer today is already counted. Thank you for praying again."), "info")
    default = url_for("content.prayer_request", slug=item.slug)
    return redirect(safe_next(request.form.get("next"), default) + f"#prayer-{item.id}")


@bp.get("/media/<name>")
@public
def media(name: str):
    """A public image file (never a verification photo); names are random and immutable."""
    try:
        path = path_of("public", name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, max_age=365 * 24 * 3600, conditional=True, etag=True)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
