"""Reminders with a frozen clock: 7 days before proof is due, on the day, 7 days after,
each sent once however often cron runs `flask requests remind`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.bible_requests import maintenance
from app.bible_requests.models import RequestState
from app.extensions import db
from app.mail.models import OutboxMessage
from app.settings import set_setting
from tests.bible_requests.factories import make_request

S = RequestState
START = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def reminders() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.template.like("bible_request/reminder_%"))
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def received(clock):
    set_setting("verification_days", 30)
    db.session.commit()
    req = make_request(S.RECEIVED)  # received at START: due 30 days later
    assert req.verification_due_at == START.replace(tzinfo=None) + timedelta(days=30)
    return req


def remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["requests", "remind"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def at(clock, days: float) -> None:
    clock.move_to(START + timedelta(days=days))


def test_each_reminder_is_sent_once_at_its_time(app, clock, received):
    timeline = [
        (0, []),
        (22.9, []),  # 7 days before is not yet here
        (23, ["before"]),
        (23, ["before"]),  # cron again at once
        (23.5, ["before"]),
        (29.99, ["before"]),
        (30, ["before", "due"]),
        (30.04, ["before", "due"]),
        (36, ["before", "due"]),
        (37, ["before", "due", "after"]),
        (37, ["before", "due", "after"]),
        (60, ["before", "due", "after"]),  # nothing after the last one
    ]
    for days, expected in timeline:
        at(clock, days)
        remind(app)
        assert [m.template.rsplit("_", 1)[1] for m in reminders()] == expected, days
    keys = [m.dedupe_key for m in reminders()]
    assert keys == [f"bible-request:{received.id}:reminder:{s}" for s in ("before", "due", "after")]
    assert {m.to_address for m in reminders()} == {received.leader.email}


def test_the_reminders_say_when_and_where(app, clock, received):
    at(clock, 23)
    assert remind(app) == "reminders queued: 1"
    (message,) = reminders()
    assert "is due on March 31, 2030" in message.body_text
    assert f"http://localhost/requests/{received.id}/verification" in message.body_text
    assert message.subject == f"Reminder: proof for request #{received.id} is due soon"
    at(clock, 37)
    remind(app)
    assert reminders()[-1].subject == f"Proof for request #{received.id} is overdue"


def test_a_stopped_cron_sends_only_the_latest_reminder(app, clock, received):
    at(clock, 40)
    remind(app)
    remind(app)
    assert [m.template for m in reminders()] == ["bible_request/reminder_after"]


def test_two_runs_in_one_transaction_still_send_once(clock, received):
    at(clock, 30)
    assert maintenance.send_reminders() == 1
    assert maintenance.send_reminders() == 0
    db.session.commit()
    assert len(reminders()) == 1


@pytest.mark.parametrize("state", [S.VERIFICATION_SUBMITTED, S.VERIFIED, S.SHIPPED])
def test_no_reminders_once_proof_is_sent_or_before_receipt(app, clock, state):
    make_request(state)
    at(clock, 40)
    remind(app)
    assert reminders() == []


def test_returned_proof_is_reminded_on_the_original_due_date(app, clock):
    make_request(S.VERIFICATION_RETURNED)
    at(clock, 30)
    remind(app)
    assert [m.template for m in reminders()] == ["bible_request/reminder_due"]


def test_overdue_requests_are_flagged_for_reviewers(clock, received):
    from app.bible_requests import queries

    at(clock, 29)
    assert not received.is_overdue and queries.tab_counts()["overdue"] == 0
    at(clock, 31)
    assert received.is_overdue and received.days_overdue == 1
    assert queries.tab_counts()["overdue"] == 1
