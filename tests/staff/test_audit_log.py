"""The audit log: readable, filterable, paginated, downloadable, and append-only."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.audit import AuditEvent, record
from app.extensions import db
from app.security import Role
from tests.conftest import ON_POSTGRES
from tests.factories import make_story
from tests.helpers import soup
from tests.staff.factories import audit_rows, make_staff, sign_in

URL = "/staff/audit/"


def rows(client, query: str = "") -> list[str]:
    page = soup(client.get(URL + query))
    return [" ".join(tr.get_text(" ").split()) for tr in page.select(".audit-table tbody tr")]


@pytest.fixture
def history():
    """A small history: a failed sign-in, an edit, a publication, a settings change."""
    editor = make_staff(Role.EDITOR, email="editor@vom.example")
    admin = make_staff(Role.ADMIN, email="boss@vom.example")
    story = make_story(title_en="Bibles for Hanawon")
    other = make_story(title_en="Another story")
    with time_machine.travel(datetime(2026, 3, 1, 3, 0), tick=False):  # noon in Seoul
        record("auth.login_failed", None, email_known=False)
    with time_machine.travel(datetime(2026, 3, 2, 3, 0), tick=False):
        record("content.update", story, actor=editor, note=story.title_en, fields=["title_en"])
    with time_machine.travel(datetime(2026, 3, 3, 3, 0), tick=False):
        record("content.publish", other, actor=editor, note=other.title_en)
    with time_machine.travel(datetime(2026, 3, 4, 3, 0), tick=False):
        record(
            "settings.change",
            actor=admin,
            note="Ministry name",
            key="ministry_name",
            old="VOM Korea",
            new="VOM Korea (Seoul)",
        )
    db.session.commit()
    return {"editor": editor, "admin": admin, "story": story, "other": other}


def test_entries_read_as_who_did_what_when_newest_first(client, history):
    sign_in(client, Role.ADMIN)
    page = soup(client.get(URL))
    assert "4 entries" in page.select_one(".result-count").get_text()
    lines = rows(client)
    assert len(lines) == 4
    assert lines[0].startswith("March 04, 2026 at 12:00 pm boss@vom.example")
    assert (
        "Changed a setting" in lines[0]
        and "key ministry_name" in lines[0]
        and "new VOM Korea (Seoul)" in lines[0]
    )
    assert "Published" in lines[1] and "Another story" in lines[1] and "Story #" in lines[1]
    assert "Sign-in failed" in lines[3] and "no account" in lines[3]
    link = page.select(".audit-table tbody tr")[2].find("a", string="Bibles for Hanawon")
    assert link["href"] == f"/staff/content/stories/{history['story'].id}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?action=content.publish", ["Another story"]),
        ("?actor=EDITOR@vom", ["Another story", "Bibles for Hanawon"]),
        ("?object_type=Story", ["Another story", "Bibles for Hanawon"]),
        ("?date_from=2026-03-02&date_to=2026-03-03", ["Another story", "Bibles for Hanawon"]),
        ("?date_from=2026-03-04", ["Ministry name"]),
        ("?date_to=2026-03-01", ["Sign-in failed"]),
        ("?actor=editor&action=content.update", ["Bibles for Hanawon"]),
        ("?actor=%25", []),
    ],
)
def test_filters(client, history, query, expected):
    sign_in(client, Role.ADMIN)
    lines = rows(client, query)
    assert len(lines) == len(expected)
    for line, word in zip(lines, expected, strict=True):
        assert word in line


def test_filter_by_object_number(client, history):
    sign_in(client, Role.ADMIN)
    lines = rows(client, f"?object_type=Story&object_id={history['story'].id}")
    assert len(lines) == 1 and "Bibles for Hanawon" in lines[0]
    page = soup(client.get(URL))
    assert {o["value"] for o in page.select("#action option")} == {
        "",
        "auth.login_failed",
        "content.publish",
        "content.update",
        "settings.change",
    }
    assert {o["value"] for o in page.select("#object_type option")} == {"", "Story"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=yesterday", "Not a valid date value."),
        ("?object_id=abc", "Not a valid integer value."),
        ("?date_from=2026-03-05&date_to=2026-03-01", "The end is before the start."),
    ],
)
def test_bad_filters_are_explained_not_fatal(client, history, query, message):
    sign_in(client, Role.ADMIN)
    response = client.get(URL + query)
    assert response.status_code == 200
    assert message in soup(response).select_one(".error-summary").get_text()


def test_pages_of_fifty_keep_the_filters(client):
    admin = sign_in(client, Role.ADMIN)
    for n in range(60):
        record("content.update", None, actor=admin, note=f"edit {n}")
    record("settings.change", actor=admin, note="not an edit")
    db.session.commit()
    page = soup(client.get(URL + "?action=content.update"))
    assert len(page.select(".audit-table tbody tr")) == 50
    older = page.find("a", rel="next")["href"]
    assert "action=content.update" in older and "page=2" in older
    second = soup(client.get(older))
    assert len(second.select(".audit-table tbody tr")) == 10
    assert "edit 0" in second.get_text() and "not an edit" not in second.get_text()


def test_the_csv_download_is_safe_for_spreadsheets_and_is_itself_audited(client, history):
    admin = sign_in(client, Role.ADMIN)
    record("content.update", None, actor=admin, note='=HYPERLINK("http://evil")')
    db.session.commit()
    response = client.get("/staff/audit/export.csv?actor=boss")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == [
        "id",
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "note",
        "data",
    ]
    notes = [row[6] for row in table[1:]]
    assert notes == ["Ministry name"]  # only the filtered rows
    everything = list(
        csv.reader(io.StringIO(client.get("/staff/audit/export.csv").get_data(as_text=True)))
    )
    assert '\'=HYPERLINK("http://evil")' in [row[6] for row in everything]
    exports = audit_rows("audit.export")
    assert len(exports) == 2 and exports[0].actor_id == admin.id
    assert exports[0].data == {"rows": 1, "filters": {"actor": "boss"}}


def test_every_staff_action_so_far_shows_up(client):
    """Settings changed through the page appear in the log the admin reads next."""
    sign_in(client, Role.ADMIN)
    from tests.staff.test_settings import settings_form

    client.post("/staff/settings/", data=settings_form(client, request_cap="25"))
    lines = rows(client, "?action=settings.change")
    assert len(lines) == 1 and "old 50" in lines[0] and "new 25" in lines[0]


if ON_POSTGRES:

    @pytest.mark.postgres_only
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_events SET note = 'rewritten'",
            "UPDATE audit_events SET actor_label = 'someone else'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ],
    )
    def test_the_database_refuses_to_change_or_delete_audit_entries(statement):
        user = make_staff(Role.EDITOR)
        record("content.update", None, actor=user, note="original")
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert [(e.note, e.actor_label) for e in audit_rows()] == [("original", user.email)]

    @pytest.mark.postgres_only
    def test_deleting_an_account_keeps_its_audit_entries(app):
        user = make_staff(Role.EDITOR, email="gone@vom.example")
        record("content.update", None, actor=user, note="kept")
        db.session.commit()
        db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
        db.session.commit()
        db.session.expire_all()
        (event,) = db.session.query(AuditEvent).all()
        assert (event.actor_id, event.actor_label, event.note) == (None, "gone@vom.example", "kept")

    @pytest.mark.postgres_only
    def test_maintenance_must_be_declared_to_empty_the_table():
        record("content.update", None, note="old")
        db.session.commit()
        db.session.execute(text("SET LOCAL nkn.audit_maintenance = 'on'"))
        db.session.execute(text("DELETE FROM audit_events"))
        db.session.commit()
        assert audit_rows() == []
