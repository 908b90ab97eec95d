"""Recertification: a leader's verification lasts `leader_verification_days`; near the end
and at the end they are asked (once each per period) to confirm their details, which takes
them back to review (`leaders.update_profile`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.mail import notify
from app.accounts.models import LeaderProfile, LeaderStatus
from app.database import utcnow
from app.extensions import db
from app.urls import external_url

S = LeaderStatus
REMIND_DAYS_BEFORE = 30


def needs_recertification(profile: LeaderProfile | None, now: datetime | None = None) -> bool:
    """Verified, and the verification ends within REMIND_DAYS_BEFORE days (or has ended)."""
    if profile is None or profile.status != S.VERIFIED or profile.verification_expires_at is None:
        return False
    now = now or utcnow()
    return profile.verification_expires_at <= now + timedelta(days=REMIND_DAYS_BEFORE)


def send_recertify_reminders(now: datetime | None = None) -> tuple[int, int]:
    """Remind leaders whose verification ends soon, and tell those whose it ended.

    Each reminder is sent once per verification period (marked on the profile and deduplicated
    in the outbox), so running this daily, or twice, sends nothing new. Returns (soon, ended).
    """
    now = now or utcnow()
    soon_limit = now + timedelta(days=REMIND_DAYS_BEFORE)
    base = select(LeaderProfile).where(
        LeaderProfile.status == S.VERIFIED,
        LeaderProfile.verification_expires_at.is_not(None),
    )
    soon = db.session.scalars(
        base.where(
            LeaderProfile.verification_expires_at > now,
            LeaderProfile.verification_expires_at <= soon_limit,
            LeaderProfile.recertify_reminded_at.is_(None),
        ).with_for_update(skip_locked=True)
    ).all()
    for profile in soon:
        profile.recertify_reminded_at = now
        _remind(profile, "leader_recertify_soon", _l("Please renew your leader verification"))
    ended = db.session.scalars(
        base.where(
            LeaderProfile.verification_expires_at <= now,
            LeaderProfile.expiry_notified_at.is_(None),
        ).with_for_update(skip_locked=True)
    ).all()
    for profile in ended:
        profile.expiry_notified_at = now
        _remind(profile, "leader_recertify_expired", _l("Your leader verification has ended"))
    db.session.flush()
    return len(soon), len(ended)


def _remind(profile: LeaderProfile, template: str, subject: Any) -> None:
    stamp = profile.verification_expires_at.strftime("%Y%m%d%H%M%S")
    notify(
        profile.user,
        template,
        subject,
        dedupe_key=f"{template}:{profile.id}:{stamp}",
        profile=profile,
        profile_url=external_url("accounts.profile"),
    )
