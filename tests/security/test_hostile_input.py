"""Hostile input everywhere: every XSS vector of the vendored corpora sent through every field
that is shown to anyone, and every page that shows it parsed for executable markup.

Surfaces: comments (name, body), a leader's profile (what reviewers read), a Bible request's
plan and shipping details (what reviewers read), a subscriber's name (staff pages), stories
and prayer requests written by staff (public pages), and a defector's request (reviewers).
Each test counts the (vector, field) pairs it sent; the total is in the README.
"""

from __future__ import annotations

import time

import time_machine
from sqlalchemy import select

from app.bible_requests.models import DefectorRequest, RequestState
from app.bible_requests.workflow import transition
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.security import Role
from app.subscriptions import tokens as subscription_tokens
from tests.bible_requests.factories import PLAN, make_request
from tests.comments.factories import page_url, post_comment
from tests.email.factories import make_subscriber
from tests.factories import make_leader, make_prayer, make_story, make_user
from tests.helpers import csrf_token, login, soup, submit
from tests.security.inert import assert_page_inert, executable_markup, load_vectors
from tests.staff.factories import form_values, make_staff

VECTORS = load_vectors()
COMMITMENTS = ("commit_free_gift", "commit_contact", "commit_photo", "commit_no_storing")


def test_the_corpus_holds_at_least_150_distinct_vectors():
    assert len(VECTORS) >= 150
    assert len(set(VECTORS)) == len(VECTORS)


def test_the_checker_catches_what_it_must():
    """Each vector, pasted raw into a page, is caught unless it is plain text to a browser."""
    caught = [v for v in VECTORS if executable_markup(f"<p>{v}</p>")]
    assert len(caught) >= 190
    assert executable_markup("<script>alert(1)</script>") != []
    assert executable_markup('<script nonce="n">x()</script>', "n") == []
    assert executable_markup('<script src="/static/js/a.js"></script>') == []


