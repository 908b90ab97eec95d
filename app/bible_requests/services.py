"""What leaders do: ask for Bibles (one request at a time), fix a request, send proof.

Services change state and flush; the view commits once. Every state change goes through
`workflow.transition`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import images
from app.accounts import leaders
from app.accounts.leaders import LEADER_WORKFLOW
from app.accounts.models import LeaderStatus, User
from app.bible_requests import workflow
from app.bible_requests.errors import RequestError
from app.bible_requests.locks import sqlite_write_lock
from app.bible_requests.models import (
    AWAITING_PROOF,
    OPEN_STATES,
    BibleRequest,
    RequestState,
    Verification,
    VerificationPhoto,
)
from app.database import utcnow
from app.extensions import db
from app.i18n import N_

REQUEST_FIELDS = (
    "quantity_requested",
    "nk_in_discipleship",
    "plan",
    "handout_date",
    "ship_to",
    "ship_address",
    "ship_postal_code",
    "ship_country",
    "ship_phone",
)
COMMITMENTS = ("free_gift", "contact", "photo", "no_storing")


def open_request_for(leader: User) -> BibleRequest | None:
    """The leader's request that is not yet verified (declined and cancelled ones are done)."""
    return db.session.scalar(
        select(BibleRequest)
        .where(BibleRequest.leader_id == leader.id, BibleRequest.state.in_(OPEN_STATES))
        .order_by(BibleRequest.id.desc())
        .limit(1)
    )


def requests_of(leader: User) -> list[BibleRequest]:
    return list(
        db.session.scalars(
            select(BibleRequest)
            .where(BibleRequest.leader_id == leader.id)
            .order_by(BibleRequest.id.desc())
        )
    )


def current_request_for(leader: User) -> BibleRequest | None:
    """What the account home shows: the open request, else the latest one."""
    return open_request_for(leader) or db.session.scalar(
        select(BibleRequest)
        .where(BibleRequest.leader_id == leader.id)
        .order_by(BibleRequest.id.desc())
        .limit(1)
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def submit_request(
    leader: User, values: dict[str, Any], eligibility: dict[str, str]
) -> BibleRequest:
    """A verified leader's new request; refused while another is not yet verified."""
    # Lock the leader's row so two simultaneous submissions cannot both pass the check.
    sqlite_write_lock(BibleRequest.__table__)
    db.session.execute(select(User.id).where(User.id == leader.id).with_for_update())
    if open_request_for(leader) is not None:
        raise RequestError(
            _l("You already have a request that is not yet verified. Please finish it first.")
        )
    profile = leader.leader_profile
    req = BibleRequest(
        leader_id=leader.id,
        organization=profile.organization if profile else "",
        commitments=list(COMMITMENTS),
        eligibility=dict(eligibility),
        submitted_at=utcnow(),
        **_clean({k: values[k] for k in REQUEST_FIELDS}),
    )
    workflow.start(req, leader)
    return req


def resubmit(req: BibleRequest, leader: User, values: dict[str, Any], note: str = "") -> None:
    """The leader answers a reviewer's request for changes."""
    if req.state != RequestState.CHANGES_REQUESTED:
        raise RequestError(_l("This request cannot be changed now."))
    for name, value in _clean({k: values[k] for k in REQUEST_FIELDS}).items():
        setattr(req, name, value)
    workflow.transition(req, RequestState.SUBMITTED, leader, note)


def _store_photos(files: list[FileStorage]) -> list[tuple[FileStorage, images.StoredImage]]:
    """Clean and store every photo, or none: one refused photo removes those already stored."""
    stored: list[tuple[FileStorage, images.StoredImage]] = []
    try:
        for upload in files:
            try:
                stored.append((upload, images.store_private(upload.stream)))
            except images.ImageRejected as refused:
                name = (upload.filename or "")[:80]
                raise RequestError(
                    _l("%(file)s: %(reason)s", file=name, reason=refused.message)
                ) from None
    except RequestError:
        remove_stored([s for _, s in stored])
        raise
    return stored


def remove_stored(stored: list[images.StoredImage]) -> None:
    images.delete_files("private", [name for s in stored for name in s.files.values()])


def submit_verification(
    req: BibleRequest, leader: User, values: dict[str, Any], files: list[FileStorage]
) -> Verification:
    """Photos and numbers showing the Bibles were given out; reviewers then check them."""
    if req.state not in AWAITING_PROOF:
        raise RequestError(_l("Proof cannot be sent for this request now."))
    stored = _store_photos(files)
    verification = Verification(
        request_id=req.id,
        created_at=utcnow(),
        bibles_given=values["bibles_given"],
        explanation=(values.get("explanation") or "").strip(),
        given_from=values["given_from"],
        given_until=values["given_until"],
        note=(values.get("note") or "").strip(),
        photo_count=len(stored),
    )
    db.session.add(verification)
    db.session.flush()
    for _upload, image in stored:
        (name,) = image.files.values()
        db.session.add(
            VerificationPhoto(
                verification_id=verification.id,
                request_id=req.id,
                file_name=name,
                content_type=image.content_type,
                width=image.width,
                height=image.height,
            )
        )
    db.session.flush()
    try:
        workflow.transition(req, RequestState.VERIFICATION_SUBMITTED, leader)
    except Exception:
        remove_stored([s for _, s in stored])
        raise
    return verification


def stored_names(verification: Verification) -> list[str]:
    return [photo.file_name for photo in verification.photos]


def suspend_leader(leader: User, actor: User, note: str) -> None:
    """A reviewer suspends a leader whose proof is overdue (they can no longer ask for Bibles).

    Goes through the leaders' own workflow, which records the event, audits and emails.
    """
    profile = leader.leader_profile
    if profile is None or not LEADER_WORKFLOW.allowed(profile.status, LeaderStatus.SUSPENDED):
        raise RequestError(_l("This leader cannot be suspended."))
    if not note.strip():
        raise RequestError(_l("Please write why the leader is suspended."))
    try:
        leaders.transition(
            profile,
            LeaderStatus.SUSPENDED,
            actor,
            note.strip(),
            internal_note=N_("Suspended from a Bible request: proof of distribution is overdue."),
        )
    except leaders.NotAllowed:
        raise RequestError(_l("This leader cannot be suspended.")) from None
