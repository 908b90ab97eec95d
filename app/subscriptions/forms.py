"""Forms: subscribing, managing a subscription, and the staff pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    EmailField,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.antispam import AntiSpamForm
from app.forms import Form
from app.i18n import current_language
from app.mail.forms import no_line_breaks
from app.subscriptions.models import LANGUAGE_LABELS, TOPIC_LABELS, SubscriberStatus, Topic

SUBSCRIBE_PREFIX = "subscribe"  # the same field names wherever the form appears
SOURCES = ("footer", "home", "story", "prayer", "page")
HOW_THEY_ASKED = (
    ("in-person", _l("In person")),
    ("comment", _l("In a comment")),
    ("other", _l("Another way (phone, letter, email)")),
)
EMAIL_LENGTH = Length(max=254, message=_l("An email address can have at most 254 characters."))
STATUS_LABELS = {
    SubscriberStatus.PENDING: _l("pending"),
    SubscriberStatus.CONFIRMED: _l("confirmed"),
    SubscriberStatus.UNSUBSCRIBED: _l("unsubscribed"),
}


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (rendered as a fieldset by partials/forms.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self):
        # "Required" means at least one box, which the server checks; a `required`
        # attribute on every box would make browsers demand all of them.
        for option in super().__iter__():
            option.flags.required = False
            yield option


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def topic_choices() -> list[SelectChoice]:
    return choices((topic.value, TOPIC_LABELS[topic]) for topic in Topic)


def language_choices() -> list[SelectChoice]:
    return choices(LANGUAGE_LABELS.items())


class SubscriptionFields:
    """What a subscriber chooses: topics, language, an optional name."""

    name = StringField(
        _l("Your name (optional)"),
        validators=[Optional(), Length(max=120), no_line_breaks],
        render_kw={"autocomplete": "name", "maxlength": 120},
    )
    language = RadioField(_l("Language of the emails"), choices=language_choices())
    topics = MultiCheckboxField(
        _l("Send me"),
        choices=topic_choices(),
        validators=[DataRequired(_l("Choose at least one kind of email."))],
    )


class SubscribeForm(SubscriptionFields, AntiSpamForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), EMAIL_LENGTH, no_line_breaks],
        render_kw={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"},
    )
    source = HiddenField(default="page")

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", SUBSCRIBE_PREFIX)
        super().__init__(*args, **kwargs)
        if not self.language.data:
            self.language.data = current_language()
        if not self.topics.data:
            self.topics.data = [Topic.PRAYER.value]

    @property
    def source_name(self) -> str:
        return self.source.data if self.source.data in SOURCES else "page"


class PreferencesForm(SubscriptionFields, Form):
    pass


class ManageRequestForm(AntiSpamForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), EMAIL_LENGTH, no_line_breaks],
        render_kw={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"},
    )


# --- staff ------------------------------------------------------------------------------------


class SubscriberSearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = SearchField(_l("Email or name"), validators=[Optional(), Length(max=254)])
    status = SelectField(
        _l("Status"),
        choices=choices(
            [("", _l("Any status")), *STATUS_LABELS.items(), ("suppressed", _l("suppressed"))]
        ),
        validators=[Optional()],
    )
    topic = SelectField(
        _l("Topic"),
        choices=[SelectChoice("", _l("Any topic")), *topic_choices()],
        validators=[Optional()],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("Any language")), *language_choices()],
        validators=[Optional()],
    )


class AddSubscriberForm(SubscriptionFields, Form):
    email = EmailField(
        _l("Their email address"),
        validators=[DataRequired(), EMAIL_LENGTH, no_line_breaks],
        render_kw={"autocomplete": "off", "maxlength": 254},
    )
    how = RadioField(_l("How did they ask?"), choices=choices(HOW_THEY_ASKED), default="in-person")
    note = StringField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=200), no_line_breaks],
        description=_l("For example: the comment on the NK Bibles story, March 29."),
    )


class UpdateForm(Form):
    subject_en = StringField(
        _l("Subject (English)"), validators=[Optional(), Length(max=200), no_line_breaks]
    )
    subject_ko = StringField(
        _l("Subject (Korean)"), validators=[Optional(), Length(max=200), no_line_breaks]
    )
    intro_en = TextAreaField(
        _l("Introduction (English, Markdown)"), validators=[Optional(), Length(max=20_000)]
    )
    intro_ko = TextAreaField(
        _l("Introduction (Korean, Markdown)"), validators=[Optional(), Length(max=20_000)]
    )
    topics = MultiCheckboxField(
        _l("Send to subscribers of"),
        choices=topic_choices(),
        default=[Topic.PRAYER.value],
        validators=[DataRequired(_l("Choose at least one topic."))],
    )
    prayer_ids = MultiCheckboxField(_l("Prayer requests"), coerce=int, choices=[])
    story_ids = MultiCheckboxField(_l("Stories"), coerce=int, choices=[])

    def validate_subject_ko(self, field) -> None:
        if not (self.subject_en.data or "").strip() and not (field.data or "").strip():
            raise ValidationError(_l("Write a subject in at least one language."))


class ScheduleForm(Form):
    when = DateTimeLocalField(
        _l("Send at (Korea time)"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M"
    )


class TestSendForm(Form):
    language = RadioField(_l("Language"), choices=language_choices(), default="en")
