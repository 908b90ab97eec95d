"""The comment forms: the public one (with the anti-spam fields) and the staff ones."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from app.antispam import AntiSpamForm
from app.comments.services import MAX_BODY, MAX_NAME
from app.comments.text import clean_body, clean_name
from app.forms import Form


def _lower(value: str | None) -> str:
    return (value or "").strip().lower()


def _body_field(label=None, **kwargs) -> TextAreaField:
    return TextAreaField(
        label or _l("Comment"),
        **kwargs,
        validators=[
            DataRequired(_l("Please write a comment.")),
            Length(max=MAX_BODY, message=_l("Please keep it under %(max)d characters.")),
        ],
        filters=[clean_body],
    )


class CommentForm(AntiSpamForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=MAX_NAME, message=_l("Please keep your name under %(max)d characters.")),
        ],
        filters=[clean_name],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("This email address is too long.")),
            Email(_l("Please enter a valid email address, like name@example.com.")),
        ],
        filters=[_lower],
    )
    body = _body_field()
    notify_replies = BooleanField(_l("Email me when someone replies"))
    # Starts the double opt-in of the prayer-update emails (a confirmation email is sent).
    subscribe_updates = BooleanField(_l("Also send me prayer updates"))
    parent_id = HiddenField()


class StaffCommentForm(Form):
    """Signed-in staff comment as themselves: no name, email or anti-spam fields."""

    body = _body_field()
    notify_replies = BooleanField(_l("Email me when someone replies"))
    parent_id = HiddenField()


class ReplyForm(Form):
    """A staff reply from the moderation queue."""

    # Its own id: the reply and edit forms share the comment's page (ids must be unique).
    body = _body_field(_l("Your reply"), id="reply-body")


class EditForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Please enter a name.")), Length(max=MAX_NAME)],
        filters=[clean_name],
    )
    body = _body_field()


def parent_id_of(form) -> int | None:
    try:
        value = int(form.parent_id.data or 0)
    except (TypeError, ValueError):
        return None
    return value or None
