"""Who may reach what: another leader's request and photos answer 404; staff pages need the
reviewer role and two-factor; every route declares its access."""

from __future__ import annotations

import pytest

from app.bible_requests.models import RequestState
from app.security import Role, access_of
from tests.bible_requests.factories import make_request
from tests.factories import make_leader, make_user
from tests.helpers import csrf_token, login

S = RequestState


@pytest.fixture
def verified_request():
    return make_request(S.VERIFICATION_SUBMITTED)


def own_pages(req, photo):
    return [
        ("get", f"/requests/{req.id}"),
        ("get", f"/requests/{req.id}/edit"),
        ("get", f"/requests/{req.id}/verification"),
        ("get", f"/requests/{req.id}/cards"),
        ("post", f"/requests/{req.id}/cancel"),
        ("post", f"/requests/{req.id}/received"),
        ("post", f"/requests/{req.id}/verification"),
        ("get", f"/requests/{req.id}/photos/{photo.id}"),
    ]


def test_another_leader_gets_404_for_every_page_of_a_request_and_its_photos(
    client, verified_request
):
    photo = verified_request.verifications[0].photos[0]
    stranger = make_leader()
    login(client, stranger)
    token = csrf_token(client, "/requests/eligibility")
    for method, url in own_pages(verified_request, photo):
        data = {"csrf_token": token} if method == "post" else None
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)


def test_the_owner_reaches_them(client, verified_request):
    photo = verified_request.verifications[0].photos[0]
    login(client, verified_request.leader)
    assert client.get(f"/requests/{verified_request.id}").status_code == 200
    with client.get(f"/requests/{verified_request.id}/photos/{photo.id}") as response:
        assert response.status_code == 200


def test_a_photo_is_not_reachable_through_another_request_s_address(client, verified_request):
    photo = verified_request.verifications[0].photos[0]
    mine = make_request(S.SUBMITTED)
    login(client, mine.leader)
    assert client.get(f"/requests/{mine.id}/photos/{photo.id}").status_code == 404


def test_missing_requests_and_photos_answer_404(client):
    login(client, make_leader())
    assert client.get("/requests/999").status_code == 404
    assert client.get("/requests/999/photos/1").status_code == 404


@pytest.mark.parametrize(
    ("roles", "mfa", "expected"),
    [
        ((Role.REVIEWER,), True, 200),
        ((Role.ADMIN,), True, 200),
        ((Role.REVIEWER,), False, 404),  # reviewers must have completed two-factor
        ((Role.MODERATOR,), True, 404),
        ((Role.EDITOR,), True, 404),
    ],
)
def test_photos_are_served_to_reviewers_only_after_two_factor(
    client, verified_request, roles, mfa, expected
):
    photo = verified_request.verifications[0].photos[0]
    login(client, make_user(*roles), mfa=mfa)
    with client.get(f"/requests/{verified_request.id}/photos/{photo.id}") as response:
        assert response.status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, verified_request):
    photo = verified_request.verifications[0].photos[0]
    response = client.get(f"/requests/{verified_request.id}/photos/{photo.id}")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert client.get(f"/requests/{verified_request.id}").status_code == 302


STAFF_PAGES = [
    "/staff/requests/",
    "/staff/requests/export.csv",
    "/staff/requests/stock",
    "/staff/requests/reports",
    "/staff/requests/decline-reasons",
    "/staff/requests/decline-reasons/new",
    "/staff/requests/defectors/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_need_the_reviewer_role_and_two_factor(client, url):
    assert client.get(url).headers["Location"].startswith("/account/login")
    login(client, make_leader())
    assert client.get(url).status_code == 403
    login(client, make_user(Role.MODERATOR))
    assert client.get(url).status_code == 403
    login(client, make_user(Role.REVIEWER), mfa=False)
    assert client.get(url).headers["Location"] == "/account/two-factor"
    login(client, make_user(Role.REVIEWER))
    assert client.get(url).status_code == 200


def test_every_route_of_the_feature_declares_its_access(app):
    ours = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("requests", "nk_bible")
        or rule.endpoint.startswith("staff.requests.")
    ]
    assert len(ours) >= 25
    for rule in ours:
        access = access_of(app.view_functions[rule.endpoint])
        assert access, rule.endpoint
        if rule.endpoint.startswith("staff.requests."):
            assert access == ("staff", "reviewer"), rule.endpoint


def test_the_pages_render_in_korean_too(app, client):
    req = make_request(S.VERIFICATION_RETURNED)
    login(client, req.leader)
    for url in (
        "/requests/",
        f"/requests/{req.id}",
        f"/requests/{req.id}/verification",
        f"/requests/{req.id}/cards",
        "/requests/not-eligible?reason=event",
    ):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=ko")
        assert response.status_code == 200, url
        assert 'lang="ko"' in response.get_data(as_text=True)
    staff = app.test_client()
    login(staff, make_user(Role.REVIEWER))
    for url in (*STAFF_PAGES[:1], *STAFF_PAGES[2:], f"/staff/requests/{req.id}"):
        assert staff.get(url + "?lang=ko").status_code == 200, url
    assert app.test_client().get("/nk-bible/?lang=ko").status_code == 200
