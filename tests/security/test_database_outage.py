"""A request whose database connection died under it still gets its answer: ending the
session (a rollback on the dead connection) must not turn it into a raw 500. The load and
fault test (bench/loadtest.py) found this with a real PostgreSQL restart."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from app.database import end_session
from app.extensions import db


class DeadConnection(Exception):
    pass


def test_ending_a_session_on_a_dead_connection_does_not_raise(app, monkeypatch):
    session = db.session()

    def rollback_fails():
        raise OperationalError("ROLLBACK", {}, DeadConnection("server closed the connection"))

    monkeypatch.setattr(session, "close", rollback_fails)
    end_session(None)  # would raise without the guard
    assert db.session() is not session  # the broken session is dropped, a fresh one follows
    type(session).close(session)


def test_a_page_is_served_when_teardown_meets_a_dead_connection(app, client, monkeypatch):
    calls = []
    original = db.session.remove

    def remove_fails():
        """The first removal meets the dead connection; later ones find a fresh session."""
        calls.append(1)
        original()  # the connection is given back (SQLAlchemy invalidates a dead one) ...
        if len(calls) == 1:  # ... but the first removal still raises, as the rollback did
            raise OperationalError("ROLLBACK", {}, DeadConnection("server closed the connection"))

    monkeypatch.setattr(db.session, "remove", remove_fails)
    response = client.get("/about")
    assert response.status_code == 200
    assert calls, "the teardown ran"
