"""Stock: recorded by staff, reserved on approval, deducted on shipping, never oversold."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit import AuditEvent
from app.bible_requests import inventory
from app.bible_requests.dashboard import bible_request_attention
from app.bible_requests.models import BibleRequest, RequestState, StockKind, StockMovement
from app.bible_requests.workflow import transition
from app.extensions import db
from app.security import Role
from app.settings import set_setting
from tests.bible_requests.factories import add_stock, make_request, race, step
from tests.factories import make_user
from tests.helpers import login, soup, submit, text_of

S = RequestState


@pytest.fixture
def reviewer(client):
    user = make_user(Role.REVIEWER)
    login(client, user)
    return user


def levels() -> tuple[int, int, int]:
    stock = inventory.levels()
    return stock.on_hand, stock.reserved, stock.available


def test_staff_record_arrivals_and_corrections(client, reviewer):
    response = submit(
        client,
        "/staff/requests/stock",
        {"kind": "received", "quantity": "120", "note": "From the printer"},
    )
    assert response.status_code == 302
    assert levels() == (120, 0, 120)
    submit(
        client,
        "/staff/requests/stock",
        {"kind": "adjustment", "quantity": "-3", "note": "Water damage"},
    )
    assert levels() == (117, 0, 117)
    page = text_of(client.get("/staff/requests/stock"))
    assert "Water damage" in page and "From the printer" in page
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["bible_stock.received", "bible_stock.adjustment"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "adjustment", "quantity": "-5", "note": ""},
            "Please write why the count changes.",
        ),
        (
            {"kind": "adjustment", "quantity": "-500", "note": "count"},
            "fewer than zero Bibles on hand",
        ),
        ({"kind": "received", "quantity": "0", "note": ""}, "Enter how many Bibles arrived"),
        ({"kind": "received", "quantity": "lots", "note": ""}, "Enter a whole number, in digits."),
    ],
)
def test_stock_entries_that_make_no_sense_are_refused(client, reviewer, data, message):
    add_stock(10, reviewer)
    response = submit(client, "/staff/requests/stock", data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert levels() == (10, 0, 10)


def test_approval_reserves_shipping_deducts_and_cancelling_releases(reviewer):
    add_stock(20, reviewer)
    req = make_request(S.SUBMITTED, stock=0, reviewer=reviewer)
    step(req, S.APPROVED, reviewer)
    assert levels() == (20, 5, 15)
    step(req, S.SHIPPED, reviewer)
    assert levels() == (15, 0, 15)
    other = make_request(S.SUBMITTED, stock=0, reviewer=reviewer)
    step(other, S.APPROVED, reviewer)
    assert levels() == (15, 5, 10)
    step(other, S.CANCELLED, reviewer)  # the leader cancels before shipping
    assert levels() == (15, 0, 15)
    kinds = [m.kind for m in db.session.scalars(select(StockMovement).order_by(StockMovement.id))]
    assert kinds == [
        StockKind.RECEIVED, StockKind.RESERVED, StockKind.DEDUCTED, StockKind.RESERVED,
        StockKind.RELEASED,
    ]  # fmt: skip


def test_approval_is_refused_when_stock_is_short_and_a_lower_quantity_works(client, reviewer):
    add_stock(3, reviewer)
    req = make_request(S.SUBMITTED, stock=0, reviewer=reviewer)
    url = f"/staff/requests/{req.id}"
    response = submit(client, f"{url}/to/approved", {"approved-quantity": "5"}, form_url=url)
    assert response.status_code == 400
    assert "Only 3 Bibles are available" in text_of(response)
    db.session.refresh(req)
    assert req.state == S.SUBMITTED and levels() == (3, 0, 3)
    # The reviewer may lower the quantity.
    response = submit(
        client,
        f"{url}/to/approved",
        {"approved-quantity": "3", "approved-note": "We have 3 now."},
        form_url=url,
    )
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.state == S.APPROVED and req.quantity_approved == 3
    assert levels() == (3, 3, 0)


def test_approving_more_than_requested_is_refused(client, reviewer):
    req = make_request(S.SUBMITTED, reviewer=reviewer)
    url = f"/staff/requests/{req.id}"
    response = submit(client, f"{url}/to/approved", {"approved-quantity": "6"}, form_url=url)
    assert "Approve between 1 and 5 Bibles" in text_of(response)


def attention(app):
    with app.test_request_context():
        return list(bible_request_attention())


def test_low_stock_warns_reviewers(app, client, reviewer):
    set_setting("low_stock_threshold", 50)
    db.session.commit()
    add_stock(60, reviewer)
    assert not [a for a in attention(app) if "low" in a.label]
    req = make_request(S.SUBMITTED, stock=0, reviewer=reviewer)
    step(req, S.APPROVED, reviewer)  # 55 available
    inventory.record_adjustment(-10, reviewer, "recount")
    db.session.commit()
    (low,) = [a for a in attention(app) if "low" in a.label]
    assert low.count == 45 and low.level == "warning" and low.url == "/staff/requests/stock"
    page = client.get("/staff/requests/stock")
    assert "Stock is low" in text_of(page)
    assert "Low stock." in text_of(client.get("/staff/requests/"))
    assert soup(page).select_one(".stock-figures .low dd").get_text() == "45"


def test_two_reviewers_approving_at_once_cannot_both_take_the_last_bibles(app):
    """Two threads, two database sessions, one moment: exactly one approval wins."""
    reviewer = make_user(Role.REVIEWER)
    add_stock(5, reviewer)
    ids = [make_request(S.SUBMITTED, stock=0, reviewer=reviewer).id for _ in range(2)]
    reviewer_id = reviewer.id

    def approve(request_id: int):
        def step() -> str:
            req = db.session.get(BibleRequest, request_id)
            transition(req, S.APPROVED, db.session.get(User, reviewer_id), "", quantity=5)
            return "approved"

        return step

    assert sorted(race(app, approve(ids[0]), approve(ids[1]))) == ["StockError", "approved"]
    assert levels() == (5, 5, 0)
