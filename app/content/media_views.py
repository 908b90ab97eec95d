"""Staff pages for story photos: the media list with an upload form, and describing a photo.

Nested under the staff blueprint at /staff/media/ (editors and admins).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.content.authoring import title_of
from app.content.forms import ImageDescriptionForm, ImageUploadForm
from app.content.media import ImageRejected, image_usage, update_image, upload_image
from app.content.models import MediaImage
from app.content.staff_hooks import KIND_KEYS
from app.extensions import db
from app.security import Role, staff_required

bp = Blueprint("media", __name__)

PER_PAGE = 24


@bp.route("/", methods=["GET", "POST"])
@staff_required(Role.EDITOR)
def index():
    """Every photo, newest first, and a form to upload one (alt text required)."""
    form = ImageUploadForm()
    status = 200
    if form.validate_on_submit():
        try:
            image = upload_image(form.photo.data.stream, form.description(), current_user)
        except ImageRejected as refused:
            form.photo.errors = [*form.photo.errors, refused.message]
        else:
            db.session.commit()
            flash(_("The photo was uploaded."), "success")
            return redirect(url_for(".edit", image_id=image.id))
    if form.errors:
        status = 422
    page = db.paginate(
        select(MediaImage).order_by(MediaImage.created_at.desc(), MediaImage.id.desc()),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=PER_PAGE,
    )
    return render_template("content/staff/media_list.html", form=form, page=page), status


@bp.route("/<int:image_id>", methods=["GET", "POST"])
@staff_required(Role.EDITOR)
def edit(image_id: int):
    """A photo's sizes, where it is used, and its alt text and captions."""
    image = db.session.get(MediaImage, image_id) or abort(404)
    form = ImageDescriptionForm(obj=image)
    if form.validate_on_submit():
        changed = update_image(image, form.description(), current_user)
        db.session.commit()
        flash(_("Saved.") if changed else _("There were no changes to save."), "success")
        return redirect(url_for(".edit", image_id=image.id))
    used_by = [
        (title_of(item), url_for("staff.content.edit", kind=KIND_KEYS[type(item)], item_id=item.id))
        for item in image_usage(image)
    ]
    page = render_template("content/staff/media_edit.html", image=image, form=form, used_by=used_by)
    return page, 422 if form.errors else 200
