"""NK Bible stock: a ledger of movements, from which on-hand, reserved and available follow.

Approval reserves, shipping deducts (using up the reservation), cancelling an approved request
releases it. Approval is refused when fewer Bibles are available than it needs. Every change
takes a lock for the rest of its transaction first (see `lock`), so two reviewers can never
both take the last Bibles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import record
from app.bible_requests.errors import StockError
from app.bible_requests.locks import stock_lock
from app.bible_requests.models import StockKind, StockMovement
from app.database import utcnow
from app.extensions import db
from app.settings import get_setting

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.bible_requests.models import BibleRequest, DefectorRequest


@dataclass(frozen=True)
class StockLevels:
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def low(self) -> bool:
        return self.available < int(get_setting("low_stock_threshold"))


def levels() -> StockLevels:
    on_hand, reserved = db.session.execute(
        select(
            func.coalesce(func.sum(StockMovement.on_hand_change), 0),
            func.coalesce(func.sum(StockMovement.reserved_change), 0),
        )
    ).one()
    return StockLevels(int(on_hand), int(reserved))


def lock() -> None:
    """Hold the stock lock for the rest of the transaction, before reading the levels."""
    stock_lock(StockMovement.__table__)


def _move(kind: StockKind, actor: User | None, note: str = "", **fields) -> StockMovement:
    movement = StockMovement(
        kind=kind, created_at=utcnow(), actor_id=getattr(actor, "id", None), note=note, **fields
    )
    db.session.add(movement)
    db.session.flush()
    return movement


def record_received(quantity: int, actor: User, note: str = "") -> StockMovement:
    """Bibles that arrived at the ministry."""
    if quantity < 1:
        raise StockError(_l("Enter how many Bibles arrived (1 or more)."))
    lock()
    movement = _move(StockKind.RECEIVED, actor, note, on_hand_change=quantity)
    record("bible_stock.received", movement, actor=actor, note=note, quantity=quantity)
    return movement


def record_adjustment(change: int, actor: User, note: str) -> StockMovement:
    """A correction after counting (damaged, miscounted); never below zero on hand."""
    if change == 0:
        raise StockError(_l("An adjustment must add or remove at least one Bible."))
    if not note.strip():
        raise StockError(_l("Please write why the count changes."))
    lock()
    if levels().on_hand + change < 0:
        raise StockError(_l("That would leave fewer than zero Bibles on hand."))
    movement = _move(StockKind.ADJUSTMENT, actor, note, on_hand_change=change)
    record("bible_stock.adjustment", movement, actor=actor, note=note, change=change)
    return movement


def reserved_for(req: BibleRequest) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(StockMovement.reserved_change), 0)).where(
                StockMovement.request_id == req.id
            )
        )
    )


def reserve(req: BibleRequest, quantity: int, actor: User | None) -> StockMovement:
    """Hold `quantity` Bibles for an approved request, or refuse when too few are available."""
    lock()
    available = levels().available
    if available < quantity:
        raise StockError(
            _l(
                "Only %(available)s Bibles are available (not reserved for other requests); "
                "approve fewer or record the stock that arrived first.",
                available=format_number(max(available, 0)),
            )
        )
    return _move(StockKind.RESERVED, actor, request_id=req.id, reserved_change=quantity)


def release(req: BibleRequest, actor: User | None) -> StockMovement | None:
    """Give back what an approved request held (it was cancelled before shipping)."""
    lock()
    held = reserved_for(req)
    if held <= 0:
        return None
    return _move(StockKind.RELEASED, actor, request_id=req.id, reserved_change=-held)


def deduct_for_request(req: BibleRequest, actor: User | None) -> StockMovement:
    """The approved Bibles leave the store; their reservation is used up."""
    lock()
    quantity = req.quantity_approved or req.quantity_requested
    held = reserved_for(req)
    return _move(
        StockKind.DEDUCTED,
        actor,
        request_id=req.id,
        on_hand_change=-quantity,
        reserved_change=-held,
    )


def deduct_for_defector(dreq: DefectorRequest, actor: User | None) -> StockMovement:
    """One Bible posted to a defector; refused when none is available."""
    lock()
    if levels().available < 1:
        raise StockError(_l("No Bible is available: record the stock that arrived first."))
    return _move(StockKind.DEDUCTED, actor, defector_request_id=dreq.id, on_hand_change=-1)


def recent_movements(limit: int = 50) -> list[StockMovement]:
    return list(
        db.session.scalars(
            select(StockMovement)
            .order_by(StockMovement.created_at.desc(), StockMovement.id.desc())
            .limit(limit)
        )
    )
