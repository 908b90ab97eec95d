"""Forms of the staff pages: reviewing leaders and managing people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.forms import LANGUAGES, email_field, name_field
from app.forms import Form
from app.security import Role

STAFF_ROLE_CHOICES = [
    SelectChoice(Role.ADMIN.value, _l("Admin: everything, including people and settings")),
    SelectChoice(Role.EDITOR.value, _l("Editor: projects, stories and prayer requests")),
    SelectChoice(Role.MODERATOR.value, _l("Moderator: comments")),
    SelectChoice(Role.REVIEWER.value, _l("Reviewer: ministry leaders and Bible requests")),
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReviewForm(Form):
    """One staff decision about a leader."""

    message = TextAreaField(
        _l("Message to the leader"),
        validators=[Optional(), Length(max=4000)],
        description=_l(
            "Sent by email and shown on their account page. Required to reject, to ask for "
            "information and to suspend."
        ),
    )
    internal_note = TextAreaField(
        _l("Note for staff only"),
        validators=[Optional(), Length(max=4000)],
        description=_l("For example, how you checked the reference. The leader never sees it."),
    )


class RolesForm(Form):
    roles = MultiCheckboxField(_l("Staff roles"), choices=STAFF_ROLE_CHOICES)


class InviteForm(RolesForm):
    email = email_field()
    name = name_field(_l("Name"))
    locale = SelectField(
        _l("Language of the invitation"), choices=LANGUAGES, validators=[DataRequired()]
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.roles.data:
            self.roles.errors = [*self.roles.errors, _l("Choose at least one role.")]
            return False
        return ok


class PersonNoteForm(Form):
    """Disable, enable, reset two-factor: an optional reason for the audit trail."""

    note = StringField(_l("Reason (for the audit trail)"), validators=[Length(max=500)])
