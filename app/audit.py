"""The audit trail: one append-only row per staff action and security event.

Services call `record()` in the same transaction as the change it describes. Nothing in the
app edits or deletes these rows, and on PostgreSQL a trigger refuses UPDATE and DELETE (see the
staff migration); the audit log page in the staff area only reads them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db
from app.security import ip_hash

logger = logging.getLogger("app.audit")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The actor's email at the time, kept even if the account is later removed.
    actor_label: Mapped[str] = mapped_column(String(254), default="", nullable=False)
    action: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    object_type: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    object_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    ip_hash: Mapped[str] = mapped_column(String(64), default="", nullable=False)

    actor = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.object_type}:{self.object_id}>"


def record(
    action: str,
    obj: Any = None,
    *,
    actor: Any = None,
    note: str = "",
    **data: Any,
) -> AuditEvent:
    """Add an audit row for `action` on `obj`; the caller's transaction commits it."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        note=note or "",
        data=data,
        ip_hash=ip_hash("audit") if has_request_context() else "",
    )
    db.session.add(event)
    logger.info(
        "audit action=%s actor_id=%s object=%s:%s",
        action,
        event.actor_id,
        event.object_type or "-",
        event.object_id if event.object_id is not None else "-",
    )
    return event
