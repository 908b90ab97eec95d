"""The public reading side, as a visitor meets it."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlparse

import pytest

from app.content.models import PublicationStatus
from app.database import utcnow
from tests.factories import make_prayer, make_project, make_story
from tests.helpers import soup, text_of


def test_home_shows_latest_stories_active_prayers_and_subscribe_invitation(client):
    for n in range(4):
        make_story(title_en=f"Story number {n}", published_at=utcnow() - timedelta(days=10 - n))
    make_prayer(title_en="Pray for Mr. Y")
    make_prayer(title_en="An answered one", answered_at=utcnow())

    page = text_of(client.get("/"))

    assert "Story number 3" in page and "Story number 1" in page
    assert "Story number 0" not in page  # only the three latest
    assert "Pray for Mr. Y" in page
    assert "An answered one" not in page
    assert "Subscribe to prayer updates" in page


def test_drafts_and_scheduled_items_are_not_public(client):
    draft = make_story(title_en="Draft story", status=PublicationStatus.DRAFT)
    later = make_story(title_en="Scheduled story", published_at=utcnow() + timedelta(days=1))
    hidden_prayer = make_prayer(status=PublicationStatus.DRAFT)

    assert client.get(f"/stories/{draft.slug}").status_code == 404
    assert client.get(f"/stories/{later.slug}").status_code == 404
    assert client.get(f"/prayer/{hidden_prayer.slug}").status_code == 404
    listing = text_of(client.get("/stories/"))
    assert "Draft story" not in listing and "Scheduled story" not in listing


def test_story_page_has_body_date_in_seed_style_and_open_graph(client):
    # 09:51 UTC is 6:51 pm in Seoul, the seed's own example time.
    story = make_story(
        title_en="Bible distributions",
        summary_en="Why we give Bibles.",
        body_en="## Stipulations\n\n1. Leaders only\n2. A plan",
        published_at=datetime(2020, 3, 4, 9, 51),
    )
    response = client.get(f"/stories/{story.slug}")
    assert response.status_code == 200
    html = soup(response)
    assert "March 04, 2020 at 6:51 pm" in html.get_text()
    assert html.find("h2", string="Stipulations")
    assert [li.get_text() for li in html.select(".prose ol li")] == ["Leaders only", "A plan"]
    assert html.find("meta", property="og:title")["content"].startswith("Bible distributions")
    assert html.find("meta", attrs={"name": "description"})["content"] == "Why we give Bibles."
    assert html.find("link", rel="canonical")["href"] == f"http://localhost/stories/{story.slug}"
    hreflangs = {link["hreflang"] for link in html.find_all("link", hreflang=True)}
    assert hreflangs == {"en", "ko", "x-default"}


def test_korean_is_shown_when_asked_and_remembered(client):
    story = make_story(
        title_en="English title", title_ko="한국어 제목", published_at=datetime(2020, 3, 4, 9, 51)
    )

    response = client.get(f"/stories/{story.slug}?lang=ko")
    html = soup(response)
    assert html.html["lang"] == "ko"
    assert html.h1.get_text(strip=True) == "한국어 제목"
    assert "2020년 3월 4일 오후 6:51" in html.get_text()
    assert "lang=ko" in response.headers["Set-Cookie"]

    # The cookie now remembers Korean without the query string.
    assert soup(client.get(f"/stories/{story.slug}")).h1.get_text(strip=True) == "한국어 제목"


def test_accept_language_chooses_korean_on_first_visit(client):
    story = make_story(title_ko="첫 방문")
    page = soup(client.get(f"/stories/{story.slug}", headers={"Accept-Language": "ko-KR,ko;q=0.9"}))
    assert page.html["lang"] == "ko"


def test_missing_translation_falls_back_and_is_marked(client):
    story = make_story(title_en="Only in English", title_ko="")
    h1 = soup(client.get(f"/stories/{story.slug}?lang=ko")).h1
    assert h1.get_text(strip=True) == "Only in English"
    assert h1["lang"] == "en"


def test_stories_are_paginated(client):
    for n in range(12):
        make_story(title_en=f"Paged {n:02d}", published_at=utcnow() - timedelta(hours=n))

    first = soup(client.get("/stories/"))
    assert [a.get_text(strip=True) for a in first.select(".card-title a")][:2] == [
        "Paged 00",
        "Paged 01",
    ]
    assert len(first.select(".card-title")) == 5
    assert first.find("a", rel="next")["href"] == "/stories/?page=2"
    assert "Page 1 of 3" in first.get_text()

    last = soup(client.get("/stories/?page=3"))
    assert [a.get_text(strip=True) for a in last.select(".card-title a")] == [
        "Paged 10",
        "Paged 11",
    ]
    assert last.find("a", rel="prev") and not last.find("a", rel="next")
    assert client.get("/stories/?page=9").status_code == 404


def test_prayer_list_shows_active_then_answered_with_answer(client):
    make_prayer(title_en="Still praying")
    make_prayer(title_en="God answered", answered_at=utcnow(), answer_note_en="He found a church.")

    html = soup(client.get("/prayer/"))
    assert html.find(id="active-prayers") and html.find(id="answered-prayers")
    answered = html.select_one(".prayer-card.answered")
    assert "God answered" in answered.get_text() and "He found a church." in answered.get_text()


def test_prayer_request_and_project_pages(client):
    project = make_project(title_en="North Korean Newcomers", title_ko="탈북 새신자 맞이")
    prayer = make_prayer(title_en="Pray for Missionary S", project_id=project.id)
    make_story(title_en="Project story", project_id=project.id)

    page = text_of(client.get(f"/prayer/{prayer.slug}"))
    assert "Pray for Missionary S" in page and "I prayed" in page

    page = text_of(client.get(f"/projects/{project.slug}"))
    assert "탈북 새신자 맞이" in page  # the other language's title as a subtitle
    assert "Pray for Missionary S" in page and "Project story" in page


def test_about_page_shows_configurable_contact_details(client, app):
    from app.extensions import db
    from app.settings import set_setting

    set_setting("contact_details", "VOM Korea\nPO Box 1, Seoul")
    db.session.commit()
    html = soup(client.get("/about"))
    assert "PO Box 1, Seoul" in html.find("address").get_text()


@pytest.mark.parametrize(
    "url",
    ["/stories/nothing-here", "/prayer/nothing-here", "/projects/nothing-here", "/no/such/page"],
)
def test_unknown_pages_get_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in text_of(response)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_no_page_references_a_third_party_origin(client):
    story = make_story()
    prayer = make_prayer()
    project = make_project()
    urls = ["/", "/stories/", f"/stories/{story.slug}", "/prayer/", f"/prayer/{prayer.slug}",
            f"/projects/{project.slug}", "/about", "/account/login", "/nope"]  # fmt: skip
    for url in urls:
        html = soup(client.get(url))
        for tag in html.find_all(["script", "link", "img", "iframe", "source", "form"]):
            for attr in ("src", "href", "srcset", "action"):
                value = tag.get(attr)
                if not value:
                    continue
                host = urlparse(value.split()[0]).netloc
                assert host in ("", "localhost"), (url, tag)
