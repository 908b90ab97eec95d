"""Anti-spam without third parties: honeypot, minimum time, rate limit, length, duplicates."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.antispam import shown_at_token
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from tests.comments.factories import last_comment, page_url, post_comment, post_url
from tests.factories import make_prayer, make_story
from tests.helpers import csrf_token, soup, text_of


def comment_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Comment))


def assert_ordinary_answer(client, response, item) -> None:
    """What a bot sees is what a person whose comment is held sees."""
    assert response.status_code == 302
    assert response.headers["Location"].startswith(page_url(item))
    assert "Your comment is awaiting moderation" in text_of(
        client.get(response.headers["Location"])
    )


def test_a_filled_honeypot_keeps_nothing_and_answers_normally(client):
    story = make_story()
    response = post_comment(client, story, website="http://cheap-pills.example")
    assert_ordinary_answer(client, response, story)
    assert comment_rows() == 0


def stale_token() -> str:
    with time_machine.travel(time.time() - 3 * 24 * 3600, tick=False):
        return shown_at_token()


def textarea(page) -> str:
    """A textarea's value as a browser reads it (one leading newline is not part of it)."""
    text = page.find("textarea", attrs={"name": "body"}).get_text()
    return text[2:] if text.startswith("\r\n") else text.removeprefix("\n")


@pytest.mark.parametrize(
    "shown_at",
    [
        lambda: shown_at_token(time.time() - 1),  # posted one second after the form was shown
        lambda: shown_at_token(time.time() - 30)[:-3] + "abc",  # forged
        lambda: "",  # missing
        lambda: stale_token(),  # signed three days ago
    ],
    ids=["too-fast", "forged", "missing", "stale"],
)
def test_too_fast_forged_or_missing_time_stamps_keep_nothing(client, shown_at):
    story = make_story()
    response = post_comment(client, story, shown_at=shown_at())
    assert_ordinary_answer(client, response, story)
    assert comment_rows() == 0


def test_a_person_using_the_real_form_gets_through(client):
    story = make_story()
    page = soup(client.get(page_url(story)))
    form = page.select_one("form.comment-form")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    assert set(fields) >= {"csrf_token", "shown_at", "website", "name", "email", "parent_id"}
    fields.update(name="Hana Kim", email="hana@example.org", body="God bless you!")
    with time_machine.travel(datetime.now().astimezone() + timedelta(seconds=20)):
        response = client.post(form["action"].split("#")[0], data=fields)
    assert response.status_code == 302
    assert last_comment().author_name == "Hana Kim"


def test_the_rate_limit_is_per_client_and_keeps_the_text(client, app):
    story = make_story()
    token = csrf_token(client, page_url(story))
    for n in range(5):
        response = post_comment(client, story, ip="192.0.2.50", token=token, body=f"Amen {n}")
        assert response.status_code == 302
    response = post_comment(
        client, story, ip="192.0.2.50", token=token, body="My sixth comment, typed with care."
    )
    assert response.status_code == 429
    page = soup(response)
    assert "posted several comments in a short time" in page.select_one(".error-summary").get_text()
    assert textarea(page) == "My sixth comment, typed with care."
    assert comment_rows() == 5
    # Another client is not affected.
    assert post_comment(client, story, ip="192.0.2.51", token=token).status_code == 302


def test_the_form_page_address_leads_back_to_the_item(client):
    story = make_story()
    response = client.get(f"/comments/story/{story.slug}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/stories/{story.slug}#respond"


def test_comments_over_the_maximum_length_are_refused_and_kept_in_the_form(client):
    story = make_story()
    too_long = "Pray. " * 834  # 5,004 characters
    response = post_comment(client, story, body=too_long, name="Hana Kim")
    assert response.status_code == 422
    page = soup(response)
    assert "under 5000 characters" in page.select_one(".error-summary").get_text()
    assert textarea(page) == too_long.strip()
    assert page.find("input", attrs={"name": "name"})["value"] == "Hana Kim"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert comment_rows() == 0
    assert post_comment(client, story, body="x" * 5000).status_code == 302


def test_names_over_the_maximum_length_are_refused(client):
    response = post_comment(client, make_story(), name="N" * 81)
    assert response.status_code == 422
    assert "under 80 characters" in text_of(response)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Please enter your name."),
        ({"email": "not-an-address"}, "Please enter a valid email address"),
        ({"body": "   "}, "Please write a comment."),
        ({"body": "<iframe src=x></iframe>"}, "Please write a comment."),
    ],
)
def test_missing_or_invalid_fields_say_what_is_wrong(client, fields, message):
    response = post_comment(client, make_story(), **fields)
    assert response.status_code == 422
    assert message in soup(response).select_one(".error-summary").get_text()
    assert comment_rows() == 0


def test_the_same_comment_twice_is_refused(client):
    story = make_story()
    assert (
        post_comment(client, story, email="hana@example.org", body="God bless you!").status_code
        == 302
    )
    again = post_comment(client, story, email="Hana@example.org", body="  god bless   YOU! ")
    assert again.status_code == 422
    assert "already posted this comment" in text_of(again)
    assert comment_rows() == 1
    # The same words elsewhere, or by someone else, are fine.
    assert (
        post_comment(
            client, make_prayer(), email="hana@example.org", body="God bless you!"
        ).status_code
        == 302
    )
    assert (
        post_comment(client, story, email="tim@example.org", body="God bless you!").status_code
        == 302
    )
    assert comment_rows() == 3


def test_a_trashed_comment_can_be_posted_again(client):
    story = make_story()
    post_comment(client, story, email="hana@example.org", body="Praying!")
    comment = last_comment()
    comment.status = CommentStatus.TRASH
    db.session.commit()
    assert post_comment(client, story, email="hana@example.org", body="Praying!").status_code == 302


def test_posting_without_the_csrf_token_is_refused(client):
    story = make_story()
    from tests.comments.factories import form_data

    response = client.post(post_url(story), data=form_data())
    assert response.status_code == 400
    assert comment_rows() == 0