def test_comment_names_and_bodies(app, client):
    story = make_story()
    token = csrf_token(client, page_url(story))
    pairs = 0
    for n, vector in enumerate(VECTORS):
        for fields in ({"name": f"V{n}", "body": vector}, {"name": vector, "body": f"Body {n}"}):
            response = post_comment(client, story, token=token, **fields)
            assert response.status_code in (302, 422), (vector, response.status_code)
            if response.status_code == 422:  # shown again with what was typed
                assert_page_inert(response, f"comment form again: {vector!r}")
            pairs += 1
    moderator = app.test_client()
    login(moderator, make_user(Role.MODERATOR))
    ids = db.session.scalars(select(Comment.id).where(Comment.status == CommentStatus.PENDING))
    ids = list(ids)
    submit(moderator, "/staff/comments/bulk", {"action": "approve", "ids": ids},
           form_url="/staff/comments/")  # fmt: skip
    assert len(ids) >= len(VECTORS)
    assert_page_inert(app.test_client().get(page_url(story)), "public thread")
    for number in range(1, len(ids) // 25 + 2):
        assert_page_inert(moderator.get(f"/staff/comments/?status=approved&page={number}"), number)
    for comment_id in ids:
        assert_page_inert(moderator.get(f"/staff/comments/{comment_id}"), comment_id)
    assert pairs == 2 * len(VECTORS)


# Each field with its length limit (longer vectors are cut to fit, as a person would have to).
PROFILE_FIELDS = {"organization": 200, "position": 120, "city": 120, "country": 80,
                  "reference": 1000, "ministry_description": 4000, "ministry_since": 40,
                  "meeting_frequency": 120, "note": 2000}  # fmt: skip


def test_leader_profiles_as_reviewers_read_them(app, client):
    leader = make_leader(name="Leader")
    login(client, leader)
    reviewer = app.test_client()
    login(reviewer, make_staff(Role.REVIEWER))
    profile_id = leader.leader_profile.id
    pairs = accepted = 0
    for vector in VECTORS:
        data = form_values(client, "/account/profile", "form.form")
        data.update({name: vector[:limit] for name, limit in PROFILE_FIELDS.items()})
        data["ministry_description"] = f"{vector} (we meet weekly)"
        response = client.post("/account/profile", data=data)
        assert response.status_code in (200, 302), (vector, response.status_code)
        accepted += response.status_code == 302
        assert_page_inert(response, f"profile answer: {vector!r}")
        assert_page_inert(client.get("/account/profile"), f"own profile: {vector!r}")
        assert_page_inert(reviewer.get(f"/staff/leaders/{profile_id}"), f"review: {vector!r}")
        pairs += len(PROFILE_FIELDS)
    assert_page_inert(reviewer.get("/staff/leaders/"), "leaders queue")
    assert accepted >= len(VECTORS) * 0.8, accepted
    assert pairs == len(PROFILE_FIELDS) * len(VECTORS)


REQUEST_FIELDS = ("plan", "ship_to", "ship_address", "ship_country")


def test_bible_request_plans_as_reviewers_read_them(app, client):
    req = make_request(RequestState.CHANGES_REQUESTED)
    reviewer_user = make_staff(Role.REVIEWER)
    login(client, req.leader)
    reviewer = app.test_client()
    login(reviewer, reviewer_user)
    url = f"/requests/{req.id}/edit"
    pairs = accepted = 0
    for vector in VECTORS:
        data = form_values(client, url, "form.form")
        data.update(dict.fromkeys(COMMITMENTS, "y"))
        data.update({
            "plan": f"{vector}\n{PLAN}", "ship_to": vector[:120], "ship_address": vector,
            "ship_country": vector[:80],
        })  # fmt: skip
        response = client.post(url, data=data)
        assert response.status_code in (200, 302), (vector, response.status_code)
        accepted += response.status_code == 302
        assert_page_inert(response, f"request form answer: {vector!r}")
        assert_page_inert(reviewer.get(f"/staff/requests/{req.id}"), f"review: {vector!r}")
        assert_page_inert(client.get(f"/requests/{req.id}"), f"leader's view: {vector!r}")
        db.session.expire_all()
        if req.state == RequestState.SUBMITTED:
            # Called directly (not through a form, which drops NUL bytes as every form does).
            note = vector.replace("\x00", "")
            transition(req, RequestState.CHANGES_REQUESTED, reviewer_user, note)
            db.session.commit()
        pairs += len(REQUEST_FIELDS)
    assert_page_inert(reviewer.get("/staff/requests/"), "requests queue")
    assert accepted >= len(VECTORS) * 0.8, accepted
    assert pairs == len(REQUEST_FIELDS) * len(VECTORS)


def test_subscriber_names_as_staff_see_them(app, client):
    subscriber = make_subscriber()
    url = f"/subscription/{subscription_tokens.sign(subscriber.token)}"
    staff = app.test_client()
    login(staff, make_staff(Role.EDITOR))
    pairs = accepted = 0
    for vector in VECTORS:
        data = form_values(client, url, "form", name=vector)
        response = client.post(url, data=data)
        assert response.status_code in (200, 302, 422), (vector, response.status_code)
        db.session.expire_all()
        accepted += subscriber.name == vector
        assert_page_inert(response, f"preferences answer: {vector!r}")
        assert_page_inert(staff.get(f"/staff/subscribers/{subscriber.id}"), vector)
        pairs += 1
    assert_page_inert(staff.get("/staff/subscribers/"), "subscribers list")
    assert accepted >= len(VECTORS) * 0.8, accepted
    assert pairs == len(VECTORS)


CONTENT_FIELDS = ("title_en", "summary_en", "body_en", "title_ko", "body_ko")


def _staff_writes(app, client, kind: str, item, public_url: str) -> int:
    login(client, make_staff(Role.EDITOR))
    visitor = app.test_client()
    url = f"/staff/content/{kind}/{item.id}"
    pairs = accepted = 0
    for vector in VECTORS:
        data = form_values(client, url, action="publish")
        data.update(dict.fromkeys(CONTENT_FIELDS, vector))
        data["title_en"] = data["title_ko"] = f"Title {pairs} {vector}"[:200]
        response = client.post(url, data=data)
        assert response.status_code in (200, 302), (vector, response.status_code)
        assert_page_inert(response, f"{kind} form answer: {vector!r}")
        db.session.expire_all()
        accepted += item.body_en == vector
        assert_page_inert(visitor.get(public_url + item.slug), f"{kind} page: {vector!r}")
        assert_page_inert(visitor.get(public_url + item.slug + "?lang=ko"), f"ko: {vector!r}")
        pairs += len(CONTENT_FIELDS)
    assert_page_inert(visitor.get(public_url), f"{kind} list")
    assert_page_inert(visitor.get("/"), "home page")
    assert accepted >= len(VECTORS) * 0.8, accepted
    return pairs


def test_story_bodies_written_by_staff(app, client):
    pairs = _staff_writes(app, client, "stories", make_story(), "/stories/")
    assert pairs == len(CONTENT_FIELDS) * len(VECTORS)


def test_prayer_requests_written_by_staff(app, client):
    pairs = _staff_writes(app, client, "prayer", make_prayer(), "/prayer/")
    assert pairs == len(CONTENT_FIELDS) * len(VECTORS)


DEFECTOR_FIELDS = ("name", "country", "postal_address", "contact", "reason")


def test_defector_requests_as_reviewers_read_them(app, client):
    reviewer = app.test_client()
    login(reviewer, make_staff(Role.REVIEWER))
    pairs = 0
    for n, vector in enumerate(VECTORS):
        client.environ_base["REMOTE_ADDR"] = f"203.0.{n // 250}.{n % 250 + 1}"
        page = soup(client.get("/nk-bible/?lang=en"))
        data = {
            "csrf_token": page.find("input", {"name": "csrf_token"})["value"],
            "shown_at": page.find("input", {"name": "shown_at"})["value"],
            "name": vector[:60], "country": vector[:80], "postal_address": vector,
            "contact": vector[:200], "reason": vector,
        }  # fmt: skip
        with time_machine.travel(time.time() + 5, tick=False):
            response = client.post("/nk-bible/", data=data)
        assert response.status_code in (200, 302, 422), (vector, response.status_code)
        assert_page_inert(response, f"defector form answer: {vector!r}")
        pairs += len(DEFECTOR_FIELDS)
    ids = db.session.scalars(select(DefectorRequest.id)).all()
    assert len(ids) >= len(VECTORS) * 0.9
    assert_page_inert(reviewer.get("/staff/requests/defectors/"), "defectors list")
    for defector_id in ids:
        assert_page_inert(reviewer.get(f"/staff/requests/defectors/{defector_id}"), defector_id)
    assert pairs == len(DEFECTOR_FIELDS) * len(VECTORS)
