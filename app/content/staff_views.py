"""Staff pages for writing projects, stories and prayer requests (editors and admins).

Nested under the staff blueprint (/staff/content/...), so its guard applies as well. Views
read forms and call `app.content.authoring`; they commit once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.content import authoring, staff_hooks  # noqa: F401  (dashboard and audit hooks)
from app.content.authoring import ContentState, state_of
from app.content.forms import AnswerForm, ItemForm, PrayerForm, ProjectForm, StoryForm
from app.content.media import ImageRejected, upload_image
from app.content.models import MediaImage, PrayerRequest, Project, Story
from app.extensions import db
from app.forms import EmptyForm
from app.i18n import seed_datetime
from app.sanitize import render_markdown
from app.security import Role, staff_required
from app.staff.activity import escape_like

bp = Blueprint("content", __name__)

KIND = "<any(stories, prayer, projects):kind>"
HERO_CHOICES = 200  # the most recent photos offered in the story form


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    form: type[ItemForm]
    title: Any  # the list page's heading
    new_title: Any
    edit_title: Any
    public_endpoint: str


KINDS = {
    "stories": Kind(
        "stories", Story, StoryForm, _l("Stories"), _l("New story"), _l("Edit story"),
        "content.story",
    ),
    "prayer": Kind(
        "prayer", PrayerRequest, PrayerForm, _l("Prayer requests"), _l("New prayer request"),
        _l("Edit prayer request"), "content.prayer_request",
    ),
    "projects": Kind(
        "projects", Project, ProjectForm, _l("Projects"), _l("New project"), _l("Edit project"),
        "content.project",
    ),
}  # fmt: skip


def _load(kind: Kind, item_id: int) -> Any:
    return db.session.get(kind.model, item_id) or abort(404)


def _actor() -> Any:
    return current_user._get_current_object()


def _local(value) -> Any:
    """A stored UTC time as the display time zone's wall time, for a datetime-local input."""
    return to_user_timezone(value).replace(tzinfo=None) if value else None


# --- lists -------------------------------------------------------------------------------------


@bp.get(f"/{KIND}/")
@staff_required(Role.EDITOR)
def index(kind: str):
    """Every item of one kind, by state, newest edit first."""
    spec = KINDS[kind]
    model = spec.model
    state = request.args.get("state", "")
    state = state if state in {s.value for s in ContentState} else ""
    q = request.args.get("q", "").strip()[:100]
    query = select(model).where(*authoring.state_filter(model, state))
    if q:
        like = f"%{escape_like(q)}%"
        query = query.where(
            or_(*(c.ilike(like, escape="\\") for c in (model.title_en, model.title_ko, model.slug)))
        )
    page = db.paginate(
        query.order_by(model.updated_at.desc(), model.id.desc()),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=25,
    )
    counts = {
        s.value: db.session.scalar(
            select(func.count()).select_from(model).where(*authoring.state_filter(model, s))
        )
        for s in ContentState
    }
    return render_template(
        "content/staff/list.html", kind=spec, page=page, state=state, q=q, counts=counts,
        state_of=state_of,
    )  # fmt: skip


# --- create and edit ---------------------------------------------------------------------------


@dataclass
class PreviewText:
    language: str
    label: str
    title: str
    summary: str
    body_html: str


def _preview(form: ItemForm) -> dict[str, Any]:
    texts = [
        PreviewText(
            language,
            label,
            form[f"title_{language}"].data or "",
            form[f"summary_{language}"].data or "",
            render_markdown(form[f"body_{language}"].data or ""),
        )
        for language, label in (("en", "English"), ("ko", "한국어"))
    ]
    hero = None
    if "hero_image_id" in form and form.hero_image_id.data:
        hero = db.session.get(MediaImage, form.hero_image_id.data)
    return {"texts": texts, "hero": hero}


