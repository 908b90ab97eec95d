"""Ministry leaders: sign-up, email confirmation and the verification workflow.

    unconfirmed ──confirm──▶ pending_review ──approve──▶ verified ──suspend──▶ suspended
                              │  ▲      │                   │  ▲                  │
                  request_info│  │resubmit  reject          │  └────reinstate────┘
                              ▼  │      ▼                   │
                        info_requested ─reject─▶ rejected   └─recertify─▶ pending_review
                                                  │
                                                  └─reopen─▶ pending_review

Every change goes through `transition()`, which refuses moves the table does not list (and
moves by the wrong person), records a `LeaderEvent` and an audit row, and emails the leader.
Verification lasts `leader_verification_days` (a site setting); then the leader recertifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from app.accounts import tokens
from app.accounts.mail import notify, rehearse
from app.accounts.models import LeaderEvent, LeaderProfile, LeaderStatus, User
from app.accounts.passwords import hash_password
from app.accounts.services import create_user, find_by_email
from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.security import Role, has_role
from app.settings import get_setting
from app.urls import external_url
from app.workflow import TransitionRefused, Workflow

S = LeaderStatus

LEADER_WORKFLOW: Workflow[LeaderStatus] = Workflow(
    "leader verification",
    {
        S.UNCONFIRMED: frozenset({S.PENDING_REVIEW}),
        S.PENDING_REVIEW: frozenset({S.VERIFIED, S.REJECTED, S.INFO_REQUESTED}),
        S.INFO_REQUESTED: frozenset({S.PENDING_REVIEW, S.REJECTED}),
        S.VERIFIED: frozenset({S.SUSPENDED, S.PENDING_REVIEW}),
        S.SUSPENDED: frozenset({S.VERIFIED}),
        S.REJECTED: frozenset({S.PENDING_REVIEW}),
    },
)


@dataclass(frozen=True)
class Move:
    name: str  # audit action "leaders.<name>", and the staff form's action
    by_leader: bool  # made by the leader themself; otherwise by a reviewer
    note_required: bool
    template: str  # mail/accounts/<template>
    subject: Any


MOVES: dict[tuple[LeaderStatus, LeaderStatus], Move] = {
    (S.UNCONFIRMED, S.PENDING_REVIEW): Move(
        "confirm", True, False, "leader_submitted", _l("We received your details")
    ),
    (S.INFO_REQUESTED, S.PENDING_REVIEW): Move(
        "resubmit", True, False, "leader_submitted", _l("We received your answer")
    ),
    (S.VERIFIED, S.PENDING_REVIEW): Move(
        "recertify", True, False, "leader_submitted", _l("We received your updated details")
    ),
    (S.PENDING_REVIEW, S.VERIFIED): Move(
        "approve", False, False, "leader_approved", _l("Your leader account is verified")
    ),
    (S.PENDING_REVIEW, S.REJECTED): Move(
        "reject", False, True, "leader_rejected", _l("About your leader account")
    ),
    (S.INFO_REQUESTED, S.REJECTED): Move(
        "reject", False, True, "leader_rejected", _l("About your leader account")
    ),
    (S.PENDING_REVIEW, S.INFO_REQUESTED): Move(
        "request_info", False, True, "leader_info_requested", _l("A question about your ministry")
    ),
    (S.VERIFIED, S.SUSPENDED): Move(
        "suspend", False, True, "leader_suspended", _l("Your leader account is suspended")
    ),
    (S.SUSPENDED, S.VERIFIED): Move(
        "reinstate", False, False, "leader_reinstated", _l("Your leader account is active again")
    ),
    (S.REJECTED, S.PENDING_REVIEW): Move(
        "reopen", False, False, "leader_reopened", _l("Your application is being reviewed again")
    ),
}
# The staff actions by name, for the review page's forms.
STAFF_ACTIONS: dict[str, LeaderStatus] = {
    move.name: to for (_from, to), move in MOVES.items() if not move.by_leader
}


class NotAllowed(Exception):
    """The actor may not make this move (a leader's move made by staff, or the reverse)."""


class NoteRequired(ValueError):
    """Reject, ask for information and suspend must tell the leader why."""


def move_for(profile: LeaderProfile, to: LeaderStatus) -> Move:
    LEADER_WORKFLOW.check(profile.status, to)
    return MOVES[(profile.status, to)]


def staff_actions_for(profile: LeaderProfile) -> list[tuple[str, LeaderStatus, Move]]:
    """The staff moves possible from the profile's state, in a stable order."""
    return [
        (move.name, to, move)
        for (source, to), move in MOVES.items()
        if source == profile.status and not move.by_leader
    ]


def transition(
    profile: LeaderProfile,
    to: LeaderStatus,
    actor: User | None,
    note: str = "",
    internal_note: str = "",
) -> LeaderEvent:
    """The one way a leader's state changes. Raises TransitionRefused, NotAllowed, NoteRequired."""
    move = move_for(profile, to)
    if move.by_leader:
        if actor is None or actor.id != profile.user_id:
            raise NotAllowed(move.name)
    elif actor is None or not has_role(actor, Role.REVIEWER) or actor.id == profile.user_id:
        raise NotAllowed(move.name)  # reviewers only, and never their own account
    note, internal_note = (note or "").strip(), (internal_note or "").strip()
    if move.note_required and not note:
        raise NoteRequired(move.name)

    now = utcnow()
    source = profile.status
    profile.status = to
    profile.status_note = note
    if to == S.PENDING_REVIEW:
        profile.submitted_at = now
    if not move.by_leader:
        profile.reviewed_by_id = actor.id
    if (source, to) == (S.PENDING_REVIEW, S.VERIFIED):
        days = int(get_setting("leader_verification_days"))
        profile.verified_at = now
        profile.verification_expires_at = now + timedelta(days=days)
        profile.recertify_reminded_at = None
        profile.expiry_notified_at = None

    event = LeaderEvent(
        profile=profile,
        created_at=now,
        actor_id=actor.id if actor else None,
        from_status=source,
        to_status=to,
        note=note,
        internal_note=internal_note,
    )
    db.session.add(event)
    record(
        f"leaders.{move.name}",
        profile,
        actor=actor,
        note=note,
        user_id=profile.user_id,
        from_status=source.value,
        to_status=to.value,
    )
    user = profile.user
    notify(
        user,
        move.template,
        move.subject,
        move=move.name,
        note=note,
        profile=profile,
        dashboard_url=external_url("accounts.dashboard"),
        profile_url=external_url("accounts.profile"),
    )
    db.session.flush()
    return event


def decide(
    profile: LeaderProfile, action: str, actor: User, note: str = "", internal_note: str = ""
) -> LeaderEvent:
    """A reviewer's decision by name (approve, reject, ...) from the profile's current state.

    The name matters, not only the target: "reopen" must not confirm an unconfirmed address.
    """
    for (source, to), move in MOVES.items():
        if source == profile.status and move.name == action and not move.by_leader:
            return transition(profile, to, actor, note, internal_note)
    raise TransitionRefused(LEADER_WORKFLOW.name, profile.status, STAFF_ACTIONS[action])


# --- sign-up and email confirmation ---------------------------------------------------------

PROFILE_FIELDS = (
    "organization",
    "organization_type",
    "organization_type_other",
    "position",
    "country",
    "city",
    "reference",
    "ministry_description",
    "nk_count",
    "ministry_since",
    "meeting_frequency",
)


def sign_up(
    *, email: str, password: str, name: str, locale: str, profile: dict[str, Any]
) -> User | None:
    """Create an unconfirmed leader and send the confirmation link.

    When the address already has an account, nothing is created: its owner gets an email
    saying so, the password is hashed anyway (same time), and the caller shows the same page.
    """
    existing = find_by_email(email)
    if existing is not None:
        hash_password(password)
        notify(
            existing,
            "signup_existing",
            _l("You already have an account"),
            login_url=external_url("accounts.login"),
            reset_url=external_url("accounts.reset_request"),
        )
        return None
    user = create_user(email, password, name=name, roles=(Role.LEADER,), locale=locale)
    now = utcnow()
    leader = LeaderProfile(
        user=user,
        status=S.UNCONFIRMED,
        stipulations_accepted_at=now,
        **{key: profile[key] for key in PROFILE_FIELDS if key in profile},
    )
    db.session.add(leader)
    db.session.add(
        LeaderEvent(profile=leader, created_at=now, actor_id=user.id, to_status=S.UNCONFIRMED)
    )
    db.session.flush()
    record("leaders.signup", leader, actor=user, user_id=user.id)
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    token = tokens.make(tokens.CONFIRM_EMAIL, user, e=user.email)
    notify(
        user,
        "confirm_email",
        _l("Please confirm your email address"),
        confirm_url=external_url("accounts.confirm_email", token=token),
        days=tokens.MAX_AGE[tokens.CONFIRM_EMAIL].days,
    )


def rehearse_confirmation(locale: str) -> None:
    rehearse("confirm_email", locale, user=None, confirm_url="", days=3)


def read_confirmation(token: str) -> User:
    user, payload = tokens.read(tokens.CONFIRM_EMAIL, token)
    if payload.get("e") != user.email:
        raise tokens.TokenInvalid()
    return user


def confirm_email(token: str) -> tuple[User, bool]:
    """Use a confirmation link; returns the user and whether this use confirmed anything."""
    user = read_confirmation(token)
    return user, email_proved(user)


def email_proved(user: User) -> bool:
    """A link we emailed to the account's address was followed (confirmation, password reset,
    new address): the address is theirs, and an unconfirmed leader goes on to review.
    Returns whether anything changed."""
    changed = user.email_confirmed_at is None
    if changed:
        user.email_confirmed_at = utcnow()
    profile = user.leader_profile
    if profile is not None and profile.status == S.UNCONFIRMED:
        transition(profile, S.PENDING_REVIEW, user)
        changed = True
    return changed


# --- the leader's own steps -----------------------------------------------------------------


def can_edit(profile: LeaderProfile | None) -> bool:
    return profile is None or profile.status in {
        S.UNCONFIRMED,
        S.PENDING_REVIEW,
        S.INFO_REQUESTED,
        S.VERIFIED,
    }


def update_profile(user: User, data: dict[str, Any], note: str = "") -> LeaderProfile:
    """Save the leader's details; what happens next depends on the state.

    Before review (unconfirmed, pending) the details are just saved. Answering a question
    (info_requested) and updating verified details (recertify) go back to review.
    A leader created from the command line without details gets a profile, pending review.
    """
    profile = user.leader_profile
    fields = {key: data[key] for key in PROFILE_FIELDS if key in data}
    if profile is None:
        profile = LeaderProfile(user=user, status=S.PENDING_REVIEW, submitted_at=utcnow(), **fields)
        profile.stipulations_accepted_at = utcnow()
        db.session.add(profile)
        db.session.add(LeaderEvent(profile=profile, actor_id=user.id, to_status=S.PENDING_REVIEW))
        db.session.flush()
        record("leaders.profile_created", profile, actor=user, user_id=user.id)
        return profile
    if not can_edit(profile):
        raise TransitionRefused(LEADER_WORKFLOW.name, profile.status, S.PENDING_REVIEW)
    changed = sorted(key for key, value in fields.items() if getattr(profile, key) != value)
    for key in changed:
        setattr(profile, key, fields[key])
    if changed:
        record("leaders.profile_updated", profile, actor=user, user_id=user.id, fields=changed)
    if profile.status in {S.INFO_REQUESTED, S.VERIFIED}:
        transition(profile, S.PENDING_REVIEW, user, note=note)
    db.session.flush()
    return profile
