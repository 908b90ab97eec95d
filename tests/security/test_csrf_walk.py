"""CSRF and safe methods, walked over the whole url map.

Every POST route, sent by someone allowed to use it but without a CSRF token, is refused with
400 and changes nothing; the only exception is the RFC 8058 one-click unsubscribe, which mail
clients send without cookies and which its signed token authenticates. No GET route changes
the database, whoever asks.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.security import access_of
from app.subscriptions.models import SubscriberStatus
from tests.security.test_access_matrix import routes
from tests.security.world import IDENTITIES, build_world, database_fingerprint, url_for_rule

CSRF_EXEMPT = {"subscriptions.one_click"}
# Downloading personal data is itself recorded: the audit trail is the only write a GET may make.
RECORDED_READS = {"staff.audit.export", "staff.requests.export"}


def _who_may(access: tuple[str, ...]) -> str:
    kind = access[0]
    if kind == "public":
        return "anonymous"
    if kind == "staff":
        return "admin"
    return "leader_a"


def test_every_post_without_a_token_is_refused_and_changes_nothing(app):
    world = build_world()
    clients = {}
    for identity in ("anonymous", "leader_a", "admin"):
        clients[identity] = app.test_client()
        world.sign_in(clients[identity], identity)
    before = database_fingerprint()
    wrong, refused = [], 0
    for rule in routes(app, "POST"):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        client = clients[_who_may(access_of(app.view_functions[rule.endpoint]))]
        data = {"email": "reader@example.org", "name": "Reader", "body": "Hello", "note": "x"}
        response = client.post(url_for_rule(rule, world), data=data)
        refused += 1
        if response.status_code != 400:
            wrong.append((rule.rule, response.status_code))
        # A wrong token is no better than none.
        data["csrf_token"] = "forged-token"
        response = client.post(url_for_rule(rule, world), data=data)
        if response.status_code != 400:
            wrong.append((rule.rule, "forged", response.status_code))
    assert wrong == []
    assert refused >= 70
    assert database_fingerprint() == before


def test_the_one_click_unsubscribe_needs_no_csrf_token(app):
    world = build_world()
    subscriber = world.objects["subscriber"]
    rule = next(r for r in routes(app, "POST") if r.endpoint == "subscriptions.one_click")
    response = app.test_client().post(
        url_for_rule(rule, world), data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_get_changes_the_database(app, identity):
    world = build_world()
    client = app.test_client()
    world.sign_in(client, identity)
    changed, walked = [], 0
    for rule in routes(app, "GET"):
        before = database_fingerprint()
        with client.get(url_for_rule(rule, world)) as response:
            assert response.status_code < 500, rule.rule
        walked += 1
        after = database_fingerprint()
        if rule.endpoint in RECORDED_READS:
            after.pop("audit_events"), before.pop("audit_events")
        if after != before:
            changed.append((rule.rule, [t for t in after if after[t] != before[t]]))
    assert walked >= 85
    assert changed == []
