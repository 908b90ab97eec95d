"""Language choice, bilingual content and the seed's date style.

The language comes from `?lang=` (which also remembers it in a cookie), then the cookie,
then Accept-Language, then English.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, request
from flask_babel import format_datetime, get_locale

LANG_COOKIE = "lang"
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


def seed_date(value: datetime | None) -> str:
    if value is None:
        return ""
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
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["other_language"] = other_language
