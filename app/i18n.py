"""Language choice, bilingual content and the seed's date style.

The language comes from `?lang=` (which also remembers it in a cookie), then the cookie,
then Accept-Language, then English.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_skeleton, get_timezone_name
from flask import Flask, current_app, request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    get_locale,
    get_translations,
)
from jinja2 import pass_context
from markupsafe import Markup

LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def other_language(language: str) -> str:
    return "ko" if language == "en" else "en"


def remember_language(response: Any) -> Any:
    """`?lang=xx` is a shareable, cacheable URL; it also sets the preference cookie."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def _query_with(language: str | None) -> str:
    """The request's query string with `lang` set to `language` (or removed for None)."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if language:
        pairs.append(("lang", language))
    return urlencode(pairs)


def N_(text: str) -> str:
    """Marks a text the code stores (an audit note, a history note) for translation: it is
    extracted into the catalogue and translated where it is shown, with `stored_text`."""
    return text


def stored_text(text: str | None) -> str:
    """A stored note in the reader's language when the code wrote it (marked with `N_`);
    anything a person wrote is shown as it is. Never %-formatted (notes may hold a %)."""
    if not text:
        return ""
    return get_translations().ugettext(text)


def switch_language_url(language: str) -> str:
    """This page in `language`: same path, the other query parameters kept."""
    return f"{request.path}?{_query_with(language)}"


def alternate_url(language: str | None) -> str:
    """The absolute address of this page in `language` (None: without a choice, x-default),
    built from SITE_URL like every other link we publish."""
    from app.urls import absolute

    query = _query_with(language)
    return absolute(request.path) + (f"?{query}" if query else "")


def ngettext(singular: str, plural: str, count: int, /, **variables: Any) -> str:
    """`flask_babel.ngettext` with `%(num)s` written in the visitor's locale (1,234).

    (flask_babel's own takes the count as `num` and so cannot be given a formatted one.)
    """
    variables.setdefault("num", format_number(count))
    return get_translations().ungettext(singular, plural, count) % variables


@pass_context
def _template_ngettext(
    context: Any, singular: str, plural: str, count: int, /, **variables: Any
) -> str:
    """Templates' `ngettext`, as Jinja's new-style one, with the count formatted (1,234);
    `num=` may replace it (e.g. with the number in <strong>)."""
    variables.setdefault("num", format_number(count))
    text = get_translations().ungettext(singular, plural, count)
    if context.eval_ctx.autoescape:
        # As Jinja does: the catalogue's text is ours; `%` then escapes the variables.
        text = Markup(text)  # noqa: S704  # nosec B704
    return text % variables


def format_signed(value: int) -> str:
    """A change in a count, with its sign, in the visitor's locale: +1,200 / -3."""
    return format_decimal(value, format="+#,##0;-#,##0")


def month_year(value: date) -> str:
    """'Mar 2020' in English, '2020년 3월' in Korean (the locale's own order)."""
    return format_skeleton("yMMM", value, locale=get_locale())


def month_name(value: date) -> str:
    """'Mar' / '3월'."""
    return format_skeleton("MMM", value, locale=get_locale())


def timezone_name(zone: str) -> str:
    """'Korean Time' / '한국 시간' for 'Asia/Seoul'."""
    return get_timezone_name(zone, locale=get_locale())


def language_name(code: str) -> str:
    """A language in its own name, as language menus show them: English, 한국어."""
    return LANGUAGE_NAMES.get(code, code)


# How states stored as enum values are named on pages: {(enum class, value): lazy label}.
_ENUM_LABELS: dict[tuple[type, str], Any] = {}


def register_labels(labels: dict[enum.Enum, Any]) -> None:
    """Name an enum's members for people (lazy strings); templates show them with `| label`."""
    for member, text in labels.items():
        _ENUM_LABELS[(type(member), member.value)] = text


def enum_label(member: Any, kind: type[enum.Enum] | None = None) -> str:
    """The registered label of `member` (or of `kind(member)` for a stored plain value), in
    the visitor's language; its value if it has none."""
    if kind is not None:
        member = kind(member)
    text = _ENUM_LABELS.get((type(member), member.value))
    return str(text) if text is not None else str(member.value)


def seed_datetime(value: datetime | None) -> str:
    """'March 04, 2020 at 6:51 pm' in English, '2020년 3월 4일 오후 6:51' in Korean."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if current_language() == "ko":
        return format_datetime(value, "yyyy년 M월 d일 a h:mm")
    text = format_datetime(value, "MMMM dd, yyyy 'at' h:mm a")
    return text[:-2] + text[-2:].lower()


def seed_date(value: datetime | date | None) -> str:
    """'March 04, 2020' in English, '2020년 3월 4일' in Korean (a datetime in Korea time;
    a plain date, such as a hand-out date, as it is)."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        pattern = "yyyy년 M월 d일" if current_language() == "ko" else "MMMM dd, yyyy"
        return format_date(value, pattern)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if current_language() == "ko":
        return format_datetime(value, "yyyy년 M월 d일")
    return format_datetime(value, "MMMM dd, yyyy")


def iso_datetime(value: datetime | None) -> str:
    """RFC 3339 in UTC, for <time datetime>, feeds and sitemaps."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    app.after_request(remember_language)
    app.jinja_env.filters["seed_datetime"] = seed_datetime
    app.jinja_env.filters["seed_date"] = seed_date
    app.jinja_env.filters["iso_datetime"] = iso_datetime
    app.jinja_env.filters["month_year"] = month_year
    app.jinja_env.filters["label"] = enum_label
    app.jinja_env.filters["timezone_name"] = timezone_name
    app.jinja_env.filters["stored_text"] = stored_text
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["other_language"] = other_language
    app.jinja_env.globals["switch_language_url"] = switch_language_url
    app.jinja_env.globals["alternate_url"] = alternate_url
    app.jinja_env.globals["ngettext"] = _template_ngettext
    app.jinja_env.globals["format_signed"] = format_signed
    app.jinja_env.globals["language_name"] = language_name
