"""Who hears about each step, through the outbox, in their own language.

The leader hears about what reviewers decide; reviewers hear about what leaders do. Emails
never carry a defector's personal details.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User, UserRole
from app.bible_requests.models import BibleRequest, DeclineTemplate, RequestState
from app.extensions import db
from app.mail.services import queue_email
from app.security import Role
from app.settings import get_setting, localized_setting
from app.urls import external_url

S = RequestState

# Steps the leader is told about (template mail/bible_request/<state>.txt).
LEADER_STEPS = frozenset(
    {
        S.CHANGES_REQUESTED,
        S.APPROVED,
        S.DECLINED,
        S.SHIPPED,
        S.RECEIVED,
        S.VERIFIED,
        S.VERIFICATION_RETURNED,
    }
)
# Steps reviewers are told about.
REVIEWER_STEPS = frozenset({S.SUBMITTED, S.VERIFICATION_SUBMITTED})


def reviewers() -> list[User]:
    """Active users holding the reviewer role; admins when there are none."""
    for role in (Role.REVIEWER, Role.ADMIN):
        users = db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role.value, User.disabled_at.is_(None))
            .order_by(User.id)
        ).all()
        if users:
            return list(users)
    return []


def one_line(text: str) -> str:
    """A value safe in an email header (names and organizations typed by people)."""
    return " ".join((text or "").split())


def _subject(step: str, req: BibleRequest | None, **values: Any) -> str:
    n = req.id if req is not None else 0
    subjects = {
        "submitted": lambda: _("New Bible request #%(id)d from %(org)s", id=n, org=values["org"]),
        "resubmitted": lambda: _("Bible request #%(id)d was updated", id=n),
        "changes_requested": lambda: _("Your Bible request #%(id)d: changes requested", id=n),
        "approved": lambda: _("Your Bible request #%(id)d is approved", id=n),
        "declined": lambda: _("About your Bible request #%(id)d", id=n),
        "shipped": lambda: _("Your NK Bibles are on their way (request #%(id)d)", id=n),
        "received": lambda: _("Request #%(id)d: please send your proof of distribution", id=n),
        "verification_submitted": lambda: _("Proof to check for Bible request #%(id)d", id=n),
        "verified": lambda: _("Thank you: request #%(id)d is verified", id=n),
        "verification_returned": lambda: _("Request #%(id)d: please send your proof again", id=n),
        "cancelled_by_staff": lambda: _("Your Bible request #%(id)d was cancelled", id=n),
        "cancelled_by_leader": lambda: _("Bible request #%(id)d was cancelled by the leader", id=n),
        "reminder_before": lambda: _("Reminder: proof for request #%(id)d is due soon", id=n),
        "reminder_due": lambda: _("Proof for request #%(id)d is due today", id=n),
        "reminder_after": lambda: _("Proof for request #%(id)d is overdue", id=n),
        "defector_new": lambda: _("A defector's own Bible request is waiting"),
    }
    return subjects[step]()


def _context(req: BibleRequest, note: str) -> dict[str, Any]:
    template = (
        db.session.get(DeclineTemplate, req.decline_template_id)
        if req.decline_template_id
        else None
    )
    return {
        "suggest_purchase": template.suggest_purchase if template else True,
        "req": req,
        "note": note,
        "leader_name": req.leader.display_name,
        "request_url": external_url("requests.detail", request_id=req.id),
        "cards_url": external_url("requests.cards", request_id=req.id),
        "verification_url": external_url("requests.verification", request_id=req.id),
        "staff_url": external_url("staff.requests.detail", request_id=req.id),
        "purchase_url": get_setting("purchase_url"),
        # Both languages: the template shows the recipient's (it renders in their locale).
        "contact_details": get_setting("contact_details"),
        "contact_details_ko": localized_setting("contact_details", "ko"),
    }


def email_leader(
    req: BibleRequest, step: str, note: str = "", dedupe_key: str | None = None
) -> None:
    leader = req.leader
    locale = leader.locale or "en"
    with force_locale(locale):
        subject = _subject(step, req)
    queue_email(
        leader.email,
        f"bible_request/{step}",
        subject=subject,
        locale=locale,
        to_name=one_line(leader.display_name),
        context=_context(req, note),
        dedupe_key=dedupe_key,
    )


def email_reviewers(step: str, req: BibleRequest | None, context: dict[str, Any]) -> int:
    people = reviewers()
    for person in people:
        locale = person.locale or "en"
        with force_locale(locale):
            subject = _subject(step, req, org=one_line(req.organization) if req else "")
        queue_email(
            person.email,
            f"bible_request/{step}",
            subject=subject,
            locale=locale,
            to_name=one_line(person.display_name),
            context=context,
        )
    return len(people)


def transition_email(
    req: BibleRequest, previous: RequestState | None, to: RequestState, actor, note: str
) -> None:
    """Queue the email for one step: to the leader or to the reviewers."""
    if to == S.CANCELLED:
        by_leader = actor is not None and actor.id == req.leader_id
        if by_leader:
            email_reviewers("cancelled_by_leader", req, _context(req, note))
        else:
            email_leader(req, "cancelled_by_staff", note)
    elif to in LEADER_STEPS:
        email_leader(req, to.value, note)
    elif to in REVIEWER_STEPS:
        step = "resubmitted" if previous == S.CHANGES_REQUESTED else to.value
        email_reviewers(step, req, _context(req, note))
