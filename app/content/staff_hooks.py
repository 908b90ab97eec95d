"""What the staff dashboard and the audit log show about content: items waiting for editors,
readable names for content actions, and links from audit rows to the edit pages."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.content.authoring import ContentState, state_filter
from app.content.models import MediaImage, PrayerRequest, Project, Story
from app.extensions import db
from app.security import Role
from app.staff.activity import (
    register_action_labels,
    register_object_links,
    register_object_type_labels,
)
from app.staff.dashboard import Attention, attention_provider, register_activity

KIND_KEYS = {Story: "stories", PrayerRequest: "prayer", Project: "projects"}

WAITING = {
    (Story, ContentState.DRAFT): _l("Story drafts"),
    (PrayerRequest, ContentState.DRAFT): _l("Prayer request drafts"),
    (Project, ContentState.DRAFT): _l("Project drafts"),
    (Story, ContentState.SCHEDULED): _l("Stories scheduled to appear"),
    (PrayerRequest, ContentState.SCHEDULED): _l("Prayer requests scheduled to appear"),
    (Project, ContentState.SCHEDULED): _l("Projects scheduled to appear"),
}


@attention_provider(roles=(Role.EDITOR,))
def content_waiting():
    """Drafts and scheduled items, for editors (kinds with none are left out)."""
    for (model, state), label in WAITING.items():
        total = db.session.scalar(
            select(func.count()).select_from(model).where(*state_filter(model, state))
        )
        if total:
            url = url_for("staff.content.index", kind=KIND_KEYS[model], state=state.value)
            yield Attention(str(label), total, url, roles=(Role.EDITOR,), group=str(_l("Content")))


def _item_links(model):
    def resolve(ids: list[int]) -> dict[int, tuple[str, str | None]]:
        items = db.session.scalars(select(model).where(model.id.in_(ids)))
        kind = KIND_KEYS[model]
        return {
            i.id: (i.t("title") or i.slug, url_for("staff.content.edit", kind=kind, item_id=i.id))
            for i in items
        }

    return resolve


def _image_links(ids: list[int]) -> dict[int, tuple[str, str | None]]:
    images = db.session.scalars(select(MediaImage).where(MediaImage.id.in_(ids)))
    return {i.id: (i.t("alt"), url_for("staff.media.edit", image_id=i.id)) for i in images}


for _model in KIND_KEYS:
    register_object_links(_model.__name__, _item_links(_model), Role.EDITOR)
register_object_links("MediaImage", _image_links, Role.EDITOR)
register_activity("content.", Role.EDITOR)
register_activity("media.", Role.EDITOR)
register_action_labels(
    {
        "content.create": _l("Created"),
        "content.update": _l("Edited"),
        "content.publish": _l("Published"),
        "content.schedule": _l("Scheduled"),
        "content.unpublish": _l("Unpublished"),
        "content.answer": _l("Marked answered"),
        "content.answer_edit": _l("Edited the answer"),
        "content.unanswer": _l("Marked not answered"),
        "media.upload": _l("Uploaded a photo"),
        "media.update": _l("Described a photo"),
    }
)
register_object_type_labels(
    {
        "Story": _l("Story"),
        "PrayerRequest": _l("Prayer request"),
        "Project": _l("Project"),
        "MediaImage": _l("Photo"),
    }
)
