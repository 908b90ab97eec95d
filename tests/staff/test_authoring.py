"""Writing, previewing, publishing, scheduling and unpublishing content."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.content.models import PrayerRequest, Project, PublicationStatus, Story
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.factories import make_prayer, make_project, make_story
from tests.helpers import login, soup, submit, text_of
from tests.staff.factories import actions, audit_rows, form_values, make_staff, sign_in

NEW = "/staff/content/stories/new"


def story_form(**fields) -> dict:
    data = {
        "title_en": "Mr. P receives an NK Bible",
        "title_ko": "P씨가 북한 성경을 받다",
        "summary_en": "A Bible for discipleship.",
        "summary_ko": "제자 훈련을 위한 성경.",
        "body_en": "He read it **the same night**.\n\n## Why\n\nBecause *God* visits the lonely.",
        "body_ko": "그는 **그날 밤** 읽었습니다.",
        "slug": "",
        "publish_at": "",
        "comments_open": "y",
        "hero_image_id": "0",
        "project_id": "0",
        "action": "save",
    }
    data.update(fields)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def only_story() -> Story:
    db.session.expire_all()
    return db.session.scalars(select(Story)).one()


def test_an_editor_saves_a_bilingual_draft(client):
    editor = sign_in(client, Role.EDITOR, name="Eun-ji")
    response = submit(client, NEW, story_form())
    story = only_story()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/content/stories/{story.id}"
    assert story.status == PublicationStatus.DRAFT and story.published_at is None
    assert story.slug == "mr-p-receives-an-nk-bible"
    assert "<strong>the same night</strong>" in story.body_html_en
    assert "<strong>그날 밤</strong>" in story.body_html_ko
    assert story.updated_by_id == editor.id

    page = client.get(response.headers["Location"])
    assert "Draft saved." in text_of(page)
    assert client.get(f"/stories/{story.slug}").status_code == 404  # a draft is not public
    assert "Draft: not on the site." in text_of(page)
    assert "Eun-ji" in soup(page).select_one(".status-box").get_text()
    (row,) = audit_rows("content.create")
    assert (row.object_type, row.object_id, row.actor_id) == ("Story", story.id, editor.id)
    assert row.note == "Mr. P receives an NK Bible"


def test_preview_renders_both_languages_above_the_form_and_saves_nothing(client):
    sign_in(client, Role.EDITOR)
    typed = story_form(action="preview", body_en="Hello **world** <script>alert(1)</script>")
    response = submit(client, NEW, typed)
    assert response.status_code == 200
    page = soup(response)
    preview = page.select_one("section.preview")
    english, korean = preview.select(".preview-lang")
    assert english["lang"] == "en" and korean["lang"] == "ko"
    assert english.select_one(".preview-title").get_text() == "Mr. P receives an NK Bible"
    assert english.select_one(".prose strong").get_text() == "world"
    assert korean.select_one(".prose strong").get_text() == "그날 밤"
    assert "<script" not in str(preview)
    # The preview sits above the form, and everything typed is still in the form.
    assert page.find("section", class_="preview").find_next("form", class_="content-form")
    assert page.find("textarea", id="body_en").get_text().strip().startswith("Hello **world**")
    assert page.find("input", id="title_ko")["value"] == "P씨가 북한 성경을 받다"
    assert count(Story) == 0 and actions() == []


def test_preview_of_a_missing_language_says_visitors_see_the_other(client):
    sign_in(client, Role.EDITOR)
    typed = story_form(action="preview", title_ko="", summary_ko="", body_ko="")
    korean = soup(submit(client, NEW, typed)).select(".preview-lang")[1]
    assert "visitors who read it will see the other language" in korean.get_text()


def test_publishing_puts_the_story_on_the_site(client):
    editor = sign_in(client, Role.EDITOR)
    response = submit(client, NEW, story_form(action="publish"))
    assert "Published: it is now on the site." in text_of(client.get(response.headers["Location"]))
    story = only_story()
    assert story.status == PublicationStatus.PUBLISHED
    assert story.published_at <= utcnow()
    public = client.get(f"/stories/{story.slug}")
    assert public.status_code == 200
    assert soup(public).h1.get_text(strip=True) == "Mr. P receives an NK Bible"
    korean = soup(client.get(f"/stories/{story.slug}?lang=ko"))
    assert korean.h1.get_text(strip=True) == "P씨가 북한 성경을 받다"
    assert actions() == ["content.create", "content.publish"]
    assert audit_rows("content.publish")[0].actor_id == editor.id


def test_a_title_is_required_and_nothing_typed_is_lost(client):
    sign_in(client, Role.EDITOR)
    response = submit(client, NEW, story_form(title_en="", title_ko="", action="publish"))
    assert response.status_code == 422
    page = soup(response)
    assert (
        "Write a title in English or Korean (or both)."
        in page.select_one(".error-summary").get_text()
    )
    assert "the same night" in page.find("textarea", id="body_en").get_text()
    assert count(Story) == 0


def test_publishing_needs_some_text(client):
    sign_in(client, Role.EDITOR)
    response = submit(client, NEW, story_form(body_en="", body_ko="", action="publish"))
    assert response.status_code == 422
    assert "Write the text before publishing." in text_of(response)
    assert count(Story) == 0


def test_lengths_are_limited_with_a_message(client):
    sign_in(client, Role.EDITOR)
    response = submit(client, NEW, story_form(title_en="x" * 201))
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters." in text_of(response)


def test_a_story_scheduled_for_later_appears_only_when_its_time_comes(client):
    # 09:00 on 1 March in Seoul is 00:00 UTC.
    with time_machine.travel(datetime(2030, 2, 20, 12, 0), tick=False):
        sign_in(client, Role.EDITOR)
        response = submit(client, NEW, story_form(action="publish", publish_at="2030-03-01T09:00"))
        story = only_story()
        assert story.published_at == datetime(2030, 3, 1, 0, 0)
        assert story.status == PublicationStatus.PUBLISHED
        assert actions() == ["content.create", "content.schedule"]
        page = text_of(client.get(response.headers["Location"]))
        assert "Scheduled: it will appear on the site on March 01, 2030 at 9:00 am." in page
        assert client.get(f"/stories/{story.slug}").status_code == 404
        assert "Mr. P receives" not in text_of(client.get("/stories/"))
        listing = soup(client.get("/staff/content/stories/?state=scheduled"))
        assert listing.select_one(".badge-scheduled")

    with time_machine.travel(datetime(2030, 2, 28, 23, 59), tick=False):
        assert client.get(f"/stories/{story.slug}").status_code == 404
    with time_machine.travel(datetime(2030, 3, 1, 0, 0, 1), tick=False):
        assert client.get(f"/stories/{story.slug}").status_code == 200
        assert "Mr. P receives" in text_of(client.get("/stories/"))


def test_unpublishing_takes_it_off_the_site_and_cancelling_a_schedule_too(client):
    sign_in(client, Role.EDITOR)
    story = make_story()
    later = make_story(published_at=utcnow() + timedelta(days=3))
    page = client.get(f"/staff/content/stories/{story.id}")
    assert soup(page).find("button", string="Unpublish")
    response = submit(
        client,
        f"/staff/content/stories/{story.id}/unpublish",
        form_url=f"/staff/content/stories/{story.id}",
    )
    assert response.status_code == 302
    assert "Unpublished" in text_of(client.get(response.headers["Location"]))
    assert client.get(f"/stories/{story.slug}").status_code == 404

    assert soup(client.get(f"/staff/content/stories/{later.id}")).find(
        "button", string="Cancel the schedule"
    )
    submit(
        client,
        f"/staff/content/stories/{later.id}/unpublish",
        form_url=f"/staff/content/stories/{later.id}",
    )
    db.session.expire_all()
    assert story.status == later.status == PublicationStatus.DRAFT
    assert actions() == ["content.unpublish", "content.unpublish"]
    assert [r.object_id for r in audit_rows()] == [story.id, later.id]


def test_editing_records_what_changed_and_who_edited_last(client):
    story = make_story(title_en="Old title")
    editor = sign_in(client, Role.EDITOR, name="Min-jun")
    url = f"/staff/content/stories/{story.id}"
    assert soup(client.get(url)).find("input", id="title_en")["value"] == "Old title"
    response = client.post(
        url, data=form_values(client, url, title_en="New title", body_ko="새 본문", action="save")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert story.title_en == "New title" and story.body_html_ko == "<p>새 본문</p>\n"
    assert story.updated_by_id == editor.id
    (row,) = audit_rows("content.update")
    assert row.data["fields"] == ["title_en", "body_ko"]
    page = client.get(response.headers["Location"])
    assert "Changes saved." in text_of(page)
    assert "Min-jun" in soup(page).select_one(".status-box").get_text()
    assert "Min-jun" in text_of(client.get("/staff/content/stories/"))

    # Saving again without changes writes nothing to the audit log.
    response = client.post(url, data=form_values(client, url, action="save"))
    assert "There were no changes to save." in text_of(client.get(response.headers["Location"]))
    assert len(audit_rows("content.update")) == 1


def test_a_save_never_overwrites_what_someone_else_saved_meanwhile(app):
    story = make_story(title_en="Shared story")
    first, second = app.test_client(), app.test_client()
    sign_in(first, Role.EDITOR, name="First")
    second_user = make_staff(Role.EDITOR, name="Second")
    login(second, second_user)
    url = f"/staff/content/stories/{story.id}"

    mine = form_values(first, url, title_en="First's title", action="save")
    theirs = form_values(second, url, title_en="Second's title", action="save")
    assert second.post(url, data=theirs).status_code == 302
    response = first.post(url, data=mine)
    assert response.status_code == 409
    assert "Second changed this while you were editing, so nothing was saved." in text_of(response)
    assert soup(response).find("input", id="title_en")["value"] == "First's title"
    db.session.expire_all()
    assert story.title_en == "Second's title"
    # Having seen the warning, saving again keeps the first editor's version.
    mine["fingerprint"] = soup(response).find("input", id="fingerprint")["value"]
    assert first.post(url, data=mine).status_code == 302
    db.session.expire_all()
    assert story.title_en == "First's title"


@pytest.mark.parametrize(
    ("kind", "model", "public"),
    [("prayer", PrayerRequest, "/prayer/"), ("projects", Project, "/projects/")],
)
def test_prayer_requests_and_projects_are_written_the_same_way(client, kind, model, public):
    sign_in(client, Role.EDITOR)
    data = story_form(
        action="publish", title_en="Pray for Mr. Y", title_ko="Y씨를 위해 기도해 주세요"
    )
    data.pop("hero_image_id")
    if kind == "projects":
        data.pop("project_id")
    response = submit(client, f"/staff/content/{kind}/new", data)
    assert response.status_code == 302
    item = db.session.scalars(select(model)).one()
    assert item.slug == "pray-for-mr-y"
    assert client.get(f"{public}{item.slug}?lang=ko").status_code == 200
    assert "Y씨를 위해 기도해 주세요" in text_of(client.get(f"{public}{item.slug}?lang=ko"))
    assert actions() == ["content.create", "content.publish"]
    assert {r.object_type for r in audit_rows()} == {model.__name__}


def test_a_story_can_belong_to_a_project(client):
    project = make_project(title_en="NK Newcomers")
    sign_in(client, Role.EDITOR)
    submit(client, NEW, story_form(project_id=str(project.id), action="publish"))
    story = only_story()
    assert story.project_id == project.id
    assert "NK Newcomers" in text_of(client.get(f"/stories/{story.slug}"))


def test_lists_filter_by_state_and_search(client):
    make_story(title_en="Published one")
    make_story(title_en="A draft", status=PublicationStatus.DRAFT)
    make_story(title_en="Later", published_at=utcnow() + timedelta(days=1))
    make_prayer(title_en="Not a story")
    sign_in(client, Role.EDITOR)

    def titles(url):
        return [a.get_text() for a in soup(client.get(url)).select(".item-title")]

    assert sorted(titles("/staff/content/stories/")) == ["A draft", "Later", "Published one"]
    assert titles("/staff/content/stories/?state=draft") == ["A draft"]
    assert titles("/staff/content/stories/?state=scheduled") == ["Later"]
    assert titles("/staff/content/stories/?state=published") == ["Published one"]
    assert titles("/staff/content/stories/?q=draf") == ["A draft"]
    assert titles("/staff/content/stories/?q=%25") == []
    tabs = {
        a.get_text(" ", strip=True)
        for a in soup(client.get("/staff/content/stories/")).select(".tabs a")
    }
    assert tabs == {"All 3", "Drafts 1", "Scheduled 1", "Published 1"}


def test_unknown_items_are_not_found(client):
    sign_in(client, Role.EDITOR)
    prayer = make_prayer()
    assert client.get("/staff/content/stories/999999").status_code == 404
    assert client.get(f"/staff/content/stories/{prayer.id + 1000}").status_code == 404
    assert client.get("/staff/content/letters/").status_code == 404


def test_a_draft_keeps_its_publication_time_until_it_is_published(client):
    with time_machine.travel(datetime(2030, 2, 20, 12, 0), tick=False):
        sign_in(client, Role.EDITOR)
        submit(client, NEW, story_form(action="save", publish_at="2030-03-01T09:00"))
        story = only_story()
        assert story.status == PublicationStatus.DRAFT
        assert story.published_at == datetime(2030, 3, 1, 0, 0)
        url = f"/staff/content/stories/{story.id}"
        assert soup(client.get(url)).find("input", id="publish_at")["value"] == "2030-03-01T09:00"
        assert client.get(f"/stories/{story.slug}").status_code == 404
        # Publishing the form as it stands schedules it for that time.
        client.post(url, data=form_values(client, url, action="publish"))
        assert actions() == ["content.create", "content.schedule"]
        assert only_story().published_at == datetime(2030, 3, 1, 0, 0)
