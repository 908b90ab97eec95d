"""Receipt assumed after shipping, photos purged after verification, `flask requests maintain`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from app import images
from app.audit import AuditEvent
from app.bible_requests.models import RequestState, Verification, VerificationPhoto
from app.extensions import db
from app.mail.models import OutboxMessage
from app.settings import set_setting
from tests.bible_requests.factories import make_request
from tests.helpers import login, text_of

S = RequestState
START = datetime(2030, 6, 1, 8, 0, tzinfo=UTC)
NAIVE = START.replace(tzinfo=None)


def run(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=["requests", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_receipt_is_assumed_n_days_after_shipping(app):
    set_setting("received_assumed_days", 21)
    set_setting("verification_days", 30)
    db.session.commit()
    with time_machine.travel(START, tick=False) as clock:
        req = make_request(S.SHIPPED)
        clock.move_to(START + timedelta(days=20, hours=23))
        assert "assumed received: 0" in run(app, "assume-received")
        clock.move_to(START + timedelta(days=22))  # cron was late by a day
        assert "assumed received: 1" in run(app, "assume-received")
        assert "assumed received: 0" in run(app, "assume-received")
    db.session.refresh(req)
    assert req.state == S.RECEIVED and req.received_assumed
    assert req.received_at == NAIVE + timedelta(days=21)  # from shipping, not from the late run
    assert req.verification_due_at == NAIVE + timedelta(days=51)
    event = req.events[-1]
    assert event.actor_id is None and event.actor_label == "system"
    assert "Receipt assumed 21 days after shipping." in event.note
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail.to_address == req.leader.email
    assert "we assume they have arrived" in mail.body_text


def test_photos_are_deleted_after_the_retention_days_and_the_record_stays(app, client):
    set_setting("photo_retention_days", 90)
    db.session.commit()
    with time_machine.travel(START, tick=False) as clock:
        req = make_request(S.VERIFIED)
        photo = db.session.scalar(select(VerificationPhoto))
        path = images.path_of("private", photo.file_name)
        assert path.is_file()
        clock.move_to(START + timedelta(days=89))
        assert "photos deleted: 0" in run(app, "purge-photos")
        assert path.is_file()
        clock.move_to(START + timedelta(days=90))
        assert "photos deleted: 1" in run(app, "purge-photos")
        assert "photos deleted: 0" in run(app, "purge-photos")
    assert not path.exists()
    assert db.session.scalar(select(func.count()).select_from(VerificationPhoto)) == 0
    verification = db.session.scalar(select(Verification))
    assert verification.photo_count == 1 and verification.photos_purged_at is not None
    db.session.refresh(req)
    assert req.state == S.VERIFIED and req.bibles_given == 5 and req.verified_at
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "bible_request.photos_purged")
    ).data == {"photos": 1}
    login(client, req.leader)
    assert "The photos were deleted on" in text_of(client.get(f"/requests/{req.id}"))
    assert client.get(f"/requests/{req.id}/photos/{photo.id}").status_code == 404


def test_photos_of_requests_not_yet_verified_are_kept(app):
    with time_machine.travel(START, tick=False) as clock:
        make_request(S.VERIFICATION_SUBMITTED)
        clock.move_to(START + timedelta(days=400))
        assert "photos deleted: 0" in run(app, "purge-photos")
    assert db.session.scalar(select(func.count()).select_from(VerificationPhoto)) == 1


def test_maintain_runs_every_job(app):
    with time_machine.travel(START, tick=False) as clock:
        make_request(S.SHIPPED)
        clock.move_to(START + timedelta(days=200))
        output = run(app, "maintain")
    for line in (
        "assumed received: 1",
        "reminders queued: 1",  # receipt assumed long ago: proof is overdue at once
        "photos deleted: 0",
        "defector requests erased: 0",
    ):
        assert line in output
