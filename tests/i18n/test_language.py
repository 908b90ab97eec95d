"""Choosing the language: ?lang=, the remembered choice, Accept-Language on a first visit, the
switch and hreflang links on every kind of page; forms, numbers and dates in that language."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale

from app.i18n import month_year, seed_date, timezone_name
from app.security import Role
from tests.accounts.test_signup import apply
from tests.bible_requests.factories import add_stock
from tests.factories import make_leader, make_story, make_user
from tests.helpers import login, soup, text_of


def switch(page, language: str) -> str:
    return page.select_one(f".lang-switch a[hreflang={language}]")["href"]


def alternates(page) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in page.select("link[hreflang]")}


def test_the_switch_keeps_the_page_and_its_other_query_parameters(client):
    make_story()
    page = soup(client.get("/stories/?page=1&lang=en"))
    assert switch(page, "ko") == "/stories/?page=1&lang=ko"
    assert switch(page, "en") == "/stories/?page=1&lang=en"
    page = soup(client.get("/stories/", query_string={"q": "김 & co"}))
    assert switch(page, "ko") == "/stories/?q=%EA%B9%80+%26+co&lang=ko"


def test_hreflang_links_name_the_same_page_with_its_query_in_each_language(client):
    make_story()
    page = soup(client.get("/stories/?page=1&lang=ko"))
    assert alternates(page) == {
        "en": "http://localhost/stories/?page=1&lang=en",
        "ko": "http://localhost/stories/?page=1&lang=ko",
        "x-default": "http://localhost/stories/?page=1",
    }
    story = make_story()
    page = soup(client.get(f"/stories/{story.slug}"))
    assert alternates(page)["ko"] == f"http://localhost/stories/{story.slug}?lang=ko"


def test_the_choice_is_remembered_until_changed(client):
    response = client.get("/?lang=ko")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ko;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert soup(client.get("/about")).html["lang"] == "ko"
    assert "소개" in text_of(client.get("/about"))
    client.get("/about?lang=en")
    assert soup(client.get("/")).html["lang"] == "en"


def test_a_first_visit_follows_the_browser_language(client):
    korean = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert soup(korean).html["lang"] == "ko"
    # Only a choice made on the site is remembered.
    assert not [c for c in korean.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    region_only = client.get("/stories/", headers={"Accept-Language": "ko-KR"})
    assert soup(region_only).html["lang"] == "ko"
    other = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert soup(other).html["lang"] == "en"
    chosen = client.get("/?lang=en", headers={"Accept-Language": "ko"})
    assert soup(chosen).html["lang"] == "en"


def test_leader_staff_and_error_pages_switch_too(app):
    leader, admin = app.test_client(), app.test_client()
    login(leader, make_leader())
    login(admin, make_user(Role.ADMIN), mfa=True)
    for client, url, korean in (
        (leader, "/account/", "내 계정"),
        (admin, "/staff/comments/?status=spam", "휴지통"),
        (admin, "/staff/", "대시보드"),
        (app.test_client(), "/no-such-page", "페이지를 찾을 수 없습니다"),
    ):
        page = soup(client.get(url, headers={"Accept-Language": "ko"}))
        assert page.html["lang"] == "ko", url
        assert korean in page.get_text(), url
        base, _, query = url.partition("?")
        expected = f"{base}?{query + '&' if query else ''}lang=en"
        assert switch(page, "en") == expected, url
    staff = soup(admin.get("/staff/comments/?status=spam&lang=ko"))
    assert switch(staff, "en") == "/staff/comments/?status=spam&lang=en"


def test_form_messages_from_wtforms_itself_are_in_korean(app, client):
    client.get("/?lang=ko")
    page = text_of(apply(client, name="", email="not-an-address", city="x" * 200))
    assert "이름: 이 항목을 입력해 주세요." in page
    assert "올바른 이메일 주소를 입력해 주세요." in page
    assert "120자 이내로 입력해 주세요." in page
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN), mfa=True)
    page = text_of(admin.get("/staff/audit/?date_from=someday&lang=ko"))
    assert "시작 (날짜): 올바른 날짜를 입력해 주세요." in page
    english = text_of(admin.get("/staff/audit/?date_from=someday&lang=en"))
    assert "From (date): Not a valid date value." in english


def test_counts_and_dates_are_written_in_the_readers_locale(app):
    reviewer = app.test_client()
    login(reviewer, make_user(Role.REVIEWER), mfa=True)
    add_stock(12345)
    for language in ("en", "ko"):
        page = soup(reviewer.get(f"/staff/requests/stock?lang={language}"))
        assert page.select_one(".stock-figures dd").get_text() == "12,345"
    with app.test_request_context("/"), force_locale("ko"):
        assert seed_date(date(2026, 5, 1)) == "2026년 5월 1일"
        assert seed_date(datetime(2020, 3, 4, 9, 51)) == "2020년 3월 4일"  # 18:51 in Seoul
        assert month_year(date(2026, 3, 1)) == "2026년 3월"
        assert timezone_name("Asia/Seoul") == "한국 시간"
    with app.test_request_context("/"), force_locale("en"):
        assert seed_date(date(2026, 5, 1)) == "May 01, 2026"
        assert month_year(date(2026, 3, 1)) == "Mar 2026"
        assert timezone_name("Asia/Seoul") == "Korean Time"
