"""The issue's "done when", as the people involved meet it."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from app.content.models import Story
from app.extensions import db
from app.security import Role
from tests.factories import make_story
from tests.helpers import soup, submit, text_of
from tests.staff.factories import photo_file, sign_in
from tests.staff.test_settings import settings_form


def test_an_editor_writes_previews_and_publishes_a_bilingual_story_with_a_photo(client):
    sign_in(client, Role.EDITOR, name="Eun-ji")
    # The editor starts from the dashboard's shortcut.
    new_url = soup(client.get("/staff/")).find("a", string="Write a story")["href"]
    photo = io.BytesIO()
    Image.new("RGB", (1800, 1200), (200, 170, 120)).save(photo, "JPEG")
    typed = {
        "title_en": "A Bible for Mr. P",
        "title_ko": "P씨를 위한 성경",
        "summary_en": "Mr. P received an NK Bible at Hanawon.",
        "summary_ko": "P씨가 하나원에서 북한 성경을 받았습니다.",
        "body_en": "Mr. P read it *the same night*.",
        "body_ko": "P씨는 *그날 밤* 읽었습니다.",
        "slug": "",
        "publish_at": "",
        "comments_open": "y",
        "project_id": "0",
        "hero_image_id": "0",
        "photo": photo_file(photo.getvalue()),
        "photo_alt_en": "Two hands holding out a dark red Bible",
        "photo_alt_ko": "짙은 빨간색 성경을 내미는 두 손",
        "photo_caption_en": "Mr. P receives an NK Bible",
        "photo_caption_ko": "북한 성경을 받는 P씨",
        "action": "preview",
    }
    preview = submit(client, new_url, typed, content_type="multipart/form-data")
    page = soup(preview)
    assert page.select_one(".preview-lang[lang=en] .prose em").get_text() == "the same night"
    assert page.select_one(".preview-lang[lang=ko] .prose em").get_text() == "그날 밤"
    assert page.select_one(".preview-hero img")["alt"] == "Two hands holding out a dark red Bible"
    chosen = page.find("select", id="hero_image_id").find("option", selected=True)["value"]

    typed.update(action="publish", hero_image_id=chosen)
    for name in ("photo", "photo_alt_en", "photo_alt_ko", "photo_caption_en", "photo_caption_ko"):
        typed.pop(name)
    response = submit(client, new_url, typed)
    assert response.status_code == 302
    story = db.session.scalars(select(Story)).one()

    english = soup(client.get(f"/stories/{story.slug}?lang=en"))
    assert english.h1.get_text(strip=True) == "A Bible for Mr. P"
    srcset = english.select_one(".hero-figure img")["srcset"]
    assert [part.split()[-1] for part in srcset.split(", ")] == ["480w", "960w", "1600w"]
    assert english.select_one(".hero-figure figcaption").get_text() == "Mr. P receives an NK Bible"
    korean = soup(client.get(f"/stories/{story.slug}?lang=ko"))
    assert korean.h1.get_text(strip=True) == "P씨를 위한 성경"
    assert korean.select_one(".hero-figure figcaption").get_text() == "북한 성경을 받는 P씨"
    assert "A Bible for Mr. P" in text_of(client.get("/stories/?lang=en"))


def test_an_admin_changes_a_setting_and_sees_it_in_the_audit_log(client):
    sign_in(client, Role.ADMIN, email="admin@vom.example")
    client.post("/staff/settings/", data=settings_form(client, verification_days="21"))
    log = soup(client.get("/staff/audit/"))
    first = log.select_one(".audit-table tbody tr").get_text(" ", strip=True)
    assert "admin@vom.example" in first and "Changed a setting" in first
    assert "verification_days" in first and "old 30" in first and "new 21" in first


def test_a_moderator_cannot_reach_the_content_pages(client):
    story = make_story()
    sign_in(client, Role.MODERATOR)
    for url in (
        "/staff/content/stories/",
        "/staff/content/stories/new",
        f"/staff/content/stories/{story.id}",
        "/staff/content/prayer/",
        "/staff/media/",
    ):
        assert client.get(url).status_code == 403, url
    assert "Stories" not in {
        a.get_text() for a in soup(client.get("/staff/")).select(".staff-nav a")
    }
