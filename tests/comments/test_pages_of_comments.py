"""A long thread is shown in pages of 20 conversations, and every link to a comment finds it."""

from __future__ import annotations

from app.comments.display import THREADS_PER_PAGE
from tests.comments.factories import last_comment, make_comment, page_url, post_comment
from tests.factories import make_story
from tests.helpers import soup


def long_thread(roots: int = 45):
    story = make_story()
    comments = [make_comment(story, body=f"Conversation {n}") for n in range(roots)]
    make_comment(story, parent=comments[25], body="A reply on the second page")
    return story, comments


def test_pages_show_twenty_conversations_with_links_between_them(client):
    story, comments = long_thread()
    first = soup(client.get(page_url(story)))
    assert len(first.select("#comments .comment-list > li")) == THREADS_PER_PAGE
    assert first.select_one(f"#comment-{comments[0].id}")
    assert not first.select_one(f"#comment-{comments[20].id}")
    nav = first.select_one("nav.comment-pages")
    assert "Page 1 of 3" in nav.get_text()
    assert nav.select_one('a[rel="next"]')["href"] == "?cpage=2#comments"
    assert not nav.select_one('a[rel="prev"]')
    second = soup(client.get(page_url(story) + "?cpage=2"))
    assert second.select_one(f"#comment-{comments[20].id}")
    assert "A reply on the second page" in second.get_text()
    last = soup(client.get(page_url(story) + "?cpage=3"))
    assert len(last.select("#comments .comment-list > li")) == 5
    assert not last.select_one('nav.comment-pages a[rel="next"]')
    # The heading still counts the whole thread.
    assert "46 comments" in last.select_one("#comments-title").get_text()


def test_out_of_range_pages_show_the_nearest(client):
    story, comments = long_thread()
    for query, expected in (("?cpage=99", comments[40]), ("?cpage=-3", comments[0])):
        page = soup(client.get(page_url(story) + query))
        assert page.select_one(f"#comment-{expected.id}"), query
    assert client.get(page_url(story) + "?cpage=abc").status_code == 200


def test_a_new_comment_leads_to_the_page_that_shows_it(client):
    story, _ = long_thread()
    response = post_comment(client, story, body="My words at the end of a long thread")
    location = response.headers["Location"]
    assert location.endswith(f"?cpage=3#comment-{last_comment().id}")
    page = soup(client.get(location.split("#")[0]))
    assert "My words at the end of a long thread" in page.get_text()


def test_replying_to_a_comment_on_a_later_page_shows_that_page(client):
    story, comments = long_thread()
    page = soup(client.get(page_url(story) + f"?replytocom={comments[30].id}"))
    assert page.select_one(f"#comment-{comments[30].id}")
    assert page.select_one("input[name=parent_id]")["value"] == str(comments[30].id)
