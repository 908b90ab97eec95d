"""The recipient cards: printable, Korean and English, VOM Korea's gift and contact details."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bible_requests.models import RequestState
from app.extensions import db
from app.settings import set_setting
from tests.bible_requests.factories import make_request
from tests.helpers import login, soup

S = RequestState
CSS = Path(__file__).resolve().parents[2] / "app" / "static" / "css" / "site.css"


@pytest.fixture
def approved(client):
    req = make_request(S.APPROVED)
    login(client, req.leader)
    return req


def test_one_card_per_bible_in_korean_and_english_with_the_contact_details(client, approved):
    set_setting("contact_details", "VOM Korea\nPO Box 123, Seoul\nnewcomers@vom.example")
    db.session.commit()
    page = soup(client.get(f"/requests/{approved.id}/cards"))
    cards = page.select(".card-sheet .recipient-card")
    assert len(cards) == approved.quantity == 5
    card = cards[0]
    korean, english = card.select_one("[lang=ko]"), card.select_one("[lang=en]")
    assert "한국 순교자의 소리에서 무료로 드리는 성경입니다" in korean.get_text()
    assert "This Bible is provided free of charge by VOM Korea." in english.get_text()
    assert (
        card.select_one("address").get_text()
        == "VOM Korea\nPO Box 123, Seoul\nnewcomers@vom.example"
    )
    assert (
        page.select_one("link[rel=stylesheet]")["href"]
        .split("?")[0]
        .endswith("/static/css/site.css")
    )
    assert page.body["class"] == ["print-cards"]


def test_the_number_of_cards_can_be_chosen_within_limits(client, approved):
    assert (
        len(soup(client.get(f"/requests/{approved.id}/cards?count=3")).select(".recipient-card"))
        == 3
    )
    assert (
        len(soup(client.get(f"/requests/{approved.id}/cards?count=5000")).select(".recipient-card"))
        == 200
    )
    assert (
        len(soup(client.get(f"/requests/{approved.id}/cards?count=-4")).select(".recipient-card"))
        == 1
    )


def test_the_print_stylesheet_fits_several_cards_on_an_a4_sheet():
    css = CSS.read_text()
    section = css[css.index("Recipient cards: eight per A4 sheet") :]
    # A named page: the cards' own A4 sheet with narrow margins.
    assert "@page cards { size: A4;" in section
    assert ".card-sheet { grid-template-columns: 1fr 1fr; grid-auto-rows: 70mm;" in section
    assert "break-inside: avoid" in section


def test_the_cards_page_has_no_inline_styles_or_scripts(client, approved):
    page = soup(client.get(f"/requests/{approved.id}/cards"))
    assert not page.select("[style]") and not page.select("script:not([src])")


def test_cards_come_with_approval(client):
    req = make_request(S.SUBMITTED)
    login(client, req.leader)
    response = client.get(f"/requests/{req.id}/cards")
    assert response.status_code == 302 and response.headers["Location"] == f"/requests/{req.id}"
