"""Who reaches which staff page, what the navigation offers each role, and that the staff
area has no back doors (undeclared views, audit edits)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.security import Role, access_of
from tests.factories import make_leader, make_prayer, make_story
from tests.helpers import csrf_token, login, soup
from tests.staff.factories import STAFF, make_image, make_staff, sign_in

EDITORS = {Role.ADMIN, Role.EDITOR}
ADMINS = {Role.ADMIN}
EVERYONE = set(STAFF)

# (url, roles that may open it); {story}, {prayer}, {image} are filled in per test.
PAGES = [
    ("/staff/", EVERYONE),
    ("/staff/content/stories/", EDITORS),
    ("/staff/content/prayer/", EDITORS),
    ("/staff/content/projects/", EDITORS),
    ("/staff/content/stories/new", EDITORS),
    ("/staff/content/prayer/new", EDITORS),
    ("/staff/content/projects/new", EDITORS),
    ("/staff/content/stories/{story}", EDITORS),
    ("/staff/content/prayer/{prayer}", EDITORS),
    ("/staff/content/prayer/{prayer}/answer", EDITORS),
    ("/staff/media/", EDITORS),
    ("/staff/media/{image}", EDITORS),
    ("/staff/settings/", ADMINS),
    ("/staff/audit/", ADMINS),
    ("/staff/audit/export.csv", ADMINS),
]


def _fill(url: str) -> str:
    return url.format(
        story=make_story().id if "{story}" in url else "",
        prayer=make_prayer().id if "{prayer}" in url else "",
        image=make_image().id if "{image}" in url else "",
    )


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize(("url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_opens_only_for_its_roles(client, role, url, allowed):
    sign_in(client, role)
    response = client.get(_fill(url))
    assert response.status_code == (200 if role in allowed else 403)


POSTS = [
    ("/staff/content/stories/new", EDITORS),
    ("/staff/content/stories/{story}", EDITORS),
    ("/staff/content/stories/{story}/unpublish", EDITORS),
    ("/staff/content/prayer/{prayer}/answer", EDITORS),
    ("/staff/content/prayer/{prayer}/unanswer", EDITORS),
    ("/staff/media/", EDITORS),
    ("/staff/media/{image}", EDITORS),
    ("/staff/settings/", ADMINS),
]


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.REVIEWER])
@pytest.mark.parametrize(("url", "allowed"), POSTS, ids=[p[0] for p in POSTS])
def test_forms_refuse_roles_without_the_right_even_with_a_valid_token(client, role, url, allowed):
    sign_in(client, role)
    # A real token of this session, from a public page's "I prayed" form.
    token = csrf_token(client, f"/prayer/{make_prayer().slug}")
    data = {"csrf_token": token, "title_en": "Sneaky", "alt_en": "x", "ministry_name": "Evil"}
    assert client.post(_fill(url), data=data).status_code == 403


@pytest.mark.parametrize(("url", "_allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_signed_out_visitors_are_sent_to_sign_in(client, url, _allowed):
    response = client.get(_fill(url))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=/staff/")


@pytest.mark.parametrize("url", ["/staff/content/stories/", "/staff/settings/", "/staff/audit/"])
def test_staff_without_two_factor_are_sent_to_it(client, url):
    login(client, make_staff(Role.ADMIN), mfa=False)
    assert client.get(url).headers["Location"] == "/account/two-factor"


@pytest.mark.parametrize("url", ["/staff/content/stories/", "/staff/settings/", "/staff/audit/"])
def test_leaders_are_refused(client, url):
    login(client, make_leader())
    assert client.get(url).status_code == 403


NAV = {
    "Stories": EDITORS,
    "Prayer requests": EDITORS,
    "Projects": EDITORS,
    "Photos": EDITORS,
    "Settings": ADMINS,
    "Audit log": ADMINS,
}


@pytest.mark.parametrize("role", STAFF)
def test_navigation_and_shortcuts_offer_only_what_the_role_may_use(client, role):
    sign_in(client, role)
    page = soup(client.get("/staff/"))
    nav = {a.get_text(strip=True) for a in page.select(".staff-nav a")}
    for label, allowed in NAV.items():
        assert (label in nav) == (role in allowed), label
    shortcuts = {a.get_text(strip=True) for a in page.select(".shortcuts a")}
    assert ("Write a story" in shortcuts) == (role in EDITORS)
    assert ("Site settings" in shortcuts) == (role in ADMINS)
    full_log = page.find("a", string="The full audit log")
    assert (full_log is not None) == (role in ADMINS)


def test_every_staff_endpoint_declares_a_staff_role(app):
    staff_endpoints = [e for e in app.view_functions if e.startswith("staff.")]
    assert len(staff_endpoints) >= 12
    for endpoint in staff_endpoints:
        access = access_of(app.view_functions[endpoint])
        assert access is not None and access[0] == "staff", endpoint


def test_no_route_edits_or_deletes_audit_entries(app):
    for rule in app.url_map.iter_rules():
        assert not {"PUT", "PATCH", "DELETE"} & set(rule.methods), rule
        if "audit" in rule.endpoint:
            assert set(rule.methods) <= {"GET", "HEAD", "OPTIONS"}, rule
    # Nor does any code: AuditEvent rows are only ever added.
    for path in Path(app.root_path).rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"(delete|update)\(\s*AuditEvent", source), path
        assert not re.search(r"AuditEvent\)\.(delete|update)", source), path
