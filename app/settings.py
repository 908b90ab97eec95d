"""Site settings: stored in the database, edited by admins, each with a default here.

`get_setting(key)` reads through a per-request cache; `set_setting()` writes and records the
change in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_app_context
from sqlalchemy import JSON, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.audit import record
from app.database import utcnow
from app.extensions import db


def N_(text: str) -> str:
    """Marks a label for translation; it is translated where it is shown (`_(label)`)."""
    return text


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    kind: type  # str, int, bool, list (of words or phrases)
    group: str
    label: str
    help: str = ""
    minimum: int | None = None  # int: the smallest allowed value
    maximum: int | None = None  # int: the largest; str: the most characters
    format: str = ""  # str: "multiline", "email" or "url"


GROUPS = {
    "ministry": N_("Ministry and contact"),
    "comments": N_("Comments"),
    "requests": N_("Bible requests"),
    "email": N_("Email"),
}

DEFAULT_CONTACT = (
    "Voice of the Martyrs Korea\n"
    "Guro-gu, Seoul, Republic of Korea\n"
    "Email: newcomers@vomkorea.example\n"
    "Phone: +82-2-0000-0000"
)
DEFAULT_CONTACT_KO = (
    "한국 순교자의 소리\n"
    "대한민국 서울특별시 구로구\n"
    "이메일: newcomers@vomkorea.example\n"
    "전화: 02-0000-0000"
)

SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("ministry_name", "VOM Korea", str, "ministry", N_("Ministry name"), maximum=120),
        Setting(
            "ministry_name_ko",
            "한국 순교자의 소리",
            str,
            "ministry",
            N_("Ministry name (Korean)"),
            maximum=120,
        ),
        Setting(
            "contact_details",
            DEFAULT_CONTACT,
            str,
            "ministry",
            N_("Contact details"),
            N_("Shown on the About page and printed on the cards given with each Bible."),
            maximum=1000,
            format="multiline",
        ),
        Setting(
            "contact_details_ko",
            DEFAULT_CONTACT_KO,
            str,
            "ministry",
            N_("Contact details (Korean)"),
            N_("Shown instead of the contact details to people who read the site in Korean."),
            maximum=1000,
            format="multiline",
        ),
        Setting(
            "contact_email",
            "newcomers@vomkorea.example",
            str,
            "ministry",
            N_("Contact email"),
            maximum=254,
            format="email",
        ),
        Setting(
            "purchase_url",
            "https://www.vomkorea.com/en/shop/",
            str,
            "ministry",
            N_("Link for buying NK Bibles"),
            N_("For churches that want to give Bibles as gifts."),
            maximum=500,
            format="url",
        ),
        Setting(
            "comment_link_limit",
            2,
            int,
            "comments",
            N_("Links allowed before a comment is held"),
            minimum=0,
            maximum=20,
        ),
        Setting(
            "comment_disallowed_words",
            [],
            list,
            "comments",
            N_("Disallowed words (spam)"),
            N_("One word or phrase per line. Comments containing one are discarded as spam."),
        ),
        Setting(
            "comment_moderation_words",
            [],
            list,
            "comments",
            N_("Words that hold a comment"),
            N_("One word or phrase per line. Comments containing one wait for a moderator."),
        ),
        Setting(
            "comment_auto_approve_known",
            False,
            bool,
            "comments",
            N_("Approve authors who already have an approved comment"),
        ),
        Setting(
            "comment_close_days",
            0,
            int,
            "comments",
            N_("Close comments after N days (0: never)"),
            minimum=0,
            maximum=3650,
        ),
        Setting(
            "request_cap",
            50,
            int,
            "requests",
            N_("Most Bibles in one request"),
            minimum=1,
            maximum=5000,
        ),
        Setting(
            "verification_days",
            30,
            int,
            "requests",
            N_("Days after receipt to send proof"),
            minimum=1,
            maximum=365,
        ),
        Setting(
            "photo_retention_days",
            90,
            int,
            "requests",
            N_("Days to keep verification photos"),
            minimum=1,
            maximum=3650,
        ),
        Setting(
            "received_assumed_days",
            21,
            int,
            "requests",
            N_("Days after shipping to assume receipt"),
            minimum=1,
            maximum=365,
        ),
        Setting(
            "low_stock_threshold",
            50,
            int,
            "requests",
            N_("Warn when stock falls below"),
            minimum=0,
            maximum=1_000_000,
        ),
        Setting(
            "leader_verification_days",
            365,
            int,
            "requests",
            N_("Leader verification lasts (days)"),
            minimum=1,
            maximum=3650,
        ),
        Setting("show_public_counter", True, bool, "requests", N_("Show the Bibles-given counter")),
        Setting(
            "defector_data_days",
            30,
            int,
            "requests",
            N_("Days after shipping to erase a defector's address and contact"),
            N_("A defector's own request keeps only the country and dates after this."),
            minimum=1,
            maximum=3650,
        ),
        Setting("digest_enabled", False, bool, "email", N_("Send the weekly prayer-update digest")),
    ]
}


class SiteSetting(db.Model):
    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def _stored() -> dict[str, Any]:
    if has_app_context() and "site_settings" in g:
        return g.site_settings
    values = {row.key: row.value for row in db.session.scalars(select(SiteSetting))}
    if has_app_context():
        g.site_settings = values
    return values


def get_setting(key: str) -> Any:
    definition = SETTINGS[key]
    value = _stored().get(key, definition.default)
    return definition.default if value is None else value


def localized_setting(key: str, language: str | None = None) -> Any:
    """`<key>_ko` for Korean readers when that setting exists and is filled in, else `key`.

    `language` defaults to the visitor's (or, in email, the recipient's) language.
    """
    from app.i18n import current_language

    korean = f"{key}_ko"
    if (language or current_language()) == "ko" and korean in SETTINGS:
        value = get_setting(korean)
        if value:
            return value
    return get_setting(key)


def all_settings() -> dict[str, Any]:
    return {key: get_setting(key) for key in SETTINGS}


def set_setting(key: str, value: Any, actor: Any = None) -> None:
    """Store a setting and record the change; the caller commits."""
    definition = SETTINGS[key]
    old = get_setting(key)
    row = db.session.get(SiteSetting, key) or SiteSetting(key=key)
    row.value = value
    row.updated_by_id = getattr(actor, "id", None)
    db.session.add(row)
    g.pop("site_settings", None)
    if old != value:
        record("settings.change", actor=actor, note=definition.label, key=key, old=old, new=value)
