"""Staff: subscribers (list, add, remove, export), bounces and complaints, failed email."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.extensions import db
from app.mail.delivery import drain
from app.mail.models import OutboxMessage, OutboxStatus, SuppressedAddress, SuppressionReason
from app.mail.services import queue_email
from app.security import Role
from app.staff.dashboard import attention_for, panels_for
from app.subscriptions.models import ConsentAction, Subscriber, SubscriberStatus
from tests.conftest import free_port
from tests.email.factories import make_subscriber
from tests.factories import make_user
from tests.helpers import csrf_token, login, soup, submit, text_of


@pytest.fixture
def editor(client):
    user = make_user(Role.EDITOR, email="tim@vomkorea.example")
    login(client, user)
    return user


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_staff_list_and_search_subscribers_with_their_consent(client, editor):
    make_subscriber("wanita@example.org", name="Wanita", topics=("prayer", "stories"))
    make_subscriber("kent@example.org", name="Pastor Kent", language="ko")
    make_subscriber("pending@example.org", status=SubscriberStatus.PENDING)
    page = soup(client.get("/staff/subscribers/"))
    rows = page.select("tbody tr")
    assert len(rows) == 3
    assert "2 confirmed" in page.select_one(".lede").get_text()  # prayer updates

    found = soup(client.get("/staff/subscribers/?q=kent"))
    assert [r.select_one("td").get_text(strip=True) for r in found.select("tbody tr")] == [
        "kent@example.org"
    ]
    pending = soup(client.get("/staff/subscribers/?status=pending"))
    assert len(pending.select("tbody tr")) == 1
    stories = soup(client.get("/staff/subscribers/?topic=stories&language=en"))
    assert [r.select_one("td").get_text(strip=True) for r in stories.select("tbody tr")] == [
        "wanita@example.org"
    ]
    # LIKE wildcards typed into the search are searched for, not obeyed.
    assert soup(client.get("/staff/subscribers/?q=%25")).select("tbody tr") == []


def test_staff_add_someone_who_asked_in_a_comment_who_still_confirms(client, editor, mailbox):
    response = submit(
        client,
        "/staff/subscribers/add",
        {
            "email": "Wanita@example.org",
            "name": "Wanita",
            "language": "en",
            "topics": ["prayer"],
            "how": "comment",
            "note": "Asked on the NK Bibles story",
        },
    )
    assert response.status_code == 302
    subscriber = db.session.scalars(select(Subscriber)).one()
    assert subscriber.status == SubscriberStatus.PENDING
    (consent,) = subscriber.consents
    assert (consent.action, consent.source, consent.actor_id) == (
        ConsentAction.REQUESTED,
        "staff:comment",
        editor.id,
    )
    assert consent.note == "Asked on the NK Bibles story"
    assert consent.ip_hash == ""  # the staff member's address is not the subscriber's
    assert "subscribers.add" in audit_actions()
    drain()
    assert mailbox[0]["Subject"] == "Please confirm your subscription"

    detail = text_of(client.get(response.headers["Location"]))
    assert "Staff: asked in a comment" in detail and "tim@vomkorea.example" in detail


def test_staff_remove_erases_the_subscriber(client, editor):
    subscriber = make_subscriber("leave@example.org")
    url = f"/staff/subscribers/{subscriber.id}"
    asked = client.post(f"{url}/remove", data={"csrf_token": csrf_token(client, url)})
    assert "cannot be undone" in text_of(asked)  # a confirmation step first
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 1
    client.post(f"{url}/remove", data={"csrf_token": csrf_token(client, url), "confirm": "yes"})
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0
    assert "subscribers.remove" in audit_actions()
    assert client.get(url).status_code == 404


def test_export_csv_is_audited_and_safe_for_spreadsheets(client, editor):
    make_subscriber("a@example.org", name='=HYPERLINK("http://evil")')
    make_subscriber("b@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    response = client.post(
        "/staff/subscribers/export.csv",
        data={"csrf_token": csrf_token(client, "/staff/subscribers/"), "status": "confirmed"},
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["email"] for r in rows] == ["a@example.org"]
    assert rows[0]["name"].startswith("'=")
    assert rows[0]["topics"] == "prayer"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "subscribers.export")
    ).one()
    assert event.data["count"] == 1 and event.data["filters"]["status"] == "confirmed"
    assert event.actor_id == editor.id


def test_staff_mark_a_subscriber_as_bounced(client, editor):
    subscriber = make_subscriber("bad@example.org")
    queue_email(
        "bad@example.org",
        "subscription_manage",
        subject="x",
        context={"preferences_url": "http://x/y"},
    )
    db.session.commit()
    url = f"/staff/subscribers/{subscriber.id}"
    client.post(
        f"{url}/suppress", data={"csrf_token": csrf_token(client, url), "reason": "complaint"}
    )
    row = db.session.scalars(select(SuppressedAddress)).one()
    assert (row.email, row.reason) == ("bad@example.org", SuppressionReason.COMPLAINT)
    assert db.session.scalars(select(OutboxMessage.status)).all() == [OutboxStatus.CANCELLED]
    assert "suppressed" in text_of(client.get(url))
    assert "mail.suppress" in audit_actions()


def test_the_suppression_list_page_takes_a_pasted_report(client, editor):
    response = submit(
        client,
        "/staff/mail/suppressed",
        {
            "addresses": "one@example.org\ntwo@example.org, 550 user unknown\nnot-an-address\n",
            "reason": "hard_bounce",
        },
    )
    assert response.status_code == 302
    page = text_of(client.get("/staff/mail/suppressed"))
    assert "2 addresses added" in page and "not-an-address" in page
    assert sorted(db.session.scalars(select(SuppressedAddress.email))) == [
        "one@example.org",
        "two@example.org",
    ]


def test_flask_mail_suppress_reads_a_file_of_addresses(app, tmp_path, mailbox):
    make_subscriber("gone@example.org")
    queue_email(
        "gone@example.org",
        "subscription_manage",
        subject="x",
        context={"preferences_url": "http://x/y"},
    )
    db.session.commit()
    report = tmp_path / "bounces.csv"
    report.write_text("gone@example.org,5.1.1\n# comment\n\nGONE@example.org\nbroken line\n")
    result = app.test_cli_runner().invoke(
        args=["mail", "suppress", str(report), "--reason", "complaint"]
    )
    assert result.exit_code == 0, result.output
    assert "Suppressed 1 new addresses (1 already were, 1 skipped)" in result.output
    assert drain().claimed == 0
    assert mailbox == []


def test_admins_see_failed_email_and_can_retry(client, monkeypatch, app):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 1)
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    queue_email(
        "x@example.org",
        "subscription_manage",
        subject="Lost",
        context={"preferences_url": "http://x/y"},
    )
    db.session.commit()
    drain()
    monkeypatch.undo()
    login(client, admin)
    page = client.get("/staff/mail/failed")
    assert "Lost" in text_of(page) and "cannot connect" in text_of(page)
    with app.test_request_context():
        labels = [(a.label, a.count) for a in attention_for(admin)]
    assert ("Failed emails", 1) in labels
    message = db.session.scalars(select(OutboxMessage)).one()
    client.post(
        f"/staff/mail/failed/{message.id}/retry",
        data={"csrf_token": csrf_token(client, "/staff/mail/failed")},
    )
    db.session.refresh(message)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 0
    assert drain().sent == 1


def test_the_dashboard_gets_subscriber_counts_for_editors_only(app):
    make_subscriber(topics=("prayer", "stories"))
    make_subscriber(topics=("prayer",))
    editor, moderator = make_user(Role.EDITOR), make_user(Role.MODERATOR)
    with app.test_request_context():
        (panel,) = [p for p in panels_for(editor) if p.template == "staff/subscribers/_panel.html"]
        context = panel.context()
        assert [(str(label), count) for label, count in context["per_topic"]] == [
            ("Prayer updates", 2),
            ("New stories", 1),
        ]
        assert not [p for p in panels_for(moderator) if "subscribers" in p.template]
        assert "Failed emails" not in [a.label for a in attention_for(editor)]


def test_staff_are_told_what_adding_someone_did(client, editor):
    make_subscriber("already@example.org")
    data = {"name": "", "language": "en", "topics": ["prayer"], "how": "in-person"}
    first = submit(client, "/staff/subscribers/add", {**data, "email": "new@example.org"})
    assert "We emailed new@example.org a link" in text_of(client.get(first.headers["Location"]))
    again = submit(client, "/staff/subscribers/add", {**data, "email": "new@example.org"})
    assert "less than an hour ago" in text_of(client.get(again.headers["Location"]))
    known = submit(client, "/staff/subscribers/add", {**data, "email": "already@example.org"})
    assert "already subscribed" in text_of(client.get(known.headers["Location"]))
