"""The site-settings form, built from the `SETTINGS` registry: one typed input per setting."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    StopValidation,
    ValidationError,
)

from app.forms import Form
from app.settings import SETTINGS, Setting

LIST_MAX_ITEMS = 500
LIST_ITEM_MAX = 100


def fingerprint(values: dict[str, Any]) -> str:
    """A digest of every setting, to notice another admin's change made meanwhile."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def parse_words(text: str) -> list[str]:
    """One word or phrase per line (commas separate too); blanks and repeats dropped."""
    words: list[str] = []
    for part in re.split(r"[\n,]", text or ""):
        word = " ".join(part.split())
        if word and word not in words:
            words.append(word)
    return words


def normalize_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class WholeNumberField(IntegerField):
    """An integer input whose error says plainly what is wanted."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        raw = valuelist[0].strip()
        if not raw:
            self.data = None  # "Enter a number." comes from the validator
            return
        if not re.fullmatch(r"-?\d{1,9}", raw):
            self.data = None
            raise ValueError(_("Enter a whole number, like 30."))
        self.data = int(raw)

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:
            raise StopValidation()  # the one message above says it all


class WordListField(TextAreaField):
    """A list of words or phrases, typed one per line."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            self.data = parse_words(valuelist[0])

    def _value(self) -> str:
        return "\n".join(self.data or [])


def _word_list_limits(form: Form, field: Field) -> None:
    if len(field.data or []) > LIST_MAX_ITEMS:
        raise ValidationError(_("Keep the list under %(n)d entries.", n=LIST_MAX_ITEMS))
    too_long = [w for w in field.data or [] if len(w) > LIST_ITEM_MAX]
    if too_long:
        raise ValidationError(
            _(
                "“%(word)s…” is too long: at most %(n)d characters per line.",
                word=too_long[0][:20],
                n=LIST_ITEM_MAX,
            )
        )


def _web_address(form: Form, field: Field) -> None:
    parts = urlsplit(field.data or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError(_("Enter a full web address starting with https://"))


def _field(setting: Setting) -> Any:
    label = _l(setting.label)
    if setting.kind is bool:
        return BooleanField(label)
    if setting.kind is int:
        low, high = setting.minimum, setting.maximum
        return WholeNumberField(
            label,
            validators=[
                _present,
                NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s.")),
            ],
        )
    if setting.kind is list:
        return WordListField(label, validators=[_word_list_limits])
    validators: list[Any] = [
        DataRequired(message=_l("This cannot be empty.")),
        Length(max=setting.maximum or 200, message=_l("At most %(max)d characters.")),
    ]
    if setting.format == "email":
        validators.append(Email(message=_l("Enter an email address, like name@example.org.")))
        return EmailField(label, validators=validators, filters=[normalize_text])
    if setting.format == "url":
        validators.append(_web_address)
        return URLField(label, validators=validators, filters=[normalize_text])
    field_class = TextAreaField if setting.format == "multiline" else StringField
    return field_class(label, validators=validators, filters=[normalize_text])


def _present(form: Form, field: Field) -> None:
    # DataRequired would refuse 0, which is a fine value for "0: never" settings.
    if field.data is None:
        raise StopValidation(_("Enter a number."))


def settings_form(**kwargs: Any) -> Form:
    """A form with one field per setting (named by its key) and a fingerprint."""

    class SettingsForm(Form):
        fingerprint = HiddenField()

    for setting in SETTINGS.values():
        setattr(SettingsForm, setting.key, _field(setting))
    return SettingsForm(**kwargs)


def describe_default(setting: Setting) -> str:
    """The default, as a hint ("" when too long to be useful)."""
    value = setting.default
    if setting.kind is bool:
        return _("on") if value else _("off")
    if setting.kind is list:
        return ", ".join(value) if value else _("none")
    text = str(value)
    return "" if "\n" in text or len(text) > 60 else text
