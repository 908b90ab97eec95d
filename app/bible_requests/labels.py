"""How states are named on pages and in emails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.bible_requests.models import (
    DefectorRequestState,
    RequestState,
    StockKind,
    VerificationOutcome,
)

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


# What a line of the stock ledger records.
STOCK_KIND_LABELS = {
    StockKind.RECEIVED: _l("Bibles arrived"),
    StockKind.ADJUSTMENT: _l("Count corrected"),
    StockKind.RESERVED: _l("Reserved for a request"),
    StockKind.RELEASED: _l("Reservation released"),
    StockKind.DEDUCTED: _l("Sent out"),
}

# What became of a leader's proof of distribution.
OUTCOME_LABELS = {
    VerificationOutcome.PENDING: _l("Waiting for review"),
    VerificationOutcome.ACCEPTED: _l("Accepted"),
    VerificationOutcome.RETURNED: _l("Returned"),
}

DEFECTOR_STATE_LABELS = {
    DefectorRequestState.NEW: _l("New"),
    DefectorRequestState.SHIPPED: _l("Shipped"),
    DefectorRequestState.CLOSED: _l("Closed"),
}


def stock_kind_label(kind) -> str:
    return str(STOCK_KIND_LABELS[StockKind(kind)])


def outcome_label(outcome) -> str:
    return str(OUTCOME_LABELS[VerificationOutcome(outcome)])


def defector_state_label(state) -> str:
    return str(DEFECTOR_STATE_LABELS[DefectorRequestState(state)])


def state_label(state) -> str:
    return str(STATE_LABELS[RequestState(state)])


def state_tone(state) -> str:
    return STATE_TONES[RequestState(state)]


def action_label(state) -> str:
    return str(ACTION_LABELS[RequestState(state)])


def event_label(state) -> str:
    return str(EVENT_LABELS[RequestState(state)])
