"""Every statement the public pages run reads its big tables through an index.

The statements are captured from real page requests (page cache off), then explained: on
PostgreSQL with `enable_seqscan` off, so the planner shows an index whenever one can serve
the query (a small test table would otherwise be scanned whatever the indexes); on SQLite
with EXPLAIN QUERY PLAN. The hottest statements must use the index named for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.comments.factories import make_comment
from tests.factories import make_prayer, make_project, make_story

# Tables that grow with the ministry; settings and the like stay small.
BIG_TABLES = {"stories", "prayer_requests", "comments", "projects", "bible_requests"}
# Pages that list every public item by design (the sitemap) are not hot.
PAGES = ["/", "/stories/", "/prayer/", "/about", "/feeds/stories.atom", "/feeds/prayer.atom"]
HOT = {
    # statement fragment -> the index it must use (a pattern: SQLite names unique ones itself)
    "WHERE comments.story_id": "ix_comments_story_thread",
    "WHERE comments.prayer_request_id": "ix_comments_prayer_thread",
    "stories.slug = ": "uq_stories_slug|sqlite_autoindex_stories",
    "ORDER BY stories.published_at DESC": "ix_stories_public",
}


@contextmanager
def capture() -> Iterator[list[tuple[str, object]]]:
    seen: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def explain(statement: str, parameters) -> str:
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")  # statistics, as a live database has them
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        else:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        conn.rollback()
    return "\n".join(str(row[-1]) for row in rows)


def full_scans(plan: str) -> set[str]:
    """Big tables read without an index in `plan`."""
    found = set(re.findall(r"Seq Scan on (\w+)", plan))  # PostgreSQL
    found |= set(re.findall(r"\bSCAN (\w+)\b(?! USING)", plan))  # SQLite
    return found & BIG_TABLES


@pytest.fixture
def statements(app, page_cache_off) -> list[tuple[str, object]]:
    project = make_project()
    stories = [make_story(project=project) for _ in range(5)]
    prayers = [make_prayer(project=project) for _ in range(5)]
    for item in (*stories, *prayers):
        make_comment(item)
    client = app.test_client()
    with capture() as seen:
        for url in [*PAGES, f"/stories/{stories[0].slug}", f"/prayer/{prayers[0].slug}"]:
            assert client.get(url).status_code == 200, url
    return [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]


def test_no_public_page_scans_a_big_table(statements):
    assert statements
    for statement, parameters in statements:
        plan = explain(statement, parameters)
        assert not full_scans(plan), (statement, plan)


def test_hot_statements_use_their_index(statements):
    found = set()
    for statement, parameters in statements:
        for fragment, index in HOT.items():
            if fragment in statement:
                plan = explain(statement, parameters)
                assert re.search(index, plan), (statement, plan)
                found.add(fragment)
    assert found == set(HOT), set(HOT) - found
