"""The eligibility check: in the ministry's own terms, for verified leaders only."""

from __future__ import annotations

import pytest

from app.accounts.models import LeaderStatus
from app.bible_requests.eligibility import QUESTIONS
from app.extensions import db
from app.security import Role
from app.settings import set_setting
from tests.bible_requests.factories import ELIGIBLE
from tests.factories import make_leader, make_user
from tests.helpers import login, soup, submit, text_of

URL = "/requests/eligibility"

# Each disqualifying answer, and words of the seed's own reasoning its page must carry.
REFUSALS = [
    ("role", "personal", "personal", "official leadership positions"),
    ("ministry", "starting", "not_started", "interested in starting an NK ministry"),
    ("work", "other", "not_discipleship", "how to use computers"),
    ("purpose", "event", "event", "not souvenirs"),
    ("purpose", "gift", "gift", "purchase them from us"),
    ("timing", "later", "storing", "store and use later"),
]


@pytest.fixture
def leader(client):
    user = make_leader()
    login(client, user)
    return user


def test_the_check_asks_every_question_in_the_ministry_s_terms(client, leader):
    page = soup(client.get(URL))
    assert page.h1.get_text(strip=True) == "Before you ask for NK Bibles"
    legends = [legend.get_text(" ", strip=True) for legend in page.select("main form legend")]
    assert len(legends) == len(QUESTIONS)
    text = page.get_text(" ")
    for phrase in (
        "official leadership position in my church's NK congregation",
        "missionary appointed to serve North Koreans",
        "leader at a Christian NGO",
        "give a Bible to a North Korean friend",
        "ongoing discipleship relationship",
        "special event, party or holiday",
        "gift bag",
        "computer or language classes",
        "keep some for later",
    ):
        assert phrase in text, phrase


@pytest.mark.parametrize(("question", "answer", "reason", "phrase"), REFUSALS)
def test_each_disqualifying_answer_leads_to_a_kind_page_with_the_reason(
    client, leader, question, answer, reason, phrase
):
    set_setting("purchase_url", "https://shop.example.org/nk-bible")
    db.session.commit()
    response = submit(client, URL, {**ELIGIBLE, question: answer})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/requests/not-eligible?reason={reason}"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    text = text_of(page)
    assert "Thank you for asking" in text
    assert phrase in text
    assert "not souvenirs" in text  # the ministry's closing reasoning on every refusal
    buy = soup(page).find("a", string="Buy NK Bibles")
    assert buy["href"] == "https://shop.example.org/nk-bible"
    # Refusing does not let the leader through to the form.
    assert client.get("/requests/new").headers["Location"] == URL


def test_several_reasons_are_all_explained(client, leader):
    response = submit(client, URL, {**ELIGIBLE, "ministry": "starting", "purpose": "event"})
    page = client.get(response.headers["Location"])
    titles = [h2.get_text(strip=True) for h2 in soup(page).select(".reason h2")]
    assert titles == [
        "Our free Bibles are for ministries that already exist",
        "Our free Bibles are not for events or gift bags",
    ]
    assert "you are welcome to ask again" in text_of(page)


def test_unknown_reasons_are_ignored(client, leader):
    response = client.get("/requests/not-eligible?reason=<script>")
    assert response.status_code == 302 and response.headers["Location"] == URL


def test_unanswered_questions_are_asked_again_not_refused(client, leader):
    response = submit(client, URL, {"role": "church"})
    assert response.status_code == 200
    assert "Please choose an answer." in text_of(response)
    assert soup(response).find("input", {"name": "role", "value": "church"}).has_attr("checked")


def test_passing_opens_the_form(client, leader):
    response = submit(client, URL, ELIGIBLE)
    assert response.headers["Location"] == "/requests/new"
    form = client.get("/requests/new")
    assert form.status_code == 200
    assert soup(form).h1.get_text(strip=True) == "Ask for NK Bibles"


def test_the_form_needs_the_check_first(client, leader):
    response = client.get("/requests/new")
    assert response.status_code == 302 and response.headers["Location"] == URL


@pytest.mark.parametrize("status", [s for s in LeaderStatus if s != LeaderStatus.VERIFIED])
def test_leaders_not_verified_cannot_reach_the_check_or_the_form(client, status):
    login(client, make_leader(status))
    for url in (URL, "/requests/new"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/account/"


def test_an_expired_verification_is_not_enough(client):
    from datetime import timedelta

    from app.database import utcnow

    user = make_leader()
    user.leader_profile.verification_expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login(client, user)
    assert client.get(URL).headers["Location"] == "/account/"


def test_staff_and_strangers_cannot_use_the_leader_pages(client):
    assert client.get(URL).headers["Location"].startswith("/account/login")
    login(client, make_user(Role.REVIEWER))
    assert client.get(URL).status_code == 403
    assert client.get("/requests/").status_code == 403
