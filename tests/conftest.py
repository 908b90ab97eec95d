"""Fixtures: one app and database per test session, emptied after every test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(`make test-postgres`, CI). The schema comes from the Alembic migrations, not create_all.
"""

from __future__ import annotations

import contextvars
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import cache, db, limiter
from app.site import pagecache

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"))


def pytest_sessionstart(session) -> None:
    """Korean pages need compiled catalogues: compile any that changed (`make translations`)."""
    from tests.i18n.catalog import compile_if_stale

    compile_if_stale()


class CatchingHandler:
    """An SMTP server's handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Controller]:
    """A real SMTP server on loopback (aiosmtpd); tests read `smtp_server.handler.messages`."""
    handler = CatchingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(scope="session")
def _session_paths(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("site")
    return {"instance": base / "instance", "uploads": base / "uploads", "mail": base / "mail"}


def _database_url(paths: dict[str, Path]) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    paths["instance"].mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{paths['instance'] / 'test.sqlite3'}"


def shared_backends() -> dict[str, str]:
    """TEST_CACHE_REDIS_URL=redis://127.0.0.1:6379/<db>: the page cache and the rate limits
    live in that Redis database (as in production) instead of in this process."""
    url = os.environ.get("TEST_CACHE_REDIS_URL")
    if not url:
        return {}
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "RATELIMIT_STORAGE_URI": url}


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context.

    Tests hold an app context open (for factories and queries). Flask would reuse it for a
    request, sharing `g` and the database session between test and request; running each
    request in a fresh contextvars context gives it its own, as in production.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(_session_paths, smtp_server) -> Iterator[Flask]:
    from app.config import database_url

    application = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url(_database_url(_session_paths)),
            "UPLOAD_FOLDER": str(_session_paths["uploads"]),
            "MAIL_FILE_DIR": str(_session_paths["mail"]),
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            **shared_backends(),
        },
    )
    with application.app_context():
        if ON_POSTGRES:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    application.test_client_class = IsolatedClient
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def empty_database() -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # The audit trail refuses DELETE unless a transaction declares maintenance.
            conn.execute(text("SET LOCAL nkn.audit_maintenance = 'on'"))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean(app, smtp_server, _session_paths) -> Iterator[None]:
    """Each test starts with empty tables, caches, rate limits, mail and uploads."""
    with app.app_context():
        yield
        db.session.remove()
        empty_database()
        cache.clear()
        pagecache.forget_recent()
        limiter.reset()
    smtp_server.handler.clear()
    for key in ("uploads", "mail"):
        shutil.rmtree(_session_paths[key], ignore_errors=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def mailbox(smtp_server) -> list[EmailMessage]:
    """Messages the loopback SMTP server received during this test."""
    return smtp_server.handler.messages


@pytest.fixture
def page_cache_off(app, monkeypatch) -> None:
    """Every request renders its page (tests that count a page's queries)."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)
