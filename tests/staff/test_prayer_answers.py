"""Marking a prayer request answered, with a note in both languages."""

from __future__ import annotations

from app.extensions import db
from app.security import Role
from tests.factories import make_prayer
from tests.helpers import csrf_token, soup, submit, text_of
from tests.staff.factories import actions, audit_rows, form_values, sign_in

NOTE = {
    "answer_note_en": "Mr. Y **received** his Bible and reads it daily.",
    "answer_note_ko": "Y씨는 성경을 **받았고** 매일 읽습니다.",
}


def answer_url(prayer) -> str:
    return f"/staff/content/prayer/{prayer.id}/answer"


def test_marking_answered_shows_the_answer_in_each_language(client):
    prayer = make_prayer(title_en="Pray for Mr. Y", slug="pray-for-mr-y")
    editor = sign_in(client, Role.EDITOR)
    edit_page = soup(client.get(f"/staff/content/prayer/{prayer.id}"))
    assert edit_page.find("a", string="Mark answered")["href"] == answer_url(prayer)

    response = client.post(
        answer_url(prayer),
        data=form_values(client, answer_url(prayer), "form.content-form", **NOTE, action="save"),
    )
    assert response.status_code == 302
    assert "Marked as answered." in text_of(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert prayer.is_answered
    assert (
        prayer.answer_note_html_en
        == "<p>Mr. Y <strong>received</strong> his Bible and reads it daily.</p>\n"
    )
    (row,) = audit_rows("content.answer")
    assert (row.object_type, row.object_id, row.actor_id) == ("PrayerRequest", prayer.id, editor.id)
    assert prayer.updated_by_id == editor.id

    english = soup(client.get("/prayer/pray-for-mr-y?lang=en"))
    assert english.select_one(".answer h2").get_text() == "How God answered"
    assert english.select_one(".answer .prose strong").get_text() == "received"
    korean = soup(client.get("/prayer/pray-for-mr-y?lang=ko"))
    assert korean.select_one(".answer .prose strong").get_text() == "받았고"
    # Answered requests leave the home page's active list.
    assert "Pray for Mr. Y" not in text_of(client.get("/?lang=en"))


def test_an_answer_needs_a_note_and_can_be_previewed_first(client):
    prayer = make_prayer()
    sign_in(client, Role.EDITOR)
    response = submit(
        client, answer_url(prayer), {"answer_note_en": "", "answer_note_ko": "", "action": "save"}
    )
    assert response.status_code == 422
    assert "Write the answer in English or Korean (or both)." in text_of(response)

    response = submit(client, answer_url(prayer), {**NOTE, "action": "preview"})
    assert response.status_code == 200
    preview = soup(response).select_one("section.preview")
    assert [p["lang"] for p in preview.select(".preview-lang")] == ["en", "ko"]
    assert preview.select(".prose strong")[1].get_text() == "받았고"
    assert (
        soup(response).find("textarea", id="answer_note_ko").get_text().strip()
        == NOTE["answer_note_ko"]
    )
    db.session.expire_all()
    assert not prayer.is_answered and actions() == []


def test_the_note_can_be_edited_and_the_answer_undone(client):
    prayer = make_prayer()
    sign_in(client, Role.EDITOR)
    client.post(
        answer_url(prayer), data=form_values(client, answer_url(prayer), **NOTE, action="save")
    )
    assert soup(client.get(answer_url(prayer))).h1.get_text() == "Edit the answer"
    client.post(
        answer_url(prayer),
        data=form_values(client, answer_url(prayer), answer_note_en="Updated note.", action="save"),
    )
    db.session.expire_all()
    assert prayer.answer_note_en == "Updated note."

    response = submit(
        client, f"/staff/content/prayer/{prayer.id}/unanswer", form_url=answer_url(prayer)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not prayer.is_answered
    assert prayer.answer_note_en == "Updated note."  # kept for when it is answered
    assert actions() == ["content.answer", "content.answer_edit", "content.unanswer"]
    assert "Pray for request" in text_of(client.get("/prayer/?lang=en"))


def test_praying_is_not_editing(client):
    prayer = make_prayer()
    edited = prayer.updated_at
    client.post(
        f"/prayer/{prayer.slug}/prayed",
        data={"csrf_token": csrf_token(client, f"/prayer/{prayer.slug}")},
    )
    db.session.expire_all()
    assert prayer.prayed_count == 1
    assert prayer.updated_at == edited  # "last edited" stays the editor's
