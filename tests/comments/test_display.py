"""How threads look: own pending comments, order, nesting, dates, closing, counts, queries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.comments.models import CommentStatus
from app.database import utcnow
from app.extensions import db
from app.settings import set_setting
from tests.comments.factories import (
    count_queries,
    last_comment,
    make_comment,
    page_url,
    post_comment,
)
from tests.factories import make_prayer, make_project, make_story
from tests.helpers import soup, text_of


def names_in_order(page) -> list[str]:
    return [n.get_text(strip=True) for n in page.select("#comments .comment-name")]


def test_awaiting_moderation_shows_only_in_the_commenters_own_browser(client, app):
    story = make_story()
    response = post_comment(client, story, name="Wanita", body="Does VOM teach English?")
    assert response.headers["Location"].endswith(f"#comment-{last_comment().id}")

    own = client.get(page_url(story))
    mine = soup(own).find(id=f"comment-{last_comment().id}")
    assert "Does VOM teach English?" in mine.get_text()
    assert "Your comment is awaiting moderation" in mine.get_text()
    assert own.headers["Cache-Control"] == "private, no-store"

    stranger = app.test_client().get(page_url(story))
    assert "Does VOM teach English?" not in text_of(stranger)
    assert "awaiting moderation" not in text_of(stranger)
    # Cacheable in the stranger's own browser (it holds their own form token), never no-store.
    assert "no-store" not in stranger.headers.get("Cache-Control", "")


def test_once_approved_the_comment_shows_for_everyone_without_the_note(client, app):
    story = make_story()
    client.get(post_comment(client, story, body="Amen to that.").headers["Location"])
    comment = last_comment()
    comment.status = CommentStatus.APPROVED
    db.session.commit()
    for browser in (client, app.test_client()):
        page = text_of(browser.get(page_url(story)))
        assert "Amen to that." in page and "awaiting moderation" not in page


def test_approved_comments_oldest_first_with_replies_two_levels_deep(client):
    story = make_story()
    base = datetime(2022, 3, 1, 0, 0)
    joe = make_comment(story, name="Joe Sanders", created_at=base + timedelta(days=70))
    wanita = make_comment(story, name="Wanita", created_at=base + timedelta(days=28))
    kent = make_comment(story, name="Pastor Kent", created_at=base)
    make_comment(
        story, name="Pastor Tim", by_staff=True, parent=wanita, created_at=base + timedelta(days=35)
    )
    make_comment(story, name="Held", status=CommentStatus.PENDING, created_at=base)
    make_comment(story, name="Spammer", status=CommentStatus.SPAM, created_at=base)

    page = soup(client.get(page_url(story)))
    top = page.select("#comments ol.comment-list > li.comment")
    assert [li["id"] for li in top] == [f"comment-{c.id}" for c in (kent, wanita, joe)]
    replies = top[1].select("ul.comment-replies > li.comment")
    assert [r.select_one(".comment-name").get_text() for r in replies] == ["Pastor Tim"]
    assert replies[0].select_one(".badge-staff")
    assert names_in_order(page) == ["Pastor Kent", "Wanita", "Pastor Tim", "Joe Sanders"]
    assert page.find(id="comments-title").get_text(strip=True) == "4 comments"
    # Replies are offered on top-level comments only (two levels, as in the seed).
    assert top[1].select_one(".comment-reply-link a")["href"] == f"?replytocom={wanita.id}#respond"
    assert not replies[0].select(".comment-reply-link")


def test_dates_read_as_in_the_seed(client):
    story = make_story()
    make_comment(story, created_at=datetime(2020, 3, 4, 9, 51))  # 6:51 pm in Seoul
    meta = soup(client.get(page_url(story))).select_one("#comments .comment-meta")
    assert " ".join(meta.get_text().split()) == "Says March 04, 2020 at 6:51 pm"
    assert meta.find("time")["datetime"] == "2020-03-04T09:51:00Z"
    korean = soup(client.get(page_url(story) + "?lang=ko")).select_one(
        "#comments .comment-meta time"
    )
    assert korean.get_text() == "2020년 3월 4일 오후 6:51"


def test_replying_without_javascript_joins_the_thread(client):
    story = make_story()
    wanita = make_comment(story, name="Wanita")
    tim = make_comment(story, name="Pastor Tim", parent=wanita)

    page = soup(client.get(page_url(story) + f"?replytocom={wanita.id}"))
    assert page.find(id="respond-title").get_text(strip=True) == "Reply to Wanita"
    assert page.find("input", attrs={"name": "parent_id"})["value"] == str(wanita.id)

    post_comment(client, story, body="Thank you, pastor!", parent_id=str(tim.id))
    reply = last_comment()
    assert reply.parent_id == wanita.id  # a reply to a reply joins the top-level comment


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.TRASH])
def test_replies_to_comments_not_shown_are_refused(client, status):
    story = make_story()
    hidden = make_comment(story, status=status)
    response = post_comment(client, story, parent_id=str(hidden.id))
    assert response.status_code == 422
    assert "no longer available" in text_of(response)
    other = make_comment(make_story())
    assert post_comment(client, story, parent_id=str(other.id)).status_code == 422


def test_a_reply_whose_parent_was_removed_still_shows(client):
    story = make_story()
    parent = make_comment(story, name="Removed", status=CommentStatus.TRASH)
    make_comment(story, name="Still here", parent=parent)
    page = soup(client.get(page_url(story)))
    assert names_in_order(page) == ["Still here"]


def test_comments_can_be_closed_per_item(client):
    story = make_story(comments_open=False)
    make_comment(story, body="An earlier word.")
    page = soup(client.get(page_url(story)))
    assert "An earlier word." in page.get_text()
    assert page.select_one(".comments-closed").get_text(strip=True) == "Comments are closed."
    assert page.select_one("form.comment-form") is None
    response = post_comment(client, story, token=_token_from(client, make_story()))
    assert response.status_code == 422
    assert "Comments are closed." in text_of(response)
    assert last_comment().body == "An earlier word."


def _token_from(client, item) -> str:
    from tests.helpers import csrf_token

    return csrf_token(client, page_url(item))


@pytest.mark.parametrize(("age_days", "is_open"), [(29, True), (31, False)])
def test_comments_close_after_the_configured_days(client, age_days, is_open):
    set_setting("comment_close_days", 30)
    db.session.commit()
    prayer = make_prayer(published_at=utcnow() - timedelta(days=age_days))
    page = soup(client.get(page_url(prayer)))
    assert (page.select_one("form.comment-form") is not None) is is_open


def test_comments_never_close_by_age_when_the_setting_is_zero(client):
    story = make_story(published_at=utcnow() - timedelta(days=3000))
    assert soup(client.get(page_url(story))).select_one("form.comment-form")


@pytest.mark.parametrize("factory", [make_story, make_prayer, make_project])
def test_a_page_loads_its_thread_in_a_bounded_number_of_queries(client, factory, page_cache_off):
    item = factory()
    url = page_url(item)
    client.get(url)  # warm up
    with count_queries() as few:
        client.get(url)
    parents = [make_comment(item) for _ in range(30)]
    for parent in parents[:10]:
        make_comment(item, parent=parent)
    with count_queries() as many:
        page = soup(client.get(url))
    # The first page: 20 conversations (THREADS_PER_PAGE), 10 of them with a reply.
    assert len(page.select("#comments li.comment")) == 30
    assert len(many) == len(few) <= 6, many
    second = soup(client.get(url + "?cpage=2"))
    assert len(second.select("#comments li.comment")) == 10


def test_lists_show_comment_counts_without_a_query_per_item(client, page_cache_off):
    stories = [make_story() for _ in range(3)]
    make_comment(stories[0])
    make_comment(stories[0])
    make_comment(stories[1], status=CommentStatus.PENDING)
    prayer = make_prayer()
    make_comment(prayer)

    listing = soup(client.get("/stories/"))
    counts = {
        a["href"].split("#")[0]: a.get_text(strip=True) for a in listing.select(".comment-count a")
    }
    assert counts == {page_url(stories[0]): "2 comments"}
    prayer_list = soup(client.get("/prayer/"))
    assert prayer_list.select_one(".comment-count a").get_text(strip=True) == "1 comment"

    with count_queries() as few:
        client.get("/stories/")
    for story in [make_story() for _ in range(2)]:
        make_comment(story)
    db.session.expire_all()
    with count_queries() as more:
        client.get("/stories/")
    assert len(more) == len(few)
