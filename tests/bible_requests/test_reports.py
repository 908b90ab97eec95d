"""Reports: the distribution chart (server-side SVG), per organization, the public counter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import time_machine
from flask import render_template

from app.bible_requests import chart, reports
from app.bible_requests.models import RequestState
from app.extensions import db
from app.security import Role
from app.settings import set_setting
from app.staff.dashboard import panels_for
from tests.bible_requests.factories import make_request, step
from tests.factories import make_leader, make_user
from tests.helpers import login, soup, text_of

S = RequestState
SVG = "{http://www.w3.org/2000/svg}"


def history():
    """Two organizations over three months (the clock is frozen in June 2030)."""
    reviewer = make_user(Role.REVIEWER)
    with time_machine.travel(datetime(2030, 4, 10, tzinfo=UTC), tick=False) as clock:
        hope = make_request(
            S.APPROVED, leader=make_leader(organization="Hope Church"), reviewer=reviewer
        )
        clock.move_to(datetime(2030, 5, 3, tzinfo=UTC))
        step(hope, S.SHIPPED, reviewer)
        step(hope, S.RECEIVED, reviewer)
        step(hope, S.VERIFICATION_SUBMITTED, reviewer)
        clock.move_to(datetime(2030, 6, 2, tzinfo=UTC))
        step(hope, S.VERIFIED, reviewer)
        make_request(
            S.APPROVED,
            leader=make_leader(organization="Grace NGO"),
            reviewer=reviewer,
            quantity_requested=3,
        )
        cancelled = make_request(S.APPROVED, reviewer=reviewer, quantity_requested=2)
        step(cancelled, S.CANCELLED, reviewer)
    return reviewer


def test_per_month_and_per_organization():
    history()
    with time_machine.travel(datetime(2030, 6, 20, tzinfo=UTC), tick=False):
        rows = {
            r.month.isoformat()[:7]: (r.approved, r.shipped, r.verified)
            for r in reports.per_month(12)
        }
        orgs = reports.per_organization(12)
    assert len(rows) == 12 and list(rows)[-1] == "2030-06"
    assert rows["2030-04"] == (5, 0, 0)
    assert rows["2030-05"] == (0, 5, 0)
    assert rows["2030-06"] == (3, 0, 5)  # the cancelled approval does not count
    by_org = {o["organization"]: (o["approved"], o["shipped"], o["verified"]) for o in orgs}
    assert by_org["Hope Church"] == (5, 5, 5)
    assert by_org["Grace NGO"] == (3, 0, 0)


def test_the_chart_is_plain_accessible_svg(app):
    history()
    with (
        time_machine.travel(datetime(2030, 6, 20, tzinfo=UTC), tick=False),
        app.test_request_context(),
    ):
        svg = render_template(
            "bible_requests/staff/_chart.svg", chart=chart.geometry(reports.per_month(12))
        )
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "NK Bibles approved, shipped and verified per month"
    assert "Jun 2030: Approved 3, Shipped 0, Verified 5" in root.find(f"{SVG}desc").text
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 36
    tallest = max(bars, key=lambda r: float(r.get("height")))
    assert tallest.find(f"{SVG}title").text in (
        "Apr 2030: Approved 5",
        "May 2030: Shipped 5",
        "Jun 2030: Verified 5",
    )
    assert "<script" not in svg and "style=" not in svg


def test_chart_text_is_escaped(app):
    from app.bible_requests.reports import MonthRow

    with app.test_request_context():
        geometry = chart.geometry([MonthRow(datetime(2030, 1, 1).date(), approved=2)])
        geometry["title"] = "<script>alert(1)</script>"
        svg = render_template("bible_requests/staff/_chart.svg", chart=geometry)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_axis_tops_are_round_numbers():
    assert [chart.nice_top(n) for n in (0, 1, 4, 5, 9, 37, 101, 999)] == [
        4,
        4,
        4,
        8,
        20,
        40,
        200,
        1000,
    ]


def test_the_reports_page_and_the_dashboard_panel(app, client):
    reviewer = history()
    with time_machine.travel(datetime(2030, 6, 20, tzinfo=UTC), tick=False):
        login(client, reviewer)
        page = client.get("/staff/requests/reports?months=6")
        assert page.status_code == 200
        assert soup(page).select_one("figure svg") is not None
        assert "Hope Church" in text_of(page)
        assert not soup(page).select("[style]")
        with app.test_request_context():
            (panel,) = [p for p in panels_for(reviewer) if p.template.startswith("bible_requests/")]
            html = render_template(panel.template, **panel.context())
    assert "NK Bible distribution" in html and "<svg" in html
    assert not [
        p for p in panels_for(make_user(Role.MODERATOR)) if p.template.startswith("bible_requests/")
    ]


def test_the_public_counter_on_the_home_page(client):
    make_request(S.VERIFIED)
    make_request(S.VERIFIED, quantity_requested=3)
    make_request(S.SHIPPED)  # not yet proven: not counted
    counter = soup(client.get("/")).select_one(".bible-counter")
    assert counter.get_text(" ", strip=True) == "8 North Korean Bibles given in discipleship"
    set_setting("show_public_counter", False)
    db.session.commit()
    page = soup(client.get("/"))
    assert page.select_one(".bible-counter") is None
    # The invitation for defectors stays, Korean first.
    invitation = page.select(".bible-home-defector")
    assert [p["lang"] for p in invitation] == ["ko", "en"]
    assert invitation[0].a["href"] == "/nk-bible/"
