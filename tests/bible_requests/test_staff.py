"""Reviewer pages: the queue, one request with its actions, decline reasons, CSV, suspension."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.accounts.models import LeaderStatus
from app.audit import AuditEvent
from app.bible_requests.models import BibleRequest, DeclineTemplate, RequestState
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from app.settings import set_setting
from tests.bible_requests.factories import make_request
from tests.factories import make_leader, make_user
from tests.helpers import login, soup, submit, text_of

S = RequestState


@pytest.fixture
def reviewer(client):
    user = make_user(Role.REVIEWER)
    login(client, user)
    return user


def act(client, req, to, **fields):
    url = f"/staff/requests/{req.id}"
    data = {f"{to}-{name}": value for name, value in fields.items()}
    return submit(client, f"{url}/to/{to}", data, form_url=url)


def last_mail() -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def test_the_queue_filters_by_state(client, reviewer):
    waiting = make_request(S.SUBMITTED, reviewer=reviewer)
    shipped = make_request(S.SHIPPED, reviewer=reviewer)
    page = soup(client.get("/staff/requests/"))
    assert [a.get_text() for a in page.select("tbody td:first-child a")] == [f"#{waiting.id}"]
    tabs = {a.get_text(" ", strip=True) for a in page.select("nav .tabs a")}
    assert "To review 1" in tabs and "Shipped 1" in tabs and "All 2" in tabs
    shipped_page = soup(client.get("/staff/requests/?state=shipped"))
    assert [a.get_text() for a in shipped_page.select("tbody td:first-child a")] == [
        f"#{shipped.id}"
    ]
    everything = soup(client.get("/staff/requests/?state=all"))
    assert len(everything.select("tbody tr")) == 2


def test_the_overdue_filter_shows_only_overdue_proof(client, reviewer):
    start = datetime(2030, 1, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        late = make_request(S.RECEIVED, reviewer=reviewer)
        clock.move_to(start + timedelta(days=10))
        on_time = make_request(S.RECEIVED, reviewer=reviewer)
        clock.move_to(start + timedelta(days=35))
        login(client, reviewer)  # a fresh sign-in in the travelled time
        page = soup(client.get("/staff/requests/?state=overdue"))
        assert [a.get_text() for a in page.select("tbody td:first-child a")] == [f"#{late.id}"]
        assert "5 days overdue" in page.select_one("tbody").get_text(" ")
        awaiting = soup(client.get("/staff/requests/?state=received"))
        assert len(awaiting.select("tbody tr")) == 2
        detail = text_of(client.get(f"/staff/requests/{late.id}"))
        assert "Proof is 5 days overdue." in detail
        assert "Suspend the leader" in detail
        assert "Suspend the leader" not in text_of(client.get(f"/staff/requests/{on_time.id}"))


def test_the_request_page_shows_the_leader_and_their_history(client, reviewer):
    leader = make_leader(organization="Grace NK Fellowship", reference="Pastor Lee, Grace Church")
    past = make_request(S.VERIFIED, leader=leader, reviewer=reviewer)
    current = make_request(S.SUBMITTED, leader=leader, reviewer=reviewer)
    page = client.get(f"/staff/requests/{current.id}")
    text = text_of(page)
    for expected in (
        "Grace NK Fellowship", "Pastor Lee, Grace Church", leader.email,
        "We disciple 12 North Koreans weekly", "Gospel of Mark",
        "In the ongoing discipleship of North Koreans we already disciple",
    ):  # fmt: skip
        assert expected in text, expected
    history = soup(page).select(".history-list li")
    assert len(history) == 1 and f"#{past.id}" in history[0].get_text()
    actions = [h.get_text() for h in soup(page).select(".action-form h3")]
    assert actions == ["Ask for changes", "Approve", "Decline", "Cancel the request"]


def test_asking_for_changes_needs_a_note_and_keeps_the_page(client, reviewer):
    req = make_request(reviewer=reviewer)
    response = act(client, req, "changes_requested", note="")
    assert response.status_code == 400
    assert "Please write a note." in text_of(response)
    db.session.refresh(req)
    assert req.state == S.SUBMITTED
    response = act(client, req, "changes_requested", note="How many NKs attend each week?")
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.state == S.CHANGES_REQUESTED
    mail = last_mail()
    assert mail.to_address == req.leader.email
    assert "How many NKs attend each week?" in mail.body_text
    assert f"http://localhost/requests/{req.id}" in mail.body_text


def test_declining_sends_the_reason_and_the_purchase_suggestion(client, reviewer):
    set_setting("purchase_url", "https://shop.example.org/bibles")
    db.session.commit()
    req = make_request(reviewer=reviewer)
    page = soup(client.get(f"/staff/requests/{req.id}"))
    options = {
        o.get_text(): o["value"] for o in page.select("select[name=declined-template] option")
    }
    assert "For an event, party or gift bag" in options
    act(
        client,
        req,
        "declined",
        template=options["For an event, party or gift bag"],
        note="God bless your ministry.",
    )
    db.session.refresh(req)
    assert req.state == S.DECLINED
    assert req.decline_reason.startswith(
        "We consider NK Bibles genuine discipleship tools, not souvenirs"
    )
    mail = last_mail()
    assert mail.template == "bible_request/declined" and mail.to_address == req.leader.email
    assert "not souvenirs" in mail.body_text and "God bless your ministry." in mail.body_text
    assert "https://shop.example.org/bibles" in mail.body_text


def test_a_declined_leader_gets_the_reason_in_korean(client, reviewer):
    leader = make_leader()
    leader.locale = "ko"
    db.session.commit()
    req = make_request(leader=leader, reviewer=reviewer)
    page = soup(client.get(f"/staff/requests/{req.id}"))
    template = db.session.scalar(select(DeclineTemplate).where(DeclineTemplate.key == "storing"))
    assert page.find("option", value=str(template.id))
    act(client, req, "declined", template=str(template.id))
    db.session.refresh(req)
    assert req.decline_reason.startswith("저희는 사역이 지금 바로 나눌 수 있는 수량만")
    assert "저희는 사역이 지금 바로" in last_mail().body_text


def test_shipping_records_carrier_and_tracking(client, reviewer):
    req = make_request(S.APPROVED, reviewer=reviewer)
    response = act(
        client,
        req,
        "shipped",
        carrier="CJ Logistics",
        tracking_number="5550-1234",
        ship_date="2030-01-02",
    )
    assert response.status_code == 302
    db.session.refresh(req)
    assert (req.state, req.carrier, req.tracking_number) == (S.SHIPPED, "CJ Logistics", "5550-1234")
    assert req.ship_date.isoformat() == "2030-01-02"
    mail = last_mail()
    assert "CJ Logistics" in mail.body_text and "5550-1234" in mail.body_text
    missing = make_request(S.APPROVED, reviewer=reviewer)
    assert "Enter the carrier." in text_of(
        act(client, missing, "shipped", carrier="", ship_date="2030-01-02")
    )


def test_staff_cancel_with_a_reason_and_the_leader_is_told(client, reviewer):
    req = make_request(S.APPROVED, reviewer=reviewer)
    act(client, req, "cancelled", note="The leader asked us by phone.")
    db.session.refresh(req)
    assert req.state == S.CANCELLED
    assert last_mail().template == "bible_request/cancelled_by_staff"


def test_a_step_not_allowed_from_the_current_state_is_refused(client, reviewer):
    req = make_request(S.SHIPPED, reviewer=reviewer)
    response = act(client, req, "approved", quantity="1")
    assert response.status_code == 302
    assert "not possible from the request's current state" in text_of(
        client.get(f"/staff/requests/{req.id}")
    )
    assert client.post(f"/staff/requests/{req.id}/to/nonsense").status_code in (400, 404)


def test_reviewers_edit_and_add_decline_reasons(client, reviewer):
    page = soup(client.get("/staff/requests/decline-reasons"))
    titles = [a.get_text() for a in page.select(".card-title a")]
    assert titles[:3] == [
        "Not a leader of an existing NK ministry",
        "The ministry has not started yet",
        "The work is not primarily discipleship",
    ]
    event = db.session.scalar(select(DeclineTemplate).where(DeclineTemplate.key == "event"))
    url = f"/staff/requests/decline-reasons/{event.id}"
    form = soup(client.get(url))
    data = {
        "key": "event",
        "title_en": "For a party",
        "title_ko": form.find("input", {"name": "title_ko"})["value"],
        "body_en": "Bibles for parties should be bought.",
        "body_ko": "",
        "position": "3",
    }  # unticked: no longer offered
    assert submit(client, url, data).status_code == 302
    db.session.refresh(event)
    assert (event.title_en, event.active, event.suggest_purchase) == ("For a party", False, False)
    req = make_request(reviewer=reviewer)
    options = [
        o.get_text()
        for o in soup(client.get(f"/staff/requests/{req.id}")).select(
            "select[name=declined-template] option"
        )
    ]
    assert "For a party" not in options
    clash = submit(
        client,
        "/staff/requests/decline-reasons/new",
        {**data, "key": "gift", "title_en": "Another"},
    )
    assert clash.status_code == 400 and "Another reason already uses this key." in text_of(clash)
    new = submit(
        client,
        "/staff/requests/decline-reasons/new",
        {**data, "key": "duplicate", "active": "y", "title_en": "Duplicate request"},
    )
    assert new.status_code == 302
    assert db.session.scalar(
        select(DeclineTemplate).where(DeclineTemplate.key == "duplicate")
    ).active
    actions = [
        e.action
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("bible_decline%"))
            .order_by(AuditEvent.id)
        )
    ]
    assert actions == ["bible_decline_template.update", "bible_decline_template.create"]


def test_csv_export_is_audited_and_safe_in_spreadsheets(client, reviewer):
    leader = make_leader(organization='=HYPERLINK("http://evil.example")')
    req = make_request(S.SHIPPED, leader=leader, reviewer=reviewer)
    make_request(S.SUBMITTED, reviewer=reviewer)
    response = client.get("/staff/requests/export.csv?state=shipped")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="bible-requests-shipped-'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(req.id) and row["state"] == "shipped"
    assert row["organization"] == '\'=HYPERLINK("http://evil.example")'
    assert row["carrier"] == "CJ Logistics" and row["leader_email"] == leader.email
    audit = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "bible_requests.export")
    )
    assert audit.actor_id == reviewer.id and audit.data == {"tab": "shipped", "rows": 1}
    everything = client.get("/staff/requests/export.csv?state=all")
    assert len(everything.get_data(as_text=True).strip().splitlines()) == 3


def test_a_reviewer_suspends_a_leader_whose_proof_is_overdue(app, client, reviewer):
    start = datetime(2030, 1, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        req = make_request(S.RECEIVED, reviewer=reviewer)
        clock.move_to(start + timedelta(days=60))
        login(client, reviewer)
        url = f"/staff/requests/{req.id}"
        response = submit(
            client,
            f"{url}/suspend-leader",
            {"suspend-note": "No proof after two months."},
            form_url=url,
        )
        assert response.status_code == 302
    leader = db.session.get(BibleRequest, req.id).leader
    db.session.refresh(leader.leader_profile)
    assert leader.leader_profile.status == LeaderStatus.SUSPENDED
    assert not leader.is_verified_leader
    assert last_mail().template == "accounts/leader_suspended"
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "leaders.suspend")
    ).note == ("No proof after two months.")
    leader_client = app.test_client()
    login(leader_client, leader)
    assert leader_client.get("/requests/eligibility").headers["Location"] == "/account/"