def _choices(form: ItemForm, item: Any) -> None:
    if "project_id" in form:
        projects = db.session.scalars(select(Project).order_by(Project.title_en)).all()
        form.project_id.choices = [(0, _("No project"))] + [
            (p.id, p.t("title") or p.slug) for p in projects
        ]
    if "hero_image_id" in form:
        images = list(
            db.session.scalars(
                select(MediaImage).order_by(MediaImage.created_at.desc()).limit(HERO_CHOICES)
            )
        )
        current = getattr(item, "hero_image", None)
        if current is not None and current not in images:
            images.append(current)
        form.hero_image_id.choices = [(0, _("No photo"))] + [
            (i.id, f"{i.t('alt')} ({i.width} \N{MULTIPLICATION SIGN} {i.height})") for i in images
        ]


def _store_photo(form: StoryForm, item: Any) -> None:
    """Store a photo uploaded with the story form at once, so that no later error loses it."""
    if (
        form.csrf_token.errors
        or form.photo.errors
        or any(form[f"photo_{n}"].errors for n in ("alt_en", "alt_ko", "caption_en", "caption_ko"))
    ):
        return
    try:
        image = upload_image(form.photo.data.stream, form.photo_description(), _actor())
    except ImageRejected as refused:
        form.photo.errors = [*form.photo.errors, refused.message]
        return
    db.session.commit()
    flash(_("The photo was uploaded and chosen for this story."), "success")
    _choices(form, item)
    form.hero_image_id.data = image.id
    for name in ("alt_en", "alt_ko", "caption_en", "caption_ko"):
        form[f"photo_{name}"].data = ""


def _render(spec: Kind, form: ItemForm, item: Any, preview=None, status: int = 200):
    return (
        render_template(
            "content/staff/edit.html",
            kind=spec,
            form=form,
            item=item,
            state=state_of(item) if item else None,
            preview=preview,
            action_form=EmptyForm(),
            timezone=current_app.config["DISPLAY_TIMEZONE"],
        ),
        status,
    )


def _save(spec: Kind, form: ItemForm, item: Any, action: str):
    """Create or update, then publish when asked. Returns the item, or None (form errors)."""
    actor = _actor()
    if form.slug.data and authoring.slug_owner(
        spec.model, form.slug.data, getattr(item, "id", None)
    ):
        form.slug.errors = [*form.slug.errors, _("Another item already uses this address.")]
        return None
    when = to_utc(form.publish_at.data) if form.publish_at.data else None
    publishing = action == "publish" and (item is None or state_of(item) == ContentState.DRAFT)
    if publishing and not form.has_body():
        form.body_en.errors = [*form.body_en.errors, _("Write the text before publishing.")]
        return None
    data = form.item_data()
    if item is not None and when is not None and _same_minute(when, item):
        when = item.published_at  # unchanged: the form shows minutes only
    if item is None or state_of(item) == ContentState.DRAFT or when is not None:
        data["published_at"] = when  # a draft keeps the time it will be published at
    if item is None:
        item = authoring.create_item(spec.model, data, actor)
        if not publishing:
            flash(_("Draft saved."), "success")
    else:
        changed = authoring.update_item(item, data, actor)
        if not publishing:
            flash(_("Changes saved.") if changed else _("There were no changes to save."), "info")
    if publishing:
        if authoring.publish_item(item, when, actor) == ContentState.SCHEDULED:
            flash(
                _(
                    "Scheduled: it will appear on the site on %(when)s.",
                    when=seed_datetime(item.published_at),
                ),
                "success",
            )
        else:
            flash(_("Published: it is now on the site."), "success")
    return item


def _same_minute(when, item: Any) -> bool:
    stored = item.published_at
    return stored is not None and when == stored.replace(second=0, microsecond=0)


