"""The protections every response carries, checked on every route of the url map (GET pages
and refused POSTs, errors included), signed out and signed in; and no page refers to another
origin for anything it loads or sends."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.helpers import soup
from tests.security.test_access_matrix import routes
from tests.security.world import build_world, url_for_rule

LOADS = {"script": "src", "img": "src", "link": "href", "iframe": "src", "source": "src",
         "video": "src", "audio": "src", "form": "action", "object": "data"}  # fmt: skip
ORIGIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def check_headers(response, signed_in: bool, where: str) -> list[str]:
    wrong = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    policy = {d.split()[0]: d.strip() for d in csp.split(";") if d.strip()}
    # A directive left out falls back to default-src (the email preview sets only 'none').
    script = policy.get("script-src") or policy.get("default-src", "")
    if "unsafe-inline" in script or "unsafe-eval" in script or not script:
        wrong.append(f"{where}: script-src {script!r}")
    if "'none'" not in (policy.get("object-src") or policy.get("default-src", "")):
        wrong.append(f"{where}: object-src")
    for directive in ("base-uri 'none'", "frame-ancestors 'none'"):
        if directive not in csp:
            wrong.append(f"{where}: no {directive}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        wrong.append(f"{where}: nosniff")
    if not headers.get("Referrer-Policy") or not headers.get("Permissions-Policy"):
        wrong.append(f"{where}: Referrer-Policy / Permissions-Policy")
    if signed_in and headers.get("Cache-Control") != "no-store":
        wrong.append(f"{where}: Cache-Control {headers.get('Cache-Control')!r}")
    if response.mimetype == "text/html":
        for tag, attribute in LOADS.items():
            for element in soup(response).find_all(tag):
                value = element.get(attribute) or ""
                if ORIGIN.match(value) and not value.startswith("http://localhost/"):
                    wrong.append(f"{where}: {tag} {attribute}={value}")
    return wrong


@pytest.mark.parametrize("identity", ["anonymous", "leader_a", "admin"])
def test_every_response_carries_the_headers(app, identity):
    world = build_world()
    client = app.test_client()
    world.sign_in(client, identity)
    signed_in = identity != "anonymous"
    wrong, checked = [], 0
    for rule in routes(app, "GET"):
        with client.get(url_for_rule(rule, world)) as response:
            wrong += check_headers(response, signed_in, f"GET {rule.rule}")
        checked += 1
    for rule in routes(app, "POST"):  # without a token: the 400 page carries them too
        response = client.post(url_for_rule(rule, world), data={})
        wrong += check_headers(response, signed_in, f"POST {rule.rule} {response.status_code}")
        checked += 1
    for url in ("/no-such-page", "/stories/no-such-story", "/staff/requests/999999"):
        response = client.get(url)
        wrong += check_headers(response, signed_in, f"GET {url} {response.status_code}")
    assert checked >= 170
    assert wrong == []


def test_hsts_in_production_only(app):
    from app import create_app

    production = create_app(
        "production",
        {"SECRET_KEY": "x" * 48, "SITE_URL": "https://newcomers.example",
         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
         "CACHE_TYPE": "SimpleCache", "RATELIMIT_STORAGE_URI": "memory://"},
    )  # fmt: skip
    hsts = production.test_client().get("/about").headers.get("Strict-Transport-Security", "")
    with production.app_context():
        db.session.remove()
        db.engine.dispose()  # its own pool: close its connections now
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    assert "Strict-Transport-Security" not in app.test_client().get("/about").headers
