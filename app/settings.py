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


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    kind: type  # str, int, bool, list (of strings)
    group: str
    label: str
    help: str = ""


DEFAULT_CONTACT = (
    "Voice of the Martyrs Korea\n"
    "Guro-gu, Seoul, Republic of Korea\n"
    "Email: newcomers@vomkorea.example\n"
    "Phone: +82-2-0000-0000"
)

SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("ministry_name", "VOM Korea", str, "ministry", "Ministry name"),
        Setting(
            "ministry_name_ko", "한국 순교자의 소리", str, "ministry", "Ministry name (Korean)"
        ),
        Setting(
            "contact_details",
            DEFAULT_CONTACT,
            str,
            "ministry",
            "Contact details",
            "Shown on the About page and printed on the cards given with each Bible.",
        ),
        Setting("contact_email", "newcomers@vomkorea.example", str, "ministry", "Contact email"),
        Setting(
            "purchase_url",
            "https://www.vomkorea.com/en/shop/",
            str,
            "ministry",
            "Link for buying NK Bibles",
        ),
        Setting("comment_link_limit", 2, int, "comments", "Links allowed before a comment is held"),
        Setting("comment_disallowed_words", [], list, "comments", "Disallowed words (spam)"),
        Setting("comment_moderation_words", [], list, "comments", "Words that hold a comment"),
        Setting(
            "comment_auto_approve_known",
            False,
            bool,
            "comments",
            "Approve authors who already have an approved comment",
        ),
        Setting("comment_close_days", 0, int, "comments", "Close comments after N days (0: never)"),
        Setting("request_cap", 50, int, "requests", "Most Bibles in one request"),
        Setting("verification_days", 30, int, "requests", "Days after receipt to send proof"),
        Setting("photo_retention_days", 90, int, "requests", "Days to keep verification photos"),
        Setting(
            "received_assumed_days", 21, int, "requests", "Days after shipping to assume receipt"
        ),
        Setting("low_stock_threshold", 50, int, "requests", "Warn when stock falls below"),
        Setting(
            "leader_verification_days", 365, int, "requests", "Leader verification lasts (days)"
        ),
        Setting("show_public_counter", True, bool, "requests", "Show the Bibles-given counter"),
        Setting(
            "defector_data_days",
            30,
            int,
            "requests",
            "Days after shipping to erase a defector's address and contact",
            "A defector's own request keeps only the country and dates after this.",
        ),
        Setting("digest_enabled", False, bool, "email", "Send the weekly prayer-update digest"),
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
