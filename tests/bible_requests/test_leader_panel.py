"""The account home's panel: the leader's current request, its state and next step."""

from __future__ import annotations

import flask_login
from bs4 import BeautifulSoup
from flask import render_template

from app.bible_requests.models import RequestState
from app.security import Role
from tests.bible_requests.factories import make_request
from tests.factories import make_leader, make_user

S = RequestState


def panel(app, user) -> str:
    with app.test_request_context():
        flask_login.login_user(user)
        return render_template("bible_requests/_leader_panel.html")


def test_a_leader_without_requests_is_invited_to_ask(app):
    html = BeautifulSoup(panel(app, make_leader()), "html.parser")
    assert html.select_one("a.button")["href"] == "/requests/eligibility"


def test_the_panel_shows_the_current_request_and_its_next_step(app):
    req = make_request(S.RECEIVED)
    html = BeautifulSoup(panel(app, req.leader), "html.parser")
    assert html.select_one(".request-state").get_text() == "Received: proof due"
    links = {a["href"] for a in html.select("a")}
    assert f"/requests/{req.id}/verification" in links and f"/requests/{req.id}/cards" in links


def test_after_verification_the_leader_may_ask_again(app):
    req = make_request(S.VERIFIED)
    html = BeautifulSoup(panel(app, req.leader), "html.parser")
    assert html.select_one(".request-state").get_text() == "Verified"
    assert html.select_one("a.button")["href"] == "/requests/eligibility"


def test_staff_see_no_panel(app):
    assert panel(app, make_user(Role.REVIEWER)).strip() == ""
