"""Reading the audit trail: filters for the audit log, recent activity for the dashboard, and
turning rows into something a person can read (action names, object titles and links).

Features may name their actions (`register_action_labels`) and say how to show the objects
their rows point at (`register_object_links`). Nothing here writes to the trail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from sqlalchemy import Select, or_, select

from app.accounts.models import User
from app.audit import AuditEvent
from app.extensions import db
from app.security import Role, has_role
from app.staff.dashboard import activity_prefixes_for

# action -> what a person reads; unknown actions are shown as they are stored.
ACTION_LABELS: dict[str, Any] = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.logout": _l("Signed out"),
    "auth.totp_enrolled": _l("Enrolled two-factor"),
    "auth.totp_failed": _l("Two-factor code refused"),
    "auth.totp_disabled": _l("Turned two-factor off"),
    "auth.recovery_code_used": _l("Signed in with a recovery code"),
    "auth.recovery_codes_regenerated": _l("Made new recovery codes"),
    "auth.password_changed": _l("Changed the password"),
    "auth.password_check_failed": _l("Wrong current password"),
    "auth.password_rehashed": _l("Password hash upgraded"),
    "auth.password_reset_requested": _l("Asked for a password reset"),
    "auth.email_change_requested": _l("Asked to change the email address"),
    "auth.email_changed": _l("Changed the email address"),
    "auth.other_sessions_ended": _l("Signed out everywhere else"),
    "account.settings_changed": _l("Changed their settings"),
    "users.create": _l("Account created"),
    "users.invite": _l("Invited to the staff"),
    "users.invite_resent": _l("Invitation sent again"),
    "users.invite_accepted": _l("Accepted the invitation"),
    "users.roles_changed": _l("Changed roles"),
    "users.disable": _l("Disabled an account"),
    "users.enable": _l("Enabled an account"),
    "users.two_factor_reset": _l("Reset two-factor"),
    "settings.change": _l("Changed a setting"),
    "audit.export": _l("Downloaded the audit log"),
}

# object type -> what a person calls it ("Bible request #6"); unknown types as stored.
OBJECT_TYPE_LABELS: dict[str, Any] = {"User": _l("Account")}

# object type -> (resolver(ids) -> {id: (label, url or None)}, roles allowed to follow the url)
Resolver = Callable[[list[int]], dict[int, tuple[str, str | None]]]
_object_links: dict[str, tuple[Resolver, tuple[Role, ...]]] = {}


def register_action_labels(labels: dict[str, Any]) -> None:
    ACTION_LABELS.update(labels)


def register_object_type_labels(labels: dict[str, Any]) -> None:
    OBJECT_TYPE_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(object_type, object_type))


def register_object_links(object_type: str, resolver: Resolver, *roles: Role | str) -> None:
    """How to name (and link) objects of `object_type`; links show only to `roles`."""
    _object_links[object_type] = (resolver, tuple(Role(r) for r in roles))


def _user_links(ids: list[int]) -> dict[int, tuple[str, str | None]]:
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {u.id: (u.display_name, None) for u in users}


# Accounts are named (People pages may register a resolver with links in its place).
register_object_links("User", _user_links, Role.ADMIN)


@dataclass
class EventView:
    event: AuditEvent
    action_label: str
    object_label: str = ""
    object_url: str | None = None
    details: list[tuple[str, str]] = field(default_factory=list)


def _short(value: Any, limit: int = 120) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(events: Iterable[AuditEvent], user) -> list[EventView]:
    """Readable rows: each object's current title (one query per object type) and link."""
    events = list(events)
    wanted: dict[str, list[int]] = defaultdict(list)
    for event in events:
        if event.object_type in _object_links and event.object_id is not None:
            wanted[event.object_type].append(event.object_id)
    resolved: dict[str, dict[int, tuple[str, str | None]]] = {}
    for object_type, ids in wanted.items():
        resolver, roles = _object_links[object_type]
        found = resolver(sorted(set(ids)))
        if not has_role(user, *roles):
            found = {k: (label, None) for k, (label, _url) in found.items()}
        resolved[object_type] = found
    views = []
    for event in events:
        label, url = resolved.get(event.object_type, {}).get(event.object_id or 0, ("", None))
        if not label and event.object_type:
            kind = object_type_label(event.object_type)
            label = f"{kind} #{event.object_id}" if event.object_id else kind
        details = [(key, _short(value)) for key, value in sorted((event.data or {}).items())]
        views.append(
            EventView(
                event=event,
                action_label=action_label(event.action),
                object_label=label,
                object_url=url,
                details=details,
            )
        )
    return views


# Sign-ins and the like stay in the audit log; the dashboard shows the work being done.
NOT_ACTIVITY = ("auth.",)


def recent_activity(user, limit: int = 10) -> list[EventView]:
    """The latest audit rows `user` may see on the dashboard (not sign-ins)."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    for prefix in NOT_ACTIVITY:
        query = query.where(~AuditEvent.action.startswith(prefix, autoescape=True))
    prefixes = activity_prefixes_for(user)
    if prefixes is not None:
        allowed = [AuditEvent.action.startswith(p, autoescape=True) for p in prefixes]
        query = query.where(or_(AuditEvent.actor_id == user.id, *allowed))
    return describe(db.session.scalars(query.limit(limit)), user)


# --- the audit log's filters --------------------------------------------------------------------


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (for pagination and export links)."""
        values = {
            "action": self.action,
            "actor": self.actor,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}


def _start_of(day: date) -> datetime:
    """Midnight of `day` in the display time zone, as naive UTC."""
    return to_utc(datetime.combine(day, time.min))


def audit_query(filters: AuditFilters) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        query = query.where(
            AuditEvent.actor_label.ilike(f"%{escape_like(filters.actor)}%", escape="\\")
        )
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.date_from:
        query = query.where(AuditEvent.created_at >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.created_at < _start_of(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def known_actions() -> list[str]:
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))


def known_object_types() -> list[str]:
    query = (
        select(AuditEvent.object_type)
        .distinct()
        .where(AuditEvent.object_type != "")
        .order_by(AuditEvent.object_type)
    )
    return list(db.session.scalars(query))
