"""A defector's own request: Korean first, no account, minimal data, never public, erased."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.bible_requests import inventory
from app.bible_requests.models import DefectorRequest, DefectorRequestState
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from app.settings import set_setting
from tests.bible_requests.factories import add_stock
from tests.factories import make_leader, make_user
from tests.helpers import login, soup, submit, text_of

D = DefectorRequestState
URL = "/nk-bible/"
DETAILS = {
    "name": "Y",
    "country": "France",
    "postal_address": "12 rue de la Paix, 75002 Paris",
    "contact": "y.secret@example.fr",
    "reason": "I want to read God's word in the language of my home.",
}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(DefectorRequest))


def send(client, data=None, wait: float = 5, **kw):
    """Fill in the form as a person would: shown, then sent a few seconds later."""
    page = soup(client.get(URL))
    shown_at = page.find("input", {"name": "shown_at"})["value"]
    token = page.find("input", {"name": "csrf_token"})["value"]
    with time_machine.travel(time.time() + wait, tick=False):
        return client.post(
            URL, data={"csrf_token": token, "shown_at": shown_at, **(data or DETAILS)}, **kw
        )


def test_the_form_is_korean_first_and_asks_only_what_is_needed(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = soup(response)
    header = page.select_one(".page-header")
    assert header.h1["lang"] == "ko" and header.h1.get_text() == "북한 성경을 보내 드립니다"
    assert [e["lang"] for e in header.select("[lang]")][:2] == ["ko", "en"]
    labels = [label.get_text() for label in page.select("main form .field label")]
    assert labels == [
        "이름 또는 이니셜 · Name or initial",
        "사는 나라 · Country where you live",
        "성경을 받을 우편 주소 · Postal address for the Bible",
        "연락 방법 (선택) · A way to reach you (optional)",
        "성경을 받고 싶은 이유 · Why you would like a North Korean Bible",
    ]
    assert page.html["lang"] == "ko"  # Korean unless the visitor chose English
    first = page.select_one("main form .field label")
    assert [span["lang"] for span in first.select("span")] == ["ko", "en"]
    assert soup(client.get(URL + "?lang=en")).html["lang"] == "en"
    assert page.select_one(".hp input[name=website]") is not None  # the honeypot
    assert "성경을 보낸 뒤 30일이 지나면" in text_of(response)


def test_a_defector_asks_and_reviewers_are_told_without_personal_details(client):
    reviewer = make_user(Role.REVIEWER)
    response = send(client)
    assert response.status_code == 302 and response.headers["Location"] == "/nk-bible/thanks"
    thanks = client.get("/nk-bible/thanks")
    assert "감사합니다" in text_of(thanks)
    assert "rue de la Paix" not in text_of(thanks) and "y.secret" not in text_of(thanks)
    dreq = db.session.scalar(select(DefectorRequest))
    assert (dreq.name, dreq.country, dreq.contact, dreq.state) == (
        "Y",
        "France",
        "y.secret@example.fr",
        D.NEW,
    )
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.to_address == reviewer.email
    for secret in ("France", "rue de la Paix", "y.secret", "language of my home"):
        assert secret not in mail.body_text + mail.body_html + mail.subject
    assert f"http://localhost/staff/requests/defectors/{dreq.id}" in mail.body_text
    audit = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "defector_request.submitted")
    )
    assert audit.data == {} and audit.note == "" and audit.actor_id is None


@pytest.mark.parametrize(
    ("data", "wait"),
    [({**DETAILS, "website": "http://spam.example"}, 5), (DETAILS, 0.5)],
    ids=["honeypot", "too-fast"],
)
def test_bots_get_the_same_answer_and_nothing_is_kept(client, data, wait):
    response = send(client, data, wait=wait)
    assert response.status_code == 302 and response.headers["Location"] == "/nk-bible/thanks"
    assert count() == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_missing_details_are_asked_for_in_both_languages_and_nothing_is_lost(client):
    response = send(client, {**DETAILS, "postal_address": "", "name": "x" * 61})
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary").get_text()
    assert "주소를 적어 주세요. · Please write the address." in summary
    assert "60자 이내로 적어 주세요. · At most 60 characters." in summary
    assert (
        soup(response).find("textarea", {"name": "reason"}).get_text().strip() == DETAILS["reason"]
    )
    assert count() == 0


def test_the_form_is_rate_limited(client):
    for _ in range(5):
        assert send(client).status_code == 302
    assert send(client).status_code == 429
    assert count() == 5


def test_nothing_about_a_request_is_public(client):
    send(client)
    dreq = db.session.scalar(select(DefectorRequest))
    for url in ("/", "/nk-bible/", "/nk-bible/thanks", "/about", "/sitemap.xml"):
        response = client.get(url)
        assert "rue de la Paix" not in response.get_data(as_text=True), url
    assert (
        client.get(f"/staff/requests/defectors/{dreq.id}")
        .headers["Location"]
        .startswith("/account/login")
    )
    login(client, make_leader())
    assert client.get(f"/staff/requests/defectors/{dreq.id}").status_code == 403


def test_staff_ship_it_and_the_details_are_erased_later(app, client):
    set_setting("defector_data_days", 30)
    db.session.commit()
    reviewer = make_user(Role.REVIEWER)
    add_stock(10, reviewer)
    send(client)
    dreq = db.session.scalar(select(DefectorRequest))
    start = datetime(2031, 2, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, reviewer)
        queue = client.get("/staff/requests/defectors/")
        assert "France" in text_of(queue) and "Y" in text_of(queue)
        detail = f"/staff/requests/defectors/{dreq.id}"
        assert "rue de la Paix" in text_of(client.get(detail))
        response = submit(
            client, f"{detail}/shipped", {"ship-note": "Sent by registered mail"}, form_url=detail
        )
        assert response.status_code == 302
        db.session.refresh(dreq)
        assert dreq.state == D.SHIPPED and inventory.levels().on_hand == 9
        clock.move_to(start + timedelta(days=29, hours=23))
        assert (
            "erased: 0"
            in app.test_cli_runner().invoke(args=["requests", "erase-defector-data"]).output
        )
        clock.move_to(start + timedelta(days=30))
        assert "erased: 1" in app.test_cli_runner().invoke(args=["requests", "maintain"]).output
    db.session.refresh(dreq)
    assert (dreq.name, dreq.postal_address, dreq.contact, dreq.reason, dreq.staff_note) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert dreq.country == "France" and dreq.created_at and dreq.shipped_at and dreq.erased_at
    audits = [
        a.action
        for a in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "DefectorRequest")
            .order_by(AuditEvent.id)
        )
    ]
    assert audits == [
        "defector_request.submitted",
        "defector_request.shipped",
        "defector_request.erased",
    ]
    for audit in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "DefectorRequest")
    ):
        assert "Sent by registered mail" not in audit.note + str(audit.data)


def test_closed_requests_are_erased_too_and_shipping_needs_stock(app, client):
    reviewer = make_user(Role.REVIEWER)
    send(client)
    dreq = db.session.scalar(select(DefectorRequest))
    login(client, reviewer)
    detail = f"/staff/requests/defectors/{dreq.id}"
    submit(client, f"{detail}/shipped", {}, form_url=detail)
    assert "No Bible is available" in text_of(client.get(detail))
    db.session.refresh(dreq)
    assert dreq.state == D.NEW
    submit(client, f"{detail}/closed", {"close-note": "Duplicate"}, form_url=detail)
    db.session.refresh(dreq)
    assert dreq.state == D.CLOSED
    with time_machine.travel(datetime.now(UTC) + timedelta(days=31), tick=False):
        app.test_cli_runner().invoke(args=["requests", "erase-defector-data"])
    db.session.refresh(dreq)
    assert dreq.is_erased and dreq.postal_address == "" and dreq.country == "France"
