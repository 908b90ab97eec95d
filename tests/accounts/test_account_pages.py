"""Every account page renders in both languages, for the people who may see it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.accounts.models import LeaderStatus
from app.security import Role
from tests.accounts.factories import make_leader_in, make_staff
from tests.helpers import login

PUBLIC = ["/account/login", "/account/signup", "/account/signup/check-email", "/account/reset"]
SIGNED_IN = [
    "/account/",
    "/account/profile",
    "/account/settings",
    "/account/settings/password",
    "/account/settings/email",
    "/account/settings/two-factor",
    "/account/settings/two-factor/enable",
]
STAFF = ["/staff/leaders/", "/staff/people/", "/staff/people/invite"]


def _check(response):
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1 is not None
    assert not page.select("[style]"), "no inline styles (CSP)"
    assert not [s for s in page.find_all("script") if not s.get("src")], "no inline scripts"
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "ids are unique"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_account_pages_render(client, lang):
    for url in PUBLIC:
        _check(client.get(f"{url}?lang={lang}"))
    login(client, make_leader_in(LeaderStatus.INFO_REQUESTED))
    for url in SIGNED_IN:
        _check(client.get(f"{url}?lang={lang}"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_staff_pages_render(client, lang):
    admin = make_staff(Role.ADMIN)
    leader = make_leader_in(LeaderStatus.PENDING_REVIEW)
    login(client, admin)
    urls = [*STAFF, f"/staff/leaders/{leader.leader_profile.id}", f"/staff/people/{leader.id}"]
    urls += [f"/staff/people/{admin.id}", "/staff/leaders/?tab=expiring", "/staff/people/?kind=all"]
    for url in urls:
        _check(client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}"))
