"""Bounded queries: every public page, rendered without the page cache, runs at most 6 SQL
statements, and the same number whatever the number of stories, comments or prayer requests."""

from __future__ import annotations

import re

import pytest

from app.site.pagecache import CACHEABLE, WATCHED_TABLES
from tests.comments.factories import count_queries, make_comment
from tests.factories import make_prayer, make_project, make_story

MAX_STATEMENTS = 6
TABLE_RE = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)\"?", re.IGNORECASE)


def add_content(stories: int, prayers: int, comments: int) -> dict:
    project = make_project(slug="newcomers")
    story_list = [make_story(project=project) for _ in range(stories)]
    prayer_list = [make_prayer(project=project) for _ in range(prayers)]
    for n in range(comments):
        parent = make_comment(story_list[0])
        make_comment(prayer_list[0])
        if n % 3 == 0:
            make_comment(story_list[0], parent=parent)
    return {"story": story_list[0], "prayer": prayer_list[0], "project": project}


def public_pages(items: dict) -> dict[str, str]:
    return {
        "home": "/",
        "stories": "/stories/",
        "story": f"/stories/{items['story'].slug}",
        "prayer list": "/prayer/",
        "prayer": f"/prayer/{items['prayer'].slug}",
        "project": f"/projects/{items['project'].slug}",
        "about": "/about",
        "stories feed": "/feeds/stories.atom",
        "prayer feed": "/feeds/prayer.atom",
        "sitemap": "/sitemap.xml",
    }


def statements_per_page(client, pages: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for name, url in pages.items():
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = list(statements)
    return found


def test_public_pages_run_few_statements_whatever_the_size(app, page_cache_off):
    items = add_content(stories=2, prayers=2, comments=2)
    small = statements_per_page(app.test_client(), public_pages(items))
    for _ in range(25):
        make_story(project=items["project"])
        make_prayer(project=items["project"])
    for n in range(40):
        parent = make_comment(items["story"])
        make_comment(items["prayer"])
        make_comment(items["project"])
        if n % 2:
            make_comment(items["story"], parent=parent)
    large = statements_per_page(app.test_client(), public_pages(items))
    counts = {name: (len(small[name]), len(large[name])) for name in small}
    print("statements per page (small, large):", counts)
    for name, (before, after) in counts.items():
        assert after <= MAX_STATEMENTS, (name, large[name])
        assert before == after, (name, counts[name])


@pytest.mark.parametrize("page", ["story", "prayer", "home", "stories"])
def test_statement_count_does_not_grow_with_comments(app, page_cache_off, page):
    items = add_content(stories=3, prayers=3, comments=1)
    url = public_pages(items)[page]
    with count_queries() as before:
        app.test_client().get(url)
    for _ in range(60):
        make_comment(items["story"])
        make_comment(items["prayer"])
    with count_queries() as after:
        app.test_client().get(url)
    assert len(after) == len(before) <= MAX_STATEMENTS


def test_every_table_a_cached_page_reads_invalidates_the_cache(app, page_cache_off):
    """A cached page must be refreshed by any change to what it shows: the tables the pages
    read are all watched by the page cache's invalidation."""
    items = add_content(stories=2, prayers=2, comments=2)
    read = set()
    for statements in statements_per_page(app.test_client(), public_pages(items)).values():
        for statement in statements:
            read |= set(TABLE_RE.findall(statement))
    read.discard("page_cache_generation")
    assert read, "the pages read something"
    assert read <= WATCHED_TABLES, read - WATCHED_TABLES


def test_the_pages_measured_are_the_cached_ones(app):
    measured = {
        "content.home",
        "content.stories",
        "content.story",
        "content.prayer_requests",
        "content.prayer_request",
        "content.project",
        "site.about",
        "feeds.stories_feed",
        "feeds.prayer_feed",
        "feeds.sitemap",
    }
    assert measured == set(CACHEABLE)
