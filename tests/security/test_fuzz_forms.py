"""Hypothesis-generated input on every public form: unicode, control characters, NUL and
1 MB strings. The answer is never a 500; a refusal says what was wrong (an error summary on the
form, or an error page that explains), and a form shown again keeps what was typed.

Rate limits are switched off here (they have their own tests) so every example reaches the
form's own checks; each form is opened ten seconds before it is sent, as a person would.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts import tokens as account_tokens
from app.extensions import limiter
from app.subscriptions import tokens as subscription_tokens
from tests.email.factories import make_subscriber
from tests.factories import make_prayer, make_story
from tests.helpers import soup
from tests.staff.factories import make_staff

MEGABYTE = 1024 * 1024

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(max_codepoint=0x1F), max_size=50),  # control characters, NUL
    st.text(st.characters(categories=("Cs", "Co", "Cn", "Zl", "Zp", "Mn")), max_size=50),
    st.sampled_from(["\x00", "a\x00b", "\ufeff", "\u202e\u2066", "\r\n\r\n", "%00", "../../etc"]),
    st.sampled_from(["a" * MEGABYTE, "가" * (MEGABYTE // 3), "\x00" * MEGABYTE]),
    st.from_regex(r"[a-z]{1,20}@[a-z]{1,10}\.(org|com)", fullmatch=True),
)


@pytest.fixture
def no_rate_limits() -> Iterator[None]:
    limiter.enabled = False
    try:
        yield
    finally:
        limiter.enabled = True


def _form(page, action: str):
    for form in soup(page).find_all("form"):
        if (form.get("action") or "").split("?")[0].endswith(action) or (
            not form.get("action") and action == ""
        ):
            return form
    raise AssertionError(f"no form posting to {action!r}")


def _values(form) -> dict[str, str]:
    values: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "file"):
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values[name] = field.get("value", "y")
            continue
        if field.name == "select":
            option = field.find("option", selected=True) or field.find("option")
            values[name] = option.get("value", "") if option else ""
        elif field.name == "textarea":
            # HTML drops a textarea's first line break; browsers send CRLF.
            values[name] = field.get_text().removeprefix("\n").replace("\r\n", "\n")
        else:
            values[name] = field.get("value", "")
    return values


def _says_what_was_wrong(response) -> bool:
    page = soup(response)
    if page.select(".error-summary, .field-error, .flash-error, [role=alert]"):
        return True
    heading = page.find("h1")
    return response.status_code in (400, 404, 413, 422, 429) and heading is not None


def _kept(value: str) -> bool:
    """Short, plain values a form must show again as typed."""
    return (
        value.isascii() and value.isprintable() and value == value.strip() and 0 < len(value) < 60
    )


def send(client, page_url: str, action: str, typed: dict[str, str], ip: int):
    client.environ_base["REMOTE_ADDR"] = f"192.0.2.{ip % 250 + 1}"
    with time_machine.travel(time.time() - 10, tick=True):
        page = client.get(page_url)
    assert page.status_code == 200, (page_url, soup(page).get_text(" ", strip=True)[-600:])
    form = _form(page, action)
    data = {**_values(form), **typed}
    post_url = form.get("action") or page_url
    response = client.post(post_url, data=data)
    assert response.status_code < 500, (post_url, response.status_code)
    assert response.status_code in (200, 302, 303, 400, 413, 422), response.status_code
    if response.status_code != 302 and response.status_code != 303:
        shown_again = soup(response).find("form", action=form.get("action"))
        errors = _says_what_was_wrong(response)
        if response.status_code != 200 or (shown_again is not None and errors):
            assert errors, (post_url, response.status_code, typed)
        if shown_again is not None and errors:
            again = _values(shown_again)
            for name, value in typed.items():
                if _kept(value) and "password" not in name and name in again:
                    shown = again[name].strip()
                    if "email" in name:  # addresses are shown normalized to lower case
                        shown, value = shown.lower(), value.lower()
                    assert shown == value, (name, value, again[name])
    return response


FORMS = {
    # name: (page, action the form posts to, fields to fill with generated text)
    "subscribe": ("/subscribe", "/subscribe", ("subscribe-email", "subscribe-name")),
    "sign-in": ("/account/login", "", ("email", "password")),
    "password reset request": ("/account/reset", "", ("email",)),
    "sign-up": (
        "/account/signup",
        "",
        (
            "name",
            "email",
            "password",
            "organization",
            "position",
            "country",
            "city",
            "reference",
            "ministry_description",
            "nk_count",
            "ministry_since",
            "meeting_frequency",
        ),
    ),
    "defector request": (
        "/nk-bible/?lang=en",
        "",
        ("name", "country", "postal_address", "contact", "reason"),
    ),
    "manage subscription": ("/subscription/manage", "", ("email",)),
}
PROPERTY = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)  # fmt: skip
FUZZED = [*FORMS, "comment", "I prayed", "new password", "subscription preferences"]


@pytest.mark.parametrize("name", list(FORMS))
def test_public_forms_never_fail(app, no_rate_limits, name):
    page_url, action, fields = FORMS[name]
    counter = iter(range(10**6))

    @PROPERTY
    @given(st.fixed_dictionaries(dict.fromkeys(fields, hostile_text)))
    def run(typed):
        send(app.test_client(), page_url, action, typed, next(counter))

    run()


def test_the_comment_form_never_fails(app, no_rate_limits):
    story = make_story()
    counter = iter(range(10**6))

    @PROPERTY
    @given(st.fixed_dictionaries(dict.fromkeys(("name", "email", "body"), hostile_text)))
    def run(typed):
        send(app.test_client(), f"/stories/{story.slug}", f"/comments/story/{story.slug}",
             typed, next(counter))  # fmt: skip

    run()


def test_i_prayed_never_fails(app, no_rate_limits):
    prayer = make_prayer()
    counter = iter(range(10**6))

    @PROPERTY
    @given(hostile_text)
    def run(where_next):
        response = send(app.test_client(), f"/prayer/{prayer.slug}",
                        f"/prayer/{prayer.slug}/prayed", {"next": where_next}, next(counter))  # fmt: skip
        if response.status_code == 302:  # never off the site, whatever `next` said
            assert response.headers["Location"].startswith("/"), response.headers["Location"]
            assert not response.headers["Location"].startswith("//")

    run()


def test_the_new_password_form_never_fails(app, no_rate_limits):
    counter = iter(range(10**6))

    @PROPERTY
    @given(st.fixed_dictionaries({"password": hostile_text, "password_again": hostile_text}))
    def run(typed):
        # A fresh account and link each time: an accepted password spends the link.
        # Sent before the page is opened (send() opens it ten seconds ago).
        with time_machine.travel(time.time() - 20):
            token = account_tokens.make(account_tokens.RESET_PASSWORD, make_staff())
        send(app.test_client(), f"/account/reset/{token}", "", typed, next(counter))

    run()


def test_subscription_preferences_never_fail(app, no_rate_limits):
    subscriber = make_subscriber()
    url = f"/subscription/{subscription_tokens.sign(subscriber.token)}"
    counter = iter(range(10**6))

    @PROPERTY
    @given(hostile_text)
    def run(name):
        send(app.test_client(), url, "", {"name": name}, next(counter))

    run()


def test_all_public_forms_are_fuzzed():
    assert len(FUZZED) == 10


@pytest.mark.parametrize("value", ["x\x00y", "a" * MEGABYTE, "\r\n" * 1000 + "\x00"])
@pytest.mark.parametrize("name", list(FORMS))
def test_nul_and_megabyte_strings_in_every_field(app, no_rate_limits, name, value):
    """The extremes Hypothesis may not reach in a few examples, every time."""
    page_url, action, fields = FORMS[name]
    response = send(app.test_client(), page_url, action, dict.fromkeys(fields, value), 1)
    if response.status_code == 413:
        text = soup(response).get_text(" ", strip=True)
        assert "too large" in text and "shorten" in text, text[:500]
