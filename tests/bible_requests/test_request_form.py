"""The request form: its rules, one request at a time, and no recipients' details anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.bible_requests.models import BibleRequest, RequestEvent, RequestState
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from app.settings import set_setting
from tests.bible_requests.factories import ELIGIBLE, PLAN, make_request
from tests.factories import make_leader, make_user
from tests.helpers import login, soup, submit, text_of

S = RequestState


def form_data(**overrides) -> dict:
    data = {
        "quantity": "6",
        "nk_in_discipleship": "9",
        "plan": PLAN,
        "handout_date": (utcnow().date() + timedelta(days=10)).isoformat(),
        "ship_to": "Hope Church NK Congregation",
        "ship_address": "12 Hope-ro, Guro-gu, Seoul",
        "ship_postal_code": "08300",
        "ship_country": "South Korea",
        "ship_phone": "02-000-0000",
        "commit_free_gift": "y",
        "commit_contact": "y",
        "commit_photo": "y",
        "commit_no_storing": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def passed_check(client, leader=None):
    leader = leader or make_leader()
    login(client, leader)
    assert submit(client, "/requests/eligibility", ELIGIBLE).headers["Location"] == "/requests/new"
    return leader


def requests_count() -> int:
    return db.session.scalar(select(func.count()).select_from(BibleRequest))


def test_a_verified_leader_sends_a_request(client):
    reviewer = make_user(Role.REVIEWER)
    leader = passed_check(client)
    response = submit(client, "/requests/new", form_data())
    assert response.status_code == 302
    req = db.session.scalar(select(BibleRequest))
    assert response.headers["Location"] == f"/requests/{req.id}"
    assert req.leader_id == leader.id and req.state == S.SUBMITTED
    assert (req.quantity_requested, req.nk_in_discipleship) == (6, 9)
    assert req.organization == leader.leader_profile.organization
    assert req.eligibility == ELIGIBLE
    assert req.commitments == ["free_gift", "contact", "photo", "no_storing"]
    event = db.session.scalar(select(RequestEvent))
    assert (event.from_state, event.to_state, event.actor_id) == (None, S.SUBMITTED, leader.id)
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.to_address == reviewer.email and mail.template == "bible_request/submitted"
    assert "asks for 6 NK Bibles" in mail.body_text
    assert f"http://localhost/staff/requests/{req.id}" in mail.body_text
    page = client.get(response.headers["Location"])
    assert "Your request is sent" in text_of(page)
    assert "Waiting for review" in text_of(page)


def test_the_form_says_recipients_details_are_not_wanted(client):
    passed_check(client)
    note = soup(client.get("/requests/new")).select_one(".privacy-callout")
    assert "not want the recipients' names or contact details" in note.get_text()


def test_the_form_is_prefilled_from_the_profile(client):
    passed_check(client, make_leader(organization="Grace NK Fellowship", nk_count=14))
    page = soup(client.get("/requests/new"))
    assert page.find("input", {"name": "ship_to"})["value"] == "Grace NK Fellowship"
    assert page.find("input", {"name": "nk_in_discipleship"})["value"] == "14"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": "10", "nk_in_discipleship": "9"}, "at most one Bible for each North Korean"),
        ({"quantity": "0"}, "Enter a number from 1."),
        ({"quantity": "many"}, "Enter a whole number, in digits."),
        ({"plan": "We will give them out."}, "Please write between 120 and 4000 characters."),
        ({"plan": "x" * 4001}, "Please write between 120 and 4000 characters."),
        ({"handout_date": "2001-01-01"}, "The date cannot be in the past."),
        (
            {"handout_date": (utcnow().date() + timedelta(days=120)).isoformat()},
            "Please ask only for Bibles you can give within 90 days.",
        ),
        ({"ship_address": ""}, "Enter the address."),
        ({"ship_to": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"commit_free_gift": None}, "Please confirm this commitment."),
        ({"commit_contact": None}, "Please confirm this commitment."),
        ({"commit_photo": None}, "Please confirm this commitment."),
        ({"commit_no_storing": None}, "Please confirm this commitment."),
    ],
)
def test_rules_are_explained_and_nothing_typed_is_lost(client, overrides, message):
    passed_check(client)
    response = submit(client, "/requests/new", form_data(**overrides))
    assert response.status_code == 200
    page = soup(response)
    assert message in page.select_one(".error-summary").get_text()
    assert requests_count() == 0
    if "plan" not in overrides:
        assert page.find("textarea", {"name": "plan"}).get_text().strip() == PLAN


def test_the_per_request_cap_is_a_setting(client):
    set_setting("request_cap", 4)
    db.session.commit()
    passed_check(client)
    response = submit(client, "/requests/new", form_data(quantity="5"))
    assert "At most 4 Bibles can be asked for at a time." in text_of(response)
    assert submit(client, "/requests/new", form_data(quantity="4")).status_code == 302


def test_one_request_at_a_time(client):
    leader = passed_check(client)
    assert submit(client, "/requests/new", form_data()).status_code == 302
    for url in ("/requests/eligibility", "/requests/new"):
        page = client.get(url)
        assert page.status_code == 200
        assert soup(page).h1.get_text(strip=True) == "One request at a time"
        assert "once the Bibles of your current request have been given out" in text_of(page)
    # Even a form posted from an old tab is refused.
    current = db.session.scalar(select(BibleRequest))
    response = submit(client, "/requests/new", form_data(), form_url=f"/requests/{current.id}")
    assert response.status_code == 200 and requests_count() == 1
    assert "One request at a time" in text_of(response)
    assert leader.is_verified_leader


@pytest.mark.parametrize("state", [s for s in S if s not in (S.VERIFIED, S.DECLINED, S.CANCELLED)])
def test_a_request_not_yet_verified_blocks_a_new_one(client, state):
    leader = make_leader()
    make_request(state, leader=leader)
    login(client, leader)
    assert "One request at a time" in text_of(client.get("/requests/eligibility"))


@pytest.mark.parametrize("state", [S.VERIFIED, S.DECLINED, S.CANCELLED])
def test_after_verification_decline_or_cancel_a_new_request_is_possible(client, state):
    leader = make_leader()
    make_request(state, leader=leader)
    passed_check(client, leader)
    assert submit(client, "/requests/new", form_data()).status_code == 302
    assert requests_count() == 2


def test_a_leader_answers_a_request_for_changes(client):
    reviewer = make_user(Role.REVIEWER)
    req = make_request(S.CHANGES_REQUESTED, reviewer=reviewer)
    login(client, req.leader)
    page = client.get(f"/requests/{req.id}")
    assert "Please say more about how often you meet." in text_of(page)
    edit = client.get(f"/requests/{req.id}/edit")
    assert soup(edit).find("input", {"name": "quantity"})["value"] == "5"
    response = submit(client, f"/requests/{req.id}/edit", form_data(quantity="3"))
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.state == S.SUBMITTED and req.quantity_requested == 3
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail.to_address == reviewer.email and mail.template == "bible_request/resubmitted"
    # Only while changes are asked for.
    again = client.get(f"/requests/{req.id}/edit")
    assert again.status_code == 302


def test_a_leader_cancels_before_shipping_but_not_after(client):
    req = make_request(S.APPROVED)
    login(client, req.leader)
    assert (
        submit(client, f"/requests/{req.id}/cancel", {}, form_url=f"/requests/{req.id}").status_code
        == 302
    )
    db.session.refresh(req)
    assert req.state == S.CANCELLED
    shipped = make_request(S.SHIPPED, leader=make_leader())
    login(client, shipped.leader)
    page = soup(client.get(f"/requests/{shipped.id}"))
    assert page.find("form", action=f"/requests/{shipped.id}/cancel") is None
    response = submit(
        client, f"/requests/{shipped.id}/cancel", {}, form_url=f"/requests/{shipped.id}"
    )
    assert response.status_code == 302
    assert "not possible" in text_of(client.get(f"/requests/{shipped.id}"))
    db.session.refresh(shipped)
    assert shipped.state == S.SHIPPED


def test_a_leader_confirms_receipt_and_learns_when_proof_is_due(client):
    set_setting("verification_days", 30)
    db.session.commit()
    req = make_request(S.SHIPPED)
    login(client, req.leader)
    response = submit(client, f"/requests/{req.id}/received", {}, form_url=f"/requests/{req.id}")
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.state == S.RECEIVED and not req.received_assumed
    assert req.verification_due_at - req.received_at == timedelta(days=30)
    assert "Proof is due by" in text_of(client.get(f"/requests/{req.id}"))
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail.to_address == req.leader.email and mail.template == "bible_request/received"


def test_two_submissions_at_once_make_one_request(app):
    from app.accounts.models import User
    from app.bible_requests import services
    from tests.bible_requests.factories import race, request_values

    leader_id = make_leader().id

    def send() -> str:
        services.submit_request(db.session.get(User, leader_id), request_values(), ELIGIBLE)
        return "sent"

    assert sorted(race(app, send, send)) == ["RequestError", "sent"]
    assert requests_count() == 1


def test_line_breaks_in_names_never_reach_email_headers(client):
    reviewer = make_user(Role.REVIEWER)
    leader = make_leader(organization="Hope\r\nBcc: victim@example.org", name="Kim\r\nX-Evil: 1")
    passed_check(client, leader)
    assert submit(client, "/requests/new", form_data()).status_code == 302
    mail = db.session.scalar(select(OutboxMessage))
    req = db.session.scalar(select(BibleRequest))
    assert mail.to_address == reviewer.email
    assert mail.subject == f"New Bible request #{req.id} from Hope Bcc: victim@example.org"
    from app.bible_requests.workflow import transition

    transition(req, S.CHANGES_REQUESTED, reviewer, "More, please.")
    db.session.commit()
    to_leader = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert to_leader.to_name == "Kim X-Evil: 1"
