"""The declarative base shared by every model, and time helpers.

Times are stored as naive UTC everywhere (SQLite keeps no time zone), produced by `utcnow()`
at insert time, never evaluated once at import.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so Alembic can alter them (and SQLite batch mode can find them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time as naive UTC, the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


def configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, wait for locks instead of failing, allow concurrent reads."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def end_session(_error: BaseException | None = None) -> None:
    """Teardown: end the request's session even when the database went away meanwhile.

    Closing the session rolls back on its connection; if PostgreSQL restarted under a
    request, that rollback fails, and the error would escape Flask's error handling as a raw
    500 after the answer (even a committed write's answer) was ready. The connection is
    invalidated by SQLAlchemy either way; the next checkout gets a fresh one (pool_pre_ping).
    """
    from sqlalchemy.exc import DBAPIError

    from app.extensions import db

    try:
        db.session.remove()
    except DBAPIError:
        db.session.registry.clear()
