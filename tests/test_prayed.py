"""'I prayed': a POST with CSRF, once per visitor per request per day, safe under concurrency."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.content.models import PrayedMark, PrayerRequest
from app.database import utcnow
from app.extensions import db
from tests.factories import make_prayer
from tests.helpers import csrf_token, soup


def prayed_count(prayer_id: int) -> int:
    db.session.expire_all()
    return db.session.get(PrayerRequest, prayer_id).prayed_count


def press(client, prayer, page=None):
    token = csrf_token(client, page or f"/prayer/{prayer.slug}")
    return client.post(f"/prayer/{prayer.slug}/prayed", data={"csrf_token": token})


def test_press_counts_and_shows_the_new_count(client):
    prayer = make_prayer()
    response = press(client, prayer)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/prayer/{prayer.slug}#prayer-{prayer.id}")
    assert prayed_count(prayer.id) == 1
    page = soup(client.get(f"/prayer/{prayer.slug}"))
    assert page.find(id=f"prayed-count-{prayer.id}").get_text(strip=True) == "1 person prayed"
    assert "Thank you for praying." in page.get_text()


def test_post_without_csrf_token_is_refused(client):
    prayer = make_prayer()
    response = client.post(f"/prayer/{prayer.slug}/prayed")
    assert response.status_code == 400
    assert prayed_count(prayer.id) == 0


def test_get_does_not_count(client):
    prayer = make_prayer()
    assert client.get(f"/prayer/{prayer.slug}/prayed").status_code == 405
    assert prayed_count(prayer.id) == 0


def test_once_per_visitor_per_day(client):
    prayer = make_prayer()
    with time_machine.travel(utcnow(), tick=False) as clock:
        press(client, prayer)
        second = press(client, prayer)
        assert prayed_count(prayer.id) == 1
        assert "already counted" in soup(client.get(second.headers["Location"])).get_text()
        clock.shift(timedelta(days=1))
        press(client, prayer)
    assert prayed_count(prayer.id) == 2


def test_each_visitor_counts(app):
    prayer = make_prayer()
    for n in range(3):
        visitor = app.test_client()
        visitor.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}"
        press(visitor, prayer)
    assert prayed_count(prayer.id) == 3


def test_no_raw_ip_is_stored(app):
    prayer = make_prayer()
    visitor = app.test_client()
    visitor.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    press(visitor, prayer)
    mark = db.session.scalar(select(PrayedMark))
    assert re.fullmatch(r"[0-9a-f]{64}", mark.visitor_hash)
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            assert "198.51.100.77" not in repr(tuple(row)), table.name


def test_pressing_from_a_list_returns_to_the_list(client):
    prayer = make_prayer()
    token = csrf_token(client, "/prayer/")
    response = client.post(
        f"/prayer/{prayer.slug}/prayed", data={"csrf_token": token, "next": "/prayer/?page=1"}
    )
    assert response.headers["Location"] == f"/prayer/?page=1#prayer-{prayer.id}"
    response = client.post(
        f"/prayer/{prayer.slug}/prayed", data={"csrf_token": token, "next": "//evil.example/"}
    )
    assert response.headers["Location"] == f"/prayer/{prayer.slug}#prayer-{prayer.id}"


def _simultaneous(app, prayer, addresses):
    clients = []
    for address in addresses:
        visitor = app.test_client()
        visitor.environ_base["REMOTE_ADDR"] = address
        clients.append((visitor, csrf_token(visitor, f"/prayer/{prayer.slug}")))
    barrier = threading.Barrier(len(clients))
    statuses = []

    def go(visitor, token):
        barrier.wait()
        statuses.append(
            visitor.post(f"/prayer/{prayer.slug}/prayed", data={"csrf_token": token}).status_code
        )

    threads = [threading.Thread(target=go, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_presses_by_different_visitors_all_count(app):
    prayer = make_prayer()
    statuses = _simultaneous(app, prayer, [f"192.0.2.{n}" for n in range(8)])
    assert statuses == [302] * 8
    assert prayed_count(prayer.id) == 8


def test_simultaneous_presses_by_one_visitor_count_once(app):
    prayer = make_prayer()
    statuses = _simultaneous(app, prayer, ["192.0.2.50"] * 6)
    assert statuses == [302] * 6
    assert prayed_count(prayer.id) == 1
