"""The access matrix: every route of `app.url_map`, requested as every kind of visitor.

Each endpoint declares who may reach it (app.security: public, user, leader, verified_leader,
staff + roles). The expected answer for each identity is derived from that declaration, so
a new route is checked the day it is added, and a route without a declaration fails.
Identities: anonymous, leader A (who owns the Bible request and photo in the URLs), leader B
(who does not) and one account per staff role, all with two-factor done.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app.security import Role, access_of, public
from tests.helpers import csrf_token
from tests.security.world import IDENTITIES, build_world, database_fingerprint, url_for_rule

STAFF = {r.value for r in (Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.REVIEWER)}
EVERYONE = dict.fromkeys(IDENTITIES)
SIGNED_IN = set(IDENTITIES) - {"anonymous"}

# Public pages whose answer does not depend on who asks, but is not a plain 200.
PUBLIC_ANSWERS: dict[str, dict[str, int]] = {
    # The comment form's own address only sends a browser back to the page holding it.
    "comments.post_page": dict.fromkeys(IDENTITIES, 302),
    # A prayer update is in the public archive only once it was sent.
    "subscriptions.archive_item": dict.fromkeys(IDENTITIES, 404),
    # Signing in or up again while signed in goes to one's own area.
    "accounts.login": {**dict.fromkeys(SIGNED_IN, 302), "anonymous": 200},
    "accounts.signup": {**dict.fromkeys(SIGNED_IN, 302), "anonymous": 200},
    "accounts.two_factor": dict.fromkeys(IDENTITIES, 302),
}

# Leader pages that send leader A on to the right step rather than showing a page.
LEADER_A_REDIRECTS = {
    "requests.edit": 302,  # the request is past the stage where it can be edited
    "requests.verification": 302,  # its verification is already submitted
    "requests.not_eligible": 302,  # only reached from the eligibility check
}
LEADER_B_REDIRECTS = {"requests.new": 302, "requests.not_eligible": 302}

# requests.photo is open to the leader who owns it and to reviewers; others get 404.
PHOTO = {"anonymous": 302, "leader_a": 200, "leader_b": 404, "admin": 200, "reviewer": 200,
         "editor": 404, "moderator": 404}  # fmt: skip


def expected_status(endpoint: str, access: tuple[str, ...], identity: str, owned: bool) -> int:
    """What `identity` must get from a GET of `endpoint`, from its declaration alone."""
    kind = access[0]
    if endpoint == "requests.photo":
        return PHOTO[identity]
    if kind == "public":
        return PUBLIC_ANSWERS.get(endpoint, {}).get(identity, 200)
    if identity == "anonymous":
        return 302  # to the sign-in page, checked below
    if kind == "user":
        return 200
    if kind in ("leader", "verified_leader"):
        if identity in STAFF:
            return 403
        if identity == "leader_b":
            return 404 if owned else LEADER_B_REDIRECTS.get(endpoint, 200)
        return LEADER_A_REDIRECTS.get(endpoint, 200)
    assert kind == "staff", (endpoint, access)
    if identity in ("leader_a", "leader_b"):
        return 403
    return 200 if identity == "admin" or identity in access[1:] else 403


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not access_of(view)
    )


def routes(app: Flask, method: str):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint != "static" and method in rule.methods:
            yield rule


def test_every_endpoint_declares_who_may_reach_it(app):
    assert len(app.view_functions) > 100
    assert undeclared_endpoints(app) == []


def test_an_undeclared_endpoint_is_caught():
    probe = Flask("probe")
    probe.add_url_rule("/declared", "declared", public(lambda: "ok"))
    probe.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    assert undeclared_endpoints(probe) == ["forgotten"]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_page_answers_each_identity_as_declared(app, identity):
    world = build_world()
    client = app.test_client()
    world.sign_in(client, identity)
    wrong, checked = [], 0
    for rule in routes(app, "GET"):
        access = access_of(app.view_functions[rule.endpoint])
        owned = "request_id" in rule.arguments
        want = expected_status(rule.endpoint, access, identity, owned)
        with client.get(url_for_rule(rule, world)) as response:
            got = response.status_code
            location = response.headers.get("Location", "")
        checked += 1
        if got != want:
            wrong.append((rule.rule, want, got, location))
        elif (
            got == 302
            and identity == "anonymous"
            and access[0] != "public"
            and not location.startswith("/account/login?next=")
        ):
            wrong.append((rule.rule, "login", got, location))
    assert checked >= 85
    assert wrong == []


def _refusal(endpoint: str, access: tuple[str, ...], identity: str, owned: bool) -> int | None:
    """The status a POST by `identity` must be refused with, or None if it is allowed."""
    kind = access[0]
    if kind == "public":
        return None
    if identity == "anonymous":
        return 302
    if endpoint == "requests.photo":
        return None
    if kind in ("leader", "verified_leader"):
        if identity in STAFF:
            return 403
        return 404 if identity == "leader_b" and owned else None
    if kind == "staff":
        if identity in ("leader_a", "leader_b"):
            return 403
        return None if identity == "admin" or identity in access[1:] else 403
    return None


@pytest.mark.parametrize("identity", IDENTITIES)
def test_refused_posts_change_nothing(app, identity):
    """Every form an identity may not use, sent with a valid CSRF token, is refused and the
    database is exactly as it was."""
    world = build_world()
    client = app.test_client()
    world.sign_in(client, identity)
    token = csrf_token(client, f"/prayer/{world.objects['prayer'].slug}")
    before = database_fingerprint()
    wrong, refused = [], 0
    for rule in routes(app, "POST"):
        access = access_of(app.view_functions[rule.endpoint])
        want = _refusal(rule.endpoint, access, identity, "request_id" in rule.arguments)
        if want is None:
            continue
        data = {"csrf_token": token, "status": "approved", "role": "admin", "quantity": "500"}
        response = client.post(url_for_rule(rule, world), data=data)
        refused += 1
        if response.status_code != want:
            wrong.append((rule.rule, want, response.status_code))
    assert wrong == []
    assert refused >= {"anonymous": 40, "leader_a": 40, "leader_b": 45}.get(identity, 5)
    assert database_fingerprint() == before
