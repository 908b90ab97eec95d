"""Staff forms for the outbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import Form


def no_line_breaks(form, field) -> None:
    if field.data and any(ch in field.data for ch in "\r\n\x00"):
        raise ValidationError(_l("Line breaks are not allowed here."))


class SuppressForm(Form):
    addresses = TextAreaField(
        _l("Addresses"),
        validators=[DataRequired(), Length(max=100_000)],
        description=_l("One per line, as in a bounce or complaint report."),
    )
    reason = RadioField(
        _l("Reason"),
        choices=[
            SelectChoice("hard_bounce", _l("Hard bounce (the address does not exist)")),
            SelectChoice("complaint", _l("Complaint (marked as spam)")),
            SelectChoice("manual", _l("The person asked never to be emailed")),
        ],
        default="hard_bounce",
    )
    note = StringField(
        _l("Note (optional)"), validators=[Optional(), Length(max=200), no_line_breaks]
    )