def _edit(spec: Kind, item: Any = None):
    form = spec.form(obj=item) if request.method == "GET" else spec.form()
    _choices(form, item)
    if request.method == "GET":
        form.publish_at.data = _local(getattr(item, "published_at", None))
        for name in ("project_id", "hero_image_id"):
            if name in form:
                form[name].data = getattr(item, name, None) or 0
        if item is not None:
            form.fingerprint.data = authoring.fingerprint(item)
        return _render(spec, form, item)
    action = request.form.get("action", "save")
    valid = form.validate()
    if isinstance(form, StoryForm) and form.photo.data:
        _store_photo(form, item)
        valid = valid and not form.photo.errors
    if action == "preview":
        return _render(spec, form, item, preview=_preview(form))
    if not valid:
        return _render(spec, form, item, status=422)
    if item is not None and form.fingerprint.data != authoring.fingerprint(item):
        editor = item.updated_by.display_name if item.updated_by else _("someone")
        flash(
            _(
                "%(name)s changed this while you were editing, so nothing was saved. Your text "
                "is below; compare it with the site, then save again to keep your version.",
                name=editor,
            ),
            "error",
        )
        form.fingerprint.data = authoring.fingerprint(item)
        return _render(spec, form, item, status=409)
    try:
        saved = _save(spec, form, item, action)
    except authoring.SlugTaken:
        db.session.rollback()
        form.slug.errors = [*form.slug.errors, _("Another item already uses this address.")]
        saved = None
    if saved is None:
        return _render(spec, form, item, status=422)
    db.session.commit()
    return redirect(url_for(".edit", kind=spec.key, item_id=saved.id))


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
@staff_required(Role.EDITOR)
def new(kind: str):
    """Write a new item; it starts as a draft."""
    return _edit(KINDS[kind])


@bp.route(f"/{KIND}/<int:item_id>", methods=["GET", "POST"])
@staff_required(Role.EDITOR)
def edit(kind: str, item_id: int):
    """Edit, preview, publish or schedule an item."""
    spec = KINDS[kind]
    return _edit(spec, _load(spec, item_id))


@bp.post(f"/{KIND}/<int:item_id>/unpublish")
@staff_required(Role.EDITOR)
def unpublish(kind: str, item_id: int):
    """Take an item off the site (or cancel its schedule): it becomes a draft."""
    spec = KINDS[kind]
    item = _load(spec, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if state_of(item) != ContentState.DRAFT:
        authoring.unpublish_item(item, _actor())
        db.session.commit()
        flash(_("Unpublished: it is a draft again and no longer on the site."), "success")
    return redirect(url_for(".edit", kind=spec.key, item_id=item.id))


# --- answered prayer requests ------------------------------------------------------------------


@bp.route("/prayer/<int:item_id>/answer", methods=["GET", "POST"])
@staff_required(Role.EDITOR)
def answer(item_id: int):
    """Mark a prayer request answered with a note, or edit the note; preview first if wished."""
    prayer = _load(KINDS["prayer"], item_id)
    form = AnswerForm(obj=prayer) if request.method == "GET" else AnswerForm()
    preview, status = None, 200
    if request.method == "GET":
        form.fingerprint.data = authoring.fingerprint(prayer)
    elif not form.validate():
        status = 422
    elif request.form.get("action") == "preview":
        preview = [
            (lang, label, render_markdown(form[f"answer_note_{lang}"].data or ""))
            for lang, label in (("en", "English"), ("ko", "한국어"))
        ]
    elif form.fingerprint.data != authoring.fingerprint(prayer):
        flash(_("Someone changed this prayer request meanwhile; check, then save again."), "error")
        form.fingerprint.data = authoring.fingerprint(prayer)
        status = 409
    else:
        note_en, note_ko = form.answer_note_en.data or "", form.answer_note_ko.data or ""
        authoring.mark_answered(prayer, note_en, note_ko, _actor())
        db.session.commit()
        flash(_("Marked as answered. Thank you for sharing the answer."), "success")
        return redirect(url_for(".edit", kind="prayer", item_id=prayer.id))
    page = render_template(
        "content/staff/answer.html", prayer=prayer, form=form, preview=preview,
        action_form=EmptyForm(),
    )  # fmt: skip
    return page, status


@bp.post("/prayer/<int:item_id>/unanswer")
@staff_required(Role.EDITOR)
def unanswer(item_id: int):
    """Make an answered prayer request active again (its note is kept)."""
    prayer = _load(KINDS["prayer"], item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if prayer.is_answered:
        authoring.unmark_answered(prayer, _actor())
        db.session.commit()
        flash(_("The prayer request is active again."), "success")
    return redirect(url_for(".edit", kind="prayer", item_id=prayer.id))
