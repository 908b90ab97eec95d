"""Forms reviewers use: one per workflow action, stock entries and decline texts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.bible_requests.forms import MAX_BIBLES, WholeNumberField
from app.forms import Form

NOTE_MAX = 2000


class NoteForm(Form):
    """An action whose note is optional (verify, mark received)."""

    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])


class ReasonForm(Form):
    """An action whose note is the reason the leader reads (changes, return proof, cancel)."""

    note = TextAreaField(
        _l("Note to the leader"),
        validators=[DataRequired(message=_l("Please write a note.")), Length(max=NOTE_MAX)],
    )


class ApproveForm(NoteForm):
    quantity = WholeNumberField(
        _l("Bibles to send"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=MAX_BIBLES, message=_l("Enter a number from 1.")),
        ],
    )


class DeclineForm(Form):
    template = SelectField(
        _l("Reason"), coerce=int, validators=[InputRequired(message=_l("Choose a reason."))]
    )
    note = TextAreaField(
        _l("A personal word to the leader (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
    )


class ShipForm(NoteForm):
    carrier = StringField(
        _l("Carrier"), validators=[DataRequired(message=_l("Enter the carrier.")), Length(max=80)]
    )
    tracking_number = StringField(
        _l("Tracking number (optional)"), validators=[Optional(), Length(max=80)]
    )
    ship_date = DateField(_l("Shipped on"), validators=[InputRequired(message=_l("Enter a date."))])


class StockForm(Form):
    kind = RadioField(
        _l("What happened"),
        choices=[
            SelectChoice("received", _l("Bibles arrived (add to stock)")),
            SelectChoice("adjustment", _l("Correct the count (plus or minus)")),
        ],
        default="received",
        validators=[InputRequired(message=_l("Choose one."))],
    )
    quantity = WholeNumberField(
        _l("Number of Bibles (for a correction, negative to remove)"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=-MAX_BIBLES * 10, max=MAX_BIBLES * 10),
        ],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class DeclineTemplateForm(Form):
    key = StringField(
        _l("Short key (letters, digits, dashes)"),
        validators=[
            DataRequired(message=_l("Enter a key.")),
            Length(max=40),
            Regexp(r"^[a-z0-9-_]+$", message=_l("Use lowercase letters, digits and dashes.")),
        ],
    )
    title_en = StringField(
        _l("Title (English)"),
        validators=[DataRequired(message=_l("Enter a title.")), Length(max=120)],
    )
    title_ko = StringField(_l("Title (Korean)"), validators=[Optional(), Length(max=120)])
    body_en = TextAreaField(
        _l("Text for the leader (English)"),
        validators=[DataRequired(message=_l("Enter the text.")), Length(max=4000)],
    )
    body_ko = TextAreaField(
        _l("Text for the leader (Korean)"), validators=[Optional(), Length(max=4000)]
    )
    suggest_purchase = BooleanField(_l("Add the link for buying NK Bibles"), default=True)
    active = BooleanField(_l("Offer this reason"), default=True)
    position = WholeNumberField(
        _l("Order in the list"), default=0, validators=[Optional(), NumberRange(min=0, max=999)]
    )


class DefectorShipForm(Form):
    note = StringField(
        _l("Note (optional; erased with the address)"), validators=[Optional(), Length(max=500)]
    )


class DefectorCloseForm(Form):
    note = StringField(
        _l("Why is it closed? (optional; erased with the address)"),
        validators=[Optional(), Length(max=500)],
    )


def on_shared_page(form_class, prefix: str, formdata=None):
    """A form that shares its page with others: its fields get a prefix (unique ids), and the
    page's one CSRF token, checked by CSRFProtect before any POST view runs, protects it."""
    return form_class(formdata=formdata, prefix=prefix, meta={"csrf": False})
