"""Prayer updates: staff compose, preview, test, send now or later, pause; the archive."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.database import utcnow
from app.extensions import db
from app.mail.delivery import drain
from app.mail.models import MailCategory, OutboxMessage, OutboxStatus, SuppressionReason
from app.mail.services import suppress
from app.security import Role
from app.settings import set_setting
from app.subscriptions import sending
from app.subscriptions.models import PrayerUpdate, SubscriberStatus, UpdateStatus
from tests.email.factories import link_token, make_subscriber, make_update
from tests.factories import make_prayer, make_story, make_user
from tests.helpers import csrf_token, login, soup, submit, text_of


@pytest.fixture
def editor(client):
    user = make_user(Role.EDITOR, email="editor@vomkorea.example", name="Pastor Tim")
    login(client, user)
    return user


def test_an_editor_composes_previews_tests_and_sends_an_update(client, editor, mailbox):
    prayer = make_prayer(title_en="Pray for Mr. Y", title_ko="Y 씨를 위해 기도해 주세요")
    story = make_story(title_en="Bible distributions")
    wanita = make_subscriber("wanita@example.org", name="Wanita")
    hana = make_subscriber("hana@example.org", language="ko", topics=("prayer", "stories"))
    make_subscriber("stories@example.org", topics=("stories",))
    make_subscriber("pending@example.org", status=SubscriberStatus.PENDING)
    make_subscriber("left@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    make_subscriber("bounced@example.org")
    suppress("bounced@example.org", SuppressionReason.HARD_BOUNCE)
    db.session.commit()

    response = submit(
        client,
        "/staff/updates/new",
        {
            "subject_en": "Prayer update: April",
            "subject_ko": "4월 기도 소식",
            "intro_en": "Thank you for **praying**.",
            "intro_ko": "**기도**에 감사드립니다.",
            "topics": ["prayer"],
            "prayer_ids": [str(prayer.id)],
            "story_ids": [str(story.id)],
        },
    )
    assert response.status_code == 302
    update = db.session.scalars(select(PrayerUpdate)).one()
    show_url = f"/staff/updates/{update.id}"
    assert response.headers["Location"] == show_url
    page = text_of(client.get(show_url))
    assert "It will go to 2 confirmed subscribers." in page

    english = client.get(f"{show_url}/preview/en")
    assert english.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in english.headers["Content-Security-Policy"]
    assert "<strong>praying</strong>" in english.get_data(as_text=True)
    assert "Pray for Mr. Y" in english.get_data(as_text=True)
    korean = client.get(f"{show_url}/preview/ko?format=text").get_data(as_text=True)
    assert "4월 기도 소식" in korean and "Y 씨를 위해 기도해 주세요" in korean

    client.post(
        f"{show_url}/test", data={"csrf_token": csrf_token(client, show_url), "language": "ko"}
    )
    drain()
    assert [m["To"].addresses[0].addr_spec for m in mailbox] == ["editor@vomkorea.example"]
    assert mailbox[0]["Subject"] == "[테스트] 4월 기도 소식"  # a Korean test, all in Korean
    assert "Pastor Tim" in mailbox[0].get_body(("plain",)).get_content()
    mailbox.clear()

    response = client.post(f"{show_url}/send", data={"csrf_token": csrf_token(client, show_url)})
    assert response.status_code == 302
    db.session.expire_all()
    assert update.status == UpdateStatus.SENDING and update.recipient_count == 2
    assert drain().sent == 2
    by_address = {m["To"].addresses[0].addr_spec: m for m in mailbox}
    assert set(by_address) == {"wanita@example.org", "hana@example.org"}

    message = by_address["wanita@example.org"]
    unsubscribe = f"http://localhost/unsubscribe/{link_token(wanita)}"
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    raw = dict(message.raw_items())  # as on the wire: one line, no RFC 2047 encoded words
    assert raw["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "<prayer-updates.vomkorea.example>"
    assert message["Message-ID"].endswith("@vomkorea.example>")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dear Wanita," in text and "Dear Wanita," in html
    assert f"http://localhost/subscription/{link_token(wanita)}" in text
    assert unsubscribe in text and unsubscribe in html
    assert "⟦" not in text + html
    korean_mail = by_address["hana@example.org"]
    assert korean_mail["Subject"] == "4월 기도 소식"
    assert link_token(hana) in korean_mail["List-Unsubscribe"]
    assert link_token(wanita) not in korean_mail.as_string()

    # Every message carries its own one-click link, which works.
    path = unsubscribe.removeprefix("http://localhost")
    assert client.application.test_client(use_cookies=False).post(path).status_code == 200
    db.session.refresh(wanita)
    assert wanita.status == SubscriberStatus.UNSUBSCRIBED

    sending.run_due_jobs()
    db.session.commit()
    db.session.refresh(update)
    assert update.status == UpdateStatus.SENT and update.finished_at is not None
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"updates.create", "updates.test", "updates.sending", "updates.sent"} <= actions


def test_a_scheduled_update_is_started_by_the_worker_step(app, client, editor):
    make_subscriber()
    update = make_update(prayers=[make_prayer()])
    url = f"/staff/updates/{update.id}"
    when = utcnow() + timedelta(days=1)
    korea = when + timedelta(hours=9)  # the form takes the display time zone (Seoul)
    client.post(
        f"{url}/schedule",
        data={"csrf_token": csrf_token(client, url), "when": korea.strftime("%Y-%m-%dT%H:%M")},
    )
    db.session.refresh(update)
    assert update.status == UpdateStatus.SCHEDULED
    assert abs((update.scheduled_at - when).total_seconds()) < 60
    with app.test_request_context():
        assert sending.run_due_jobs() == []
    with time_machine.travel(when + timedelta(minutes=1), tick=True), app.test_request_context():
        assert sending.run_due_jobs() == [f"Update {update.id} started for 1 recipients."]
        db.session.commit()
    db.session.refresh(update)
    assert update.status == UpdateStatus.SENDING
    assert [e.to_status for e in update.events] == ["scheduled", "sending"]
    assert update.events[-1].note == "scheduled"


def test_pause_resume_cancel_and_the_progress_bar(app, client, editor):
    for n in range(6):
        make_subscriber(f"r{n}@example.org")
    update = make_update(prayers=[make_prayer()])
    url = f"/staff/updates/{update.id}"
    client.post(f"{url}/send", data={"csrf_token": csrf_token(client, url)})
    assert drain(batch_size=2, max_batches=1).sent == 2

    page = soup(client.get(url))
    bar = page.select_one("progress")
    assert (bar["value"], bar["max"]) == ("2", "6")
    assert page.select_one("[data-progress-url]")["data-progress-url"] == f"{url}/progress.json"
    assert page.find("script", src=re.compile(r"^/static/js/updates\.js\?v=[0-9a-f]{12}$"))

    client.post(f"{url}/pause", data={"csrf_token": csrf_token(client, url)})
    assert drain().claimed == 0  # held
    progress = json.loads(client.get(f"{url}/progress.json").get_data())
    assert progress == {
        "status": "paused",
        "total": 6,
        "queued": 4,
        "sent": 2,
        "failed": 0,
        "cancelled": 0,
        "done": 2,
        "percent": 33,
    }

    client.post(f"{url}/resume", data={"csrf_token": csrf_token(client, url)})
    assert drain(batch_size=2, max_batches=1).sent == 2
    client.post(f"{url}/pause", data={"csrf_token": csrf_token(client, url)})
    client.post(f"{url}/cancel", data={"csrf_token": csrf_token(client, url)})
    db.session.refresh(update)
    assert update.status == UpdateStatus.CANCELLED
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    assert counts == {OutboxStatus.SENT: 4, OutboxStatus.CANCELLED: 2}
    # A refused transition says so instead of failing.
    response = client.post(f"{url}/resume", data={"csrf_token": csrf_token(client, url)})
    assert "not possible" in text_of(client.get(response.headers["Location"]))


def test_subjects_with_line_breaks_are_refused(client, editor):
    response = submit(
        client,
        "/staff/updates/new",
        {
            "subject_en": "Hello\r\nBcc: everyone@example.org",
            "topics": ["prayer"],
        },
    )
    assert response.status_code == 200
    assert "Line breaks are not allowed" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(PrayerUpdate)) == 0


def test_only_editors_and_admins_reach_the_update_pages(client):
    update = make_update()
    for role, status in ((Role.MODERATOR, 403), (Role.REVIEWER, 403), (Role.ADMIN, 200)):
        other = client.application.test_client()
        login(other, make_user(role))
        assert other.get(f"/staff/updates/{update.id}").status_code == status
        assert other.get("/staff/subscribers/").status_code == status
    assert client.get("/staff/updates/").status_code == 302  # to sign in


def test_enqueueing_ten_thousand_recipients_is_one_bulk_insert(app, client):
    """Not a timing test: the number of statements does not grow with recipients."""
    from sqlalchemy import event

    from tests.email.factories import make_many_subscribers

    make_many_subscribers(300)
    update = make_update(prayers=[make_prayer()])
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            assert sending.send_now(update) == 300
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.commit()
    inserts = [s for s in statements if s.startswith("INSERT INTO outbox_messages")]
    assert len(inserts) <= 2
    bodies = db.session.scalar(select(func.count(func.distinct(OutboxMessage.body_id))))
    assert bodies == 1  # everyone reads English here: one shared body
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.category == MailCategory.BULK)
        )
        == 300
    )


def test_the_public_archive_lists_sent_updates_only(app, client):
    make_subscriber()
    sent = make_update(subject_en="Sent in April", prayers=[make_prayer(title_en="Pray for S")])
    draft = make_update(subject_en="Still a draft")
    with app.test_request_context():
        sending.send_now(sent)
    db.session.commit()
    archive = text_of(client.get("/updates/"))
    assert "Sent in April" in archive and "Still a draft" not in archive
    page = client.get(f"/updates/{sent.id}")
    assert "Pray for S" in text_of(page)
    assert client.get(f"/updates/{draft.id}").status_code == 404
    assert "3월 기도 소식" in text_of(client.get(f"/updates/{sent.id}?lang=ko"))


def test_the_weekly_digest_runs_only_when_staff_turned_it_on(app):
    runner = app.test_cli_runner()
    make_subscriber()
    make_prayer(title_en="New this week", published_at=utcnow() - timedelta(days=2))
    make_story(title_en="Old story", published_at=utcnow() - timedelta(days=30))

    off = runner.invoke(args=["updates", "digest"])
    assert off.exit_code == 0 and "turned off" in off.output
    assert db.session.scalar(select(func.count()).select_from(PrayerUpdate)) == 0

    set_setting("digest_enabled", True)
    db.session.commit()
    first = runner.invoke(args=["updates", "digest"])
    assert first.exit_code == 0, first.output
    assert "queued for 1 subscribers" in first.output
    update = db.session.scalars(select(PrayerUpdate)).one()
    assert update.is_digest and update.status == UpdateStatus.SENDING
    assert [p.title_en for p in update.prayer_requests] == ["New this week"]
    assert update.stories == []  # published before the last week

    again = runner.invoke(args=["updates", "digest"])
    assert "Nothing was published since the last update" in again.output
