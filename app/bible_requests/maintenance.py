"""Jobs run from cron (`flask requests maintain`, hourly is fine): every one is idempotent.

- reminders 7 days before proof is due, on the day and 7 days after, each sent once (the
  outbox's `dedupe_key` guarantees it even when two runs overlap);
- receipt assumed `received_assumed_days` after shipping;
- verification photos deleted `photo_retention_days` after verification (the record stays);
- a defector's name, address, contact and reason erased `defector_data_days` after shipping.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError

from app import images
from app.audit import record
from app.bible_requests import notify, workflow
from app.bible_requests.models import (
    AWAITING_PROOF,
    BibleRequest,
    DefectorRequest,
    DefectorRequestState,
    RequestState,
    Verification,
    VerificationPhoto,
)
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.settings import get_setting
from app.workflow import TransitionRefused

# (stage, days relative to the due date)
REMINDER_STAGES: tuple[tuple[str, int], ...] = (("before", -7), ("due", 0), ("after", 7))


def reminder_key(req: BibleRequest, stage: str) -> str:
    return f"bible-request:{req.id}:reminder:{stage}"


def reminder_stage(req: BibleRequest, now: datetime) -> str | None:
    """The latest stage whose time has come (earlier ones missed by a stopped cron are skipped)."""
    if req.verification_due_at is None:
        return None
    due = req.verification_due_at
    reached = [stage for stage, days in REMINDER_STAGES if due + timedelta(days=days) <= now]
    return reached[-1] if reached else None


def send_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that have come due and were not queued before; returns how many."""
    now = now or utcnow()
    first = min(days for _, days in REMINDER_STAGES)
    candidates = db.session.scalars(
        select(BibleRequest)
        .where(
            BibleRequest.state.in_(AWAITING_PROOF),
            BibleRequest.verification_due_at <= now - timedelta(days=first),
        )
        .order_by(BibleRequest.id)
    ).all()
    sent = 0
    for req in candidates:
        stage = reminder_stage(req, now)
        if stage is None:
            continue
        key = reminder_key(req, stage)
        if db.session.scalar(select(exists().where(OutboxMessage.dedupe_key == key))):
            continue
        try:
            with db.session.begin_nested():
                notify.email_leader(req, f"reminder_{stage}", dedupe_key=key)
                record("bible_request.reminder", req, actor=None, stage=stage)
        except IntegrityError:  # another run queued it a moment ago
            continue
        sent += 1
    return sent


def assume_receipt(now: datetime | None = None) -> int:
    """Shipped requests the leader never confirmed count as received N days after shipping."""
    now = now or utcnow()
    days = int(get_setting("received_assumed_days"))
    due = db.session.scalars(
        select(BibleRequest)
        .where(
            BibleRequest.state == RequestState.SHIPPED,
            BibleRequest.shipped_at <= now - timedelta(days=days),
        )
        .order_by(BibleRequest.id)
    ).all()
    done = 0
    for req in due:
        assert req.shipped_at is not None
        note = str(_l("Receipt assumed %(days)d days after shipping.", days=days))
        try:
            with db.session.begin_nested():
                workflow.transition(
                    req,
                    RequestState.RECEIVED,
                    None,
                    note,
                    assumed=True,
                    at=req.shipped_at + timedelta(days=days),
                )
        except TransitionRefused:  # the leader confirmed it a moment ago
            continue
        done += 1
    return done


def purge_photos(now: datetime | None = None) -> int:
    """Delete verification photos N days after verification; returns how many files."""
    now = now or utcnow()
    cutoff = now - timedelta(days=int(get_setting("photo_retention_days")))
    photos = db.session.scalars(
        select(VerificationPhoto)
        .join(BibleRequest, BibleRequest.id == VerificationPhoto.request_id)
        .where(BibleRequest.state == RequestState.VERIFIED, BibleRequest.verified_at <= cutoff)
    ).all()
    by_request: dict[int, int] = {}
    for photo in photos:
        images.delete_files("private", [photo.file_name])
        verification = db.session.get(Verification, photo.verification_id)
        if verification is not None:
            verification.photos_purged_at = now
        by_request[photo.request_id] = by_request.get(photo.request_id, 0) + 1
        db.session.delete(photo)
    for request_id, count in by_request.items():
        record(
            "bible_request.photos_purged",
            db.session.get(BibleRequest, request_id),
            actor=None,
            photos=count,
        )
    db.session.flush()
    return len(photos)


def erase_defector_data(now: datetime | None = None) -> int:
    """Erase a defector's name, address, contact and reason; only country and dates remain."""
    now = now or utcnow()
    cutoff = now - timedelta(days=int(get_setting("defector_data_days")))
    due = db.session.scalars(
        select(DefectorRequest).where(
            DefectorRequest.erased_at.is_(None),
            or_(
                and_(
                    DefectorRequest.state == DefectorRequestState.SHIPPED,
                    DefectorRequest.shipped_at <= cutoff,
                ),
                and_(
                    DefectorRequest.state == DefectorRequestState.CLOSED,
                    DefectorRequest.closed_at <= cutoff,
                ),
            ),
        )
    ).all()
    for dreq in due:
        erase(dreq, now)
    db.session.flush()
    return len(due)


def erase(dreq: DefectorRequest, now: datetime | None = None) -> None:
    dreq.name = dreq.postal_address = dreq.contact = dreq.reason = dreq.staff_note = ""
    dreq.erased_at = now or utcnow()
    record("defector_request.erased", dreq, actor=None)
