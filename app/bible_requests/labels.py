"""How states are named on pages and in emails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.bible_requests.models import RequestState

S = RequestState

STATE_LABELS = {
    S.SUBMITTED: _l("Waiting for review"),
    S.CHANGES_REQUESTED: _l("Changes requested"),
    S.APPROVED: _l("Approved"),
    S.DECLINED: _l("Declined"),
    S.SHIPPED: _l("Shipped"),
    S.RECEIVED: _l("Received: proof due"),
    S.VERIFICATION_SUBMITTED: _l("Proof sent"),
    S.VERIFIED: _l("Verified"),
    S.VERIFICATION_RETURNED: _l("Proof returned"),
    S.CANCELLED: _l("Cancelled"),
}

# What each step of the history says happened.
EVENT_LABELS = {
    S.SUBMITTED: _l("Sent"),
    S.CHANGES_REQUESTED: _l("Changes requested"),
    S.APPROVED: _l("Approved"),
    S.DECLINED: _l("Declined"),
    S.SHIPPED: _l("Shipped"),
    S.RECEIVED: _l("Received"),
    S.VERIFICATION_SUBMITTED: _l("Proof sent"),
    S.VERIFIED: _l("Verified"),
    S.VERIFICATION_RETURNED: _l("Proof returned"),
    S.CANCELLED: _l("Cancelled"),
}

# Reviewers' verbs for the action buttons.
ACTION_LABELS = {
    S.CHANGES_REQUESTED: _l("Ask for changes"),
    S.APPROVED: _l("Approve"),
    S.DECLINED: _l("Decline"),
    S.SHIPPED: _l("Mark shipped"),
    S.RECEIVED: _l("Mark received"),
    S.VERIFIED: _l("Verify"),
    S.VERIFICATION_RETURNED: _l("Return the proof"),
    S.CANCELLED: _l("Cancel the request"),
}

# A CSS modifier per state (badge colours).
STATE_TONES = {
    S.SUBMITTED: "info",
    S.CHANGES_REQUESTED: "warn",
    S.APPROVED: "info",
    S.DECLINED: "muted",
    S.SHIPPED: "info",
    S.RECEIVED: "warn",
    S.VERIFICATION_SUBMITTED: "info",
    S.VERIFIED: "ok",
    S.VERIFICATION_RETURNED: "warn",
    S.CANCELLED: "muted",
}


def state_label(state) -> str:
    return str(STATE_LABELS[RequestState(state)])


def state_tone(state) -> str:
    return STATE_TONES[RequestState(state)]


def action_label(state) -> str:
    return str(ACTION_LABELS[RequestState(state)])


def event_label(state) -> str:
    return str(EVENT_LABELS[RequestState(state)])
