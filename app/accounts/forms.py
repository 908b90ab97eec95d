"""Account forms: sign-in, two-factor, sign-up and the leader's profile, passwords, settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.accounts.models import OrganizationType
from app.accounts.passwords import MAX_LENGTH, password_problem
from app.antispam import AntiSpamForm
from app.forms import Form

LANGUAGES = [SelectChoice("en", "English"), SelectChoice("ko", "한국어")]


def single_line(value):
    """Collapse line breaks and other control characters (names end up in email headers)."""
    if not isinstance(value, str):
        return value
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def name_field(label=None) -> StringField:
    return StringField(
        label or _l("Your name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[single_line],
        render_kw={"autocomplete": "name"},
    )


ORGANIZATION_TYPES = [
    SelectChoice(OrganizationType.CHURCH.value, _l("A church's North Korean congregation")),
    SelectChoice(
        OrganizationType.MISSION.value,
        _l("A mission agency that appointed me to serve North Koreans"),
    ),
    SelectChoice(OrganizationType.NGO.value, _l("A Christian NGO")),
    SelectChoice(OrganizationType.OTHER.value, _l("Other")),
]


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("Email"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class NewPasswordMixin:
    """A new password typed twice, checked against the rules (length, common passwords)."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
    )
    password_again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def email_for_password_check(self) -> str:
        email = getattr(self, "email", None)
        return email.data if email is not None else getattr(self, "account_email", "")

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "", email=self.email_for_password_check())
        if problem:
            raise ValidationError(problem)


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this device for 30 days (leaders only)"))


class TwoFactorForm(Form):
    code = StringField(
        _l("Six-digit code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(min=6, max=24)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )


class EnrollForm(Form):
    code = StringField(
        _l("Six-digit code from your authenticator app"),
        validators=[DataRequired(), Length(min=6, max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class LeaderProfileForm(Form):
    """What a leader tells us about their existing NK discipleship ministry."""

    organization = StringField(
        _l("Church or organization"), validators=[DataRequired(), Length(max=200)]
    )
    organization_type = RadioField(
        _l("Kind of organization"), choices=ORGANIZATION_TYPES, validators=[InputRequired()]
    )
    organization_type_other = StringField(
        _l("If other: what kind of organization?"), validators=[Length(max=120)]
    )
    position = StringField(
        _l("Your leadership position"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example: pastor of the NK congregation, appointed missionary."),
    )
    country = StringField(_l("Country"), validators=[DataRequired(), Length(max=80)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    reference = TextAreaField(
        _l("A reference we can check"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l(
            "Your church's website, your senior pastor's name and contact, or your NGO's "
            "registration."
        ),
    )
    ministry_description = TextAreaField(
        _l("Your existing discipleship ministry"),
        validators=[DataRequired(), Length(min=20, max=4000)],
        description=_l(
            "How you disciple North Koreans today: what you do together and how the Bible is "
            "part of it."
        ),
    )
    nk_count = IntegerField(
        _l("How many North Koreans do you disciple now?"),
        validators=[InputRequired(), NumberRange(min=1, max=100000)],
        render_kw={"inputmode": "numeric"},
    )
    ministry_since = StringField(
        _l("Since when?"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example: 2019, or March 2021."),
    )
    meeting_frequency = StringField(
        _l("How often do you meet?"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example: every Sunday and a Wednesday Bible study."),
    )

    def validate_organization_type_other(self, field) -> None:
        if (
            self.organization_type.data == OrganizationType.OTHER.value
            and not (field.data or "").strip()
        ):
            raise ValidationError(_l("Please say what kind of organization it is."))

    def profile_data(self) -> dict:
        data = {
            name: (getattr(self, name).data or "").strip()
            for name in (
                "organization",
                "organization_type_other",
                "position",
                "country",
                "city",
                "reference",
                "ministry_description",
                "ministry_since",
                "meeting_frequency",
            )
        }
        data["organization_type"] = OrganizationType(self.organization_type.data)
        if data["organization_type"] != OrganizationType.OTHER:
            data["organization_type_other"] = ""
        data["nk_count"] = self.nk_count.data
        return data


class SignupForm(NewPasswordMixin, LeaderProfileForm, AntiSpamForm):
    name = name_field()
    email = email_field()
    stipulations = BooleanField(
        _l(
            "I lead an existing discipleship ministry among North Koreans and have read the "
            "ministry's stipulations for free NK Bibles."
        ),
        validators=[DataRequired(message=_l("Please confirm this to continue."))],
    )


class ProfileUpdateForm(LeaderProfileForm):
    note = TextAreaField(
        _l("Message to the reviewer"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Answer the reviewer's question, or say what changed."),
    )


class EmailForm(Form):
    """Asking for a password-reset link."""

    email = email_field()


class ResetPasswordForm(NewPasswordMixin, Form):
    pass


class AcceptInviteForm(NewPasswordMixin, Form):
    name = name_field()


class CurrentPasswordMixin:
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(NewPasswordMixin, CurrentPasswordMixin, Form):
    pass


class ChangeEmailForm(CurrentPasswordMixin, Form):
    new_email = email_field(_l("New email address"))


class SettingsForm(Form):
    name = name_field()
    locale = SelectField(
        _l("Language for email from us"), choices=LANGUAGES, validators=[DataRequired()]
    )


class PasswordConfirmForm(CurrentPasswordMixin, Form):
    """Confirming a sensitive step (new recovery codes) with the current password."""


class EnableTwoFactorForm(CurrentPasswordMixin, EnrollForm):
    pass


class DisableTwoFactorForm(CurrentPasswordMixin, Form):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(min=6, max=24)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )
