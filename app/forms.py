"""Forms shared across features, and the base every form of the site derives from.

`Form` gives WTForms' own messages ("This field is required.", "Not a valid date value.")
in the visitor's language from the site's catalogue, where they are translated in the same
register as everything else; WTForms' bundled catalogue is only the fallback.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural message for extraction (see pyproject.toml); translated elsewhere."""
    return singular, plural


def N_(text: str) -> str:
    return text


# The WTForms and Flask-WTF messages this site's fields and validators can show people.
# Listed so they are extracted into the catalogue and translated with the rest of the site.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("File does not have an approved extension."),
)
WTFORMS_PLURALS = (
    N_plural(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ),
    N_plural(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
    N_plural(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ),
    N_plural(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
)


class FormTranslations:
    """What WTForms calls to translate its messages: the site's catalogue, then WTForms'."""

    def gettext(self, string: str) -> str:
        translated = get_translations().ugettext(string)
        if translated != string:
            return translated
        return wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Untouched placeholders: WTForms fills them in itself (`% dict(min=..., max=...)`).
        translated = get_translations().ungettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        return wtforms_translations.ngettext(singular, plural, n)


FORM_TRANSLATIONS = FormTranslations()


class Form(FlaskForm):
    """The base of every form: CSRF from Flask-WTF, messages in the visitor's language."""

    class Meta:
        def get_translations(self, form):
            return FORM_TRANSLATIONS


class EmptyForm(Form):
    """A POST-only button: the form carries nothing but its CSRF token."""
