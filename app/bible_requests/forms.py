"""Forms for leaders: the eligibility check, the request and the proof of distribution.

No field anywhere asks for the names or contact details of the people who receive the
Bibles; the request form says so where the leader can see it.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app.antispam import AntiSpamForm
from app.bible_requests.eligibility import QUESTIONS
from app.database import utcnow
from app.forms import Form
from app.settings import get_setting

PLAN_MIN_CHARS = 120
PLAN_MAX_CHARS = 4000
HANDOUT_MAX_DAYS = 90  # only what can be given now
MAX_PHOTOS = 10
MAX_BIBLES = 10_000


class WholeNumberField(IntegerField):
    """An integer field with one clear message for text that is not a number."""

    def process_formdata(self, valuelist) -> None:
        if not valuelist or valuelist[0].strip() == "":
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number, in digits.")) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


def _build_eligibility_form() -> type[Form]:
    fields = {
        q.name: RadioField(
            q.label,
            choices=[SelectChoice(value, label) for value, label in q.choices],
            validators=[InputRequired(message=_l("Please choose an answer."))],
        )
        for q in QUESTIONS
    }
    return type("EligibilityForm", (Form,), fields)


EligibilityForm = _build_eligibility_form()


def today() -> date:
    return utcnow().date()


class RequestForm(Form):
    quantity = WholeNumberField(
        _l("How many NK Bibles do you ask for?"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=MAX_BIBLES, message=_l("Enter a number from 1.")),
        ],
    )
    nk_in_discipleship = WholeNumberField(
        _l("How many North Koreans are in the discipleship relationship now?"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=MAX_BIBLES, message=_l("Enter a number from 1.")),
        ],
    )
    plan = TextAreaField(
        _l("Your discipleship plan: how will the Bibles be used in the ongoing discipleship?"),
        validators=[
            DataRequired(message=_l("Please describe your plan.")),
            Length(
                min=PLAN_MIN_CHARS,
                max=PLAN_MAX_CHARS,
                message=_l(
                    "Please write between %(min)d and %(max)d characters.",
                    min=PLAN_MIN_CHARS,
                    max=PLAN_MAX_CHARS,
                ),
            ),
        ],
    )
    handout_date = DateField(
        _l("When will you hand them out?"),
        validators=[InputRequired(message=_l("Enter a date."))],
    )
    ship_to = StringField(
        _l("Ship to (your ministry's or your own name)"),
        validators=[DataRequired(message=_l("Enter a name for the parcel.")), Length(max=120)],
    )
    ship_address = TextAreaField(
        _l("The ministry's shipping address"),
        validators=[DataRequired(message=_l("Enter the address.")), Length(max=500)],
    )
    ship_postal_code = StringField(
        _l("Postal code"),
        validators=[DataRequired(message=_l("Enter the postal code.")), Length(max=20)],
    )
    ship_country = StringField(
        _l("Country"), validators=[DataRequired(message=_l("Enter the country.")), Length(max=80)]
    )
    ship_phone = StringField(
        _l("Phone number for the courier (yours or the ministry's; optional)"),
        validators=[Optional(), Length(max=40)],
    )
    commit_free_gift = BooleanField(
        _l(
            "We will state that each Bible is provided free of charge by VOM Korea, and not "
            "present it as a gift from our church or ministry."
        ),
        validators=[DataRequired(message=_l("Please confirm this commitment."))],
    )
    commit_contact = BooleanField(
        _l("We will give each recipient VOM Korea's contact details (the printed card)."),
        validators=[DataRequired(message=_l("Please confirm this commitment."))],
    )
    commit_photo = BooleanField(
        _l("We will give all of them out shortly after they arrive, and send a photo as proof."),
        validators=[DataRequired(message=_l("Please confirm this commitment."))],
    )
    commit_no_storing = BooleanField(
        _l("We will not store any of them for later use."),
        validators=[DataRequired(message=_l("Please confirm this commitment."))],
    )

    COMMITMENTS = ("commit_free_gift", "commit_contact", "commit_photo", "commit_no_storing")

    def validate_quantity(self, field) -> None:
        cap = int(get_setting("request_cap"))
        if field.data and field.data > cap:
            raise ValidationError(
                _l("At most %(cap)s Bibles can be asked for at a time.", cap=format_number(cap))
            )
        people = self.nk_in_discipleship.data
        if field.data and people and field.data > people:
            raise ValidationError(
                _l(
                    "Ask for at most one Bible for each North Korean in the discipleship "
                    "relationship now (%(n)d).",
                    n=people,
                )
            )

    def validate_handout_date(self, field) -> None:
        if field.data is None:
            return
        if field.data < today():
            raise ValidationError(_l("The date cannot be in the past."))
        if field.data > today() + timedelta(days=HANDOUT_MAX_DAYS):
            raise ValidationError(
                _l(
                    "Please ask only for Bibles you can give within %(days)d days.",
                    days=HANDOUT_MAX_DAYS,
                )
            )


class VerificationForm(Form):
    photos = MultipleFileField(
        _l("Photos of the Bibles being given (1 to 10; JPEG, PNG or WebP)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    bibles_given = WholeNumberField(
        _l("How many Bibles were given out?"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=0, max=MAX_BIBLES, message=_l("Enter a number from 0.")),
        ],
    )
    explanation = TextAreaField(
        _l("If not all were given out: why, and what will happen to the rest?"),
        validators=[Optional(), Length(max=2000)],
    )
    given_from = DateField(
        _l("Given out from"), validators=[InputRequired(message=_l("Enter a date."))]
    )
    given_until = DateField(
        _l("Given out until"), validators=[InputRequired(message=_l("Enter a date."))]
    )
    note = TextAreaField(_l("A note for us (optional)"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, shipped_quantity: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shipped_quantity = shipped_quantity

    def uploaded_files(self) -> list:
        return [f for f in (self.photos.data or []) if getattr(f, "filename", "")]

    def validate_photos(self, field) -> None:
        count = len(self.uploaded_files())
        if count < 1:
            raise ValidationError(_l("Please add at least one photo."))
        if count > MAX_PHOTOS:
            raise ValidationError(_l("Please send at most %(n)d photos.", n=MAX_PHOTOS))

    def validate_bibles_given(self, field) -> None:
        if field.data is not None and field.data > self.shipped_quantity:
            raise ValidationError(
                _l(
                    "We sent %(n)s Bibles; enter at most that many.",
                    n=format_number(self.shipped_quantity),
                )
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        given = self.bibles_given.data
        if given is not None and given < self.shipped_quantity and not self.explanation.data:
            self.explanation.errors = [
                *self.explanation.errors,
                _l("Fewer Bibles were given out than we sent: please explain why."),
            ]
            valid = False
        return valid

    def validate_given_until(self, field) -> None:
        if field.data and self.given_from.data and field.data < self.given_from.data:
            raise ValidationError(_l("The end date is before the start date."))
        if field.data and field.data > today():
            raise ValidationError(_l("The date cannot be in the future."))


# --- a defector's own request: Korean first, both languages on the page ---------------------
# The people who use this form read Korean first; the labels carry both languages so that
# the form is clear whatever the browser's language.


def _both(korean: str, english: str) -> Markup:
    """A label in both languages, each marked so screen readers pronounce it right."""
    return Markup('<span lang="ko">{}</span> · <span lang="en">{}</span>').format(korean, english)


def _both_text(korean: str, english: str) -> str:
    return f"{korean} · {english}"


class DefectorForm(AntiSpamForm):
    name = StringField(
        _both("이름 또는 이니셜", "Name or initial"),
        validators=[
            DataRequired(
                message=_both_text(
                    "이름이나 이니셜을 적어 주세요.", "Please write a name or an initial."
                )
            ),
            Length(
                max=60, message=_both_text("60자 이내로 적어 주세요.", "At most 60 characters.")
            ),
        ],
    )
    country = StringField(
        _both("사는 나라", "Country where you live"),
        validators=[
            DataRequired(message=_both_text("나라를 적어 주세요.", "Please write the country.")),
            Length(
                max=80, message=_both_text("80자 이내로 적어 주세요.", "At most 80 characters.")
            ),
        ],
    )
    postal_address = TextAreaField(
        _both("성경을 받을 우편 주소", "Postal address for the Bible"),
        validators=[
            DataRequired(message=_both_text("주소를 적어 주세요.", "Please write the address.")),
            Length(
                max=600, message=_both_text("600자 이내로 적어 주세요.", "At most 600 characters.")
            ),
        ],
    )
    contact = StringField(
        _both("연락 방법 (선택)", "A way to reach you (optional)"),
        validators=[
            Optional(),
            Length(
                max=200, message=_both_text("200자 이내로 적어 주세요.", "At most 200 characters.")
            ),
        ],
    )
    reason = TextAreaField(
        _both("성경을 받고 싶은 이유", "Why you would like a North Korean Bible"),
        validators=[
            DataRequired(
                message=_both_text("이유를 간단히 적어 주세요.", "Please write a few words.")
            ),
            Length(
                max=2000,
                message=_both_text("2000자 이내로 적어 주세요.", "At most 2000 characters."),
            ),
        ],
    )
