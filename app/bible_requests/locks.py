"""Locks that make concurrent steps wait their turn (two reviewers, two browser tabs).

PostgreSQL locks rows with SELECT ... FOR UPDATE and stock with an advisory lock. SQLite
(development) ignores FOR UPDATE and only starts a transaction at the first write, so there
a write statement that changes nothing takes the database's write lock before anything is
read.
"""

from __future__ import annotations

from sqlalchemy import Table, delete, false, text

from app.extensions import db

STOCK_LOCK_KEY = 0x4E4B4249424C45  # "NKBIBLE"


def dialect() -> str:
    return db.session.get_bind().dialect.name


def sqlite_write_lock(table: Table) -> None:
    if dialect() == "sqlite":
        db.session.execute(delete(table).where(false()))


def stock_lock(table: Table) -> None:
    """Held until the transaction ends: one stock change at a time."""
    if dialect() == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STOCK_LOCK_KEY})
    else:
        sqlite_write_lock(table)
