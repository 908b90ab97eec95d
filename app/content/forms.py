"""Staff forms for writing projects, stories and prayer requests, and for story photos."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, Regexp

from app.content.authoring import SLUG_MAX, SLUG_RE, TEXT_FIELDS
from app.forms import Form

TITLE_MAX = 200
SUMMARY_MAX = 1000
BODY_MAX = 100_000
NOTE_MAX = 20_000
DESCRIPTION_MAX = 300


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _text(label: Any, limit: int, area: bool = False) -> Any:
    field = TextAreaField if area else StringField
    return field(label, validators=[Length(max=limit)], filters=[strip])


def _either(form: Form, english: str, korean: str, message: Any) -> bool:
    if (form[english].data or "") or (form[korean].data or ""):
        return True
    form[english].errors = [*form[english].errors, message]
    return False


class ItemForm(Form):
    """What projects, stories and prayer requests share."""

    title_en = _text(_l("Title (English)"), TITLE_MAX)
    title_ko = _text(_l("Title (Korean)"), TITLE_MAX)
    summary_en = _text(_l("Summary (English)"), SUMMARY_MAX, area=True)
    summary_ko = _text(_l("Summary (Korean)"), SUMMARY_MAX, area=True)
    body_en = _text(_l("Text (English, Markdown)"), BODY_MAX, area=True)
    body_ko = _text(_l("Text (Korean, Markdown)"), BODY_MAX, area=True)
    slug = StringField(
        _l("Address"),
        validators=[
            Optional(),
            Length(max=SLUG_MAX),
            Regexp(SLUG_RE, message=_l("Use lowercase letters, digits and hyphens only.")),
        ],
        filters=[strip, lower],
    )
    publish_at = DateTimeLocalField(
        _l("Publication time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    comments_open = BooleanField(_l("Visitors may comment"), default=True)
    # A digest of the item when the form was shown: a save refuses to overwrite newer edits.
    fingerprint = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        message = _l("Write a title in English or Korean (or both).")
        return _either(self, "title_en", "title_ko", message) and ok

    def has_body(self) -> bool:
        return bool(self.body_en.data or self.body_ko.data)

    def item_data(self) -> dict[str, Any]:
        """What the authoring services take: the text fields, slug and this form's extras."""
        data = {name: self[name].data or "" for name in TEXT_FIELDS}
        data["slug"] = self.slug.data or ""
        data["comments_open"] = bool(self.comments_open.data)
        for name in ("project_id", "hero_image_id"):
            if name in self:
                data[name] = self[name].data or None
        return data


class ProjectForm(ItemForm):
    pass


class PrayerForm(ItemForm):
    project_id = SelectField(_l("Project"), coerce=int, default=0)


class StoryForm(ItemForm):
    project_id = SelectField(_l("Project"), coerce=int, default=0)
    hero_image_id = SelectField(_l("Photo at the top of the story"), coerce=int, default=0)
    # Uploading a new photo right here; it becomes the story's photo once stored.
    photo = FileField(_l("Upload a new photo"))
    photo_alt_en = _text(_l("Alt text for the new photo (English)"), DESCRIPTION_MAX)
    photo_alt_ko = _text(_l("Alt text for the new photo (Korean)"), DESCRIPTION_MAX)
    photo_caption_en = _text(_l("Caption for the new photo (English)"), DESCRIPTION_MAX)
    photo_caption_ko = _text(_l("Caption for the new photo (Korean)"), DESCRIPTION_MAX)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.photo.data:
            message = _l("Describe the photo for people who cannot see it (alt text).")
            ok = _either(self, "photo_alt_en", "photo_alt_ko", message) and ok
        return ok

    def photo_description(self) -> dict[str, str]:
        return {
            name: self[f"photo_{name}"].data or ""
            for name in ("alt_en", "alt_ko", "caption_en", "caption_ko")
        }


class AnswerForm(Form):
    answer_note_en = _text(_l("How God answered (English, Markdown)"), NOTE_MAX, area=True)
    answer_note_ko = _text(_l("How God answered (Korean, Markdown)"), NOTE_MAX, area=True)
    fingerprint = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        message = _l("Write the answer in English or Korean (or both).")
        return _either(self, "answer_note_en", "answer_note_ko", message) and ok


class ImageDescriptionForm(Form):
    alt_en = _text(_l("Alt text (English)"), DESCRIPTION_MAX)
    alt_ko = _text(_l("Alt text (Korean)"), DESCRIPTION_MAX)
    caption_en = _text(_l("Caption (English)"), DESCRIPTION_MAX)
    caption_ko = _text(_l("Caption (Korean)"), DESCRIPTION_MAX)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        message = _l("Describe the photo for people who cannot see it (alt text).")
        return _either(self, "alt_en", "alt_ko", message) and ok

    def description(self) -> dict[str, str]:
        return {
            name: self[name].data or "" for name in ("alt_en", "alt_ko", "caption_en", "caption_ko")
        }


class ImageUploadForm(ImageDescriptionForm):
    photo = FileField(
        _l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired(_l("Choose a photo to upload."))]
    )
