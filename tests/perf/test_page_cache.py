"""The page cache: fast for anonymous readers, never sharing one visitor's token or data.

Run against Redis as well: TEST_CACHE_REDIS_URL=redis://127.0.0.1:6379/10 (CI does).
"""

from __future__ import annotations

import re
import time

from sqlalchemy import select, update

from app.antispam import seconds_since_shown
from app.comments.models import CommentStatus
from app.content import services
from app.extensions import cache, db
from app.settings import set_setting
from app.site import pagecache
from app.site.pagecache import CSRF_HOLE, SHOWN_AT_HOLE, PageCacheGeneration
from tests.comments.factories import make_comment, post_comment
from tests.factories import make_leader, make_prayer, make_story
from tests.helpers import CSRF_RE, login, text_of

TOKEN_RE = CSRF_RE
SHOWN_RE = re.compile(
    r'name="shown_at" type="hidden" value="([^"]+)"|name="shown_at" value="([^"]+)"'
)


def tokens(response) -> set[str]:
    html = response.get_data(as_text=True)
    return {a or b for a, b in TOKEN_RE.findall(html)}


def stamps(response) -> set[str]:
    html = response.get_data(as_text=True)
    return {a or b for a, b in SHOWN_RE.findall(html)}


def public_urls(story, prayer) -> list[str]:
    return [
        "/",
        "/stories/",
        f"/stories/{story.slug}",
        "/prayer/",
        f"/prayer/{prayer.slug}",
        "/about",
        "/feeds/stories.atom",
        "/feeds/prayer.atom",
        "/sitemap.xml",
    ]


def test_second_anonymous_visit_is_a_hit(client):
    story = make_story(title_en="Hanna's first Christmas")
    first = client.get(f"/stories/{story.slug}")
    second = client.get(f"/stories/{story.slug}")
    assert first.headers["X-Page-Cache"] == "miss"
    assert second.headers["X-Page-Cache"] == "hit"
    assert "Hanna's first Christmas" in text_of(second)
    assert text_of(first) == text_of(second)


def test_every_public_page_is_cached(client):
    urls = public_urls(make_story(), make_prayer())
    for url in urls:
        assert client.get(url).status_code == 200, url
    for url in urls:
        assert client.get(url).headers.get("X-Page-Cache") == "hit", url


def test_two_visitors_never_share_a_csrf_token_and_each_token_works(app):
    prayer = make_prayer()
    url = f"/prayer/{prayer.slug}"
    alice, bob = app.test_client(), app.test_client()
    page_a = alice.get(url)
    page_b = bob.get(url)
    assert page_b.headers["X-Page-Cache"] == "hit"
    token_a, token_b = tokens(page_a), tokens(page_b)
    assert len(token_a) == 1 and len(token_b) == 1
    assert token_a != token_b
    body_b = page_b.get_data(as_text=True)
    assert CSRF_HOLE not in body_b and SHOWN_AT_HOLE not in body_b
    # Bob's token (filled into the cached page) is valid for Bob, and not for Alice.
    assert bob.post(f"{url}/prayed", data={"csrf_token": token_b.pop()}).status_code == 302


def test_a_stolen_token_from_a_cached_page_fails_for_another_visitor(app):
    prayer = make_prayer()
    url = f"/prayer/{prayer.slug}"
    alice, bob = app.test_client(), app.test_client()
    alice.get(url)
    bobs_token = tokens(bob.get(url)).pop()
    assert alice.post(f"{url}/prayed", data={"csrf_token": bobs_token}).status_code == 400


def test_anti_spam_stamp_is_fresh_for_each_visitor(app):
    story = make_story()
    url = f"/stories/{story.slug}"
    app.test_client().get(url)
    time.sleep(0.01)
    later = app.test_client().get(url)
    assert later.headers["X-Page-Cache"] == "hit"
    found = stamps(later)
    assert found, "the comment and subscribe forms carry a stamp"
    for stamp in found:
        elapsed = seconds_since_shown(stamp)
        assert elapsed is not None and elapsed < 1.0


def test_signed_in_people_never_get_or_fill_the_cache(app):
    story = make_story()
    url = f"/stories/{story.slug}"
    leader = make_leader(display_name="Pastor Kim", email="kim@example.org")
    signed_in = app.test_client()
    login(signed_in, leader)
    for _ in range(2):
        page = signed_in.get(url)
        assert "X-Page-Cache" not in page.headers
        assert page.headers["Cache-Control"] == "no-store"
        assert "My account" in text_of(page)
    stranger = app.test_client().get(url)
    assert stranger.headers["X-Page-Cache"] == "miss"
    assert "Pastor Kim" not in stranger.get_data(as_text=True)
    assert "kim@example.org" not in stranger.get_data(as_text=True)
    assert "My account" not in text_of(stranger)


def test_a_cached_page_is_not_served_to_a_signed_in_person(app):
    story = make_story()
    url = f"/stories/{story.slug}"
    app.test_client().get(url)
    signed_in = app.test_client()
    login(signed_in, make_leader())
    page = signed_in.get(url)
    assert "X-Page-Cache" not in page.headers
    assert "My account" in text_of(page)


def test_flash_messages_are_never_cached_nor_replaced_by_a_cached_page(app, client):
    prayer = make_prayer()
    url = f"/prayer/{prayer.slug}"
    app.test_client().get(url)  # cached
    token = tokens(client.get(url)).pop()
    client.post(f"{url}/prayed", data={"csrf_token": token})
    thanked = client.get(url)
    assert "Thank you for praying." in text_of(thanked)
    assert "X-Page-Cache" not in thanked.headers
    assert "Thank you for praying." not in text_of(app.test_client().get(url))


def test_own_pending_comment_bypasses_the_cache(app, client):
    story = make_story()
    url = f"/stories/{story.slug}"
    app.test_client().get(url)
    post_comment(client, story, body="My own words awaiting moderation")
    own = client.get(url)
    assert "My own words awaiting moderation" in text_of(own)
    assert "X-Page-Cache" not in own.headers
    stranger = app.test_client().get(url)
    assert "My own words awaiting moderation" not in text_of(stranger)


def test_no_set_cookie_on_a_hit_for_a_returning_visitor(app, client):
    story = make_story()
    url = f"/stories/{story.slug}"
    first = client.get(url)
    assert first.headers.getlist("Set-Cookie")  # the session with the form secret
    again = client.get(url)
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.headers.getlist("Set-Cookie") == []
    # A new visitor on a hit gets only the session cookie their forms need.
    fresh = app.test_client().get(url)
    cookies = fresh.headers.getlist("Set-Cookie")
    assert fresh.headers["X-Page-Cache"] == "hit"
    assert len(cookies) == 1 and cookies[0].startswith("session=")


def test_feeds_set_no_cookie_at_all(app):
    make_story()
    for _ in range(2):
        feed = app.test_client().get("/feeds/stories.atom")
        assert feed.headers.getlist("Set-Cookie") == []
    assert feed.headers["X-Page-Cache"] == "hit"


def test_korean_and_english_are_separate_entries(app):
    make_story(title_en="Light in Seoul", title_ko="서울의 빛")
    english = app.test_client().get("/", headers={"Accept-Language": "en"})
    korean = app.test_client().get("/", headers={"Accept-Language": "ko"})
    assert korean.headers["X-Page-Cache"] == "miss"
    assert "서울의 빛" in text_of(korean) and "Light in Seoul" not in text_of(korean)
    korean_again = app.test_client().get("/", headers={"Accept-Language": "ko"})
    english_again = app.test_client().get("/", headers={"Accept-Language": "en"})
    assert korean_again.headers["X-Page-Cache"] == english_again.headers["X-Page-Cache"] == "hit"
    assert "서울의 빛" in text_of(korean_again)
    assert "Light in Seoul" in text_of(english_again) and "서울의 빛" not in text_of(english)
    by_cookie = app.test_client()
    by_cookie.set_cookie("lang", "ko")
    assert "서울의 빛" in text_of(by_cookie.get("/"))


def test_lang_parameter_still_sets_the_cookie_on_a_hit(app):
    make_story()
    app.test_client().get("/?lang=ko")
    hit = app.test_client().get("/?lang=ko")
    assert hit.headers["X-Page-Cache"] == "hit"
    assert any(c.startswith("lang=ko") for c in hit.headers.getlist("Set-Cookie"))


# --- invalidation --------------------------------------------------------------------------


def fetch(app, url: str) -> str:
    return text_of(app.test_client().get(url))


def test_a_new_approved_comment_shows_at_once(app):
    story = make_story()
    url = f"/stories/{story.slug}"
    fetch(app, url)
    make_comment(story, body="Praise God for Hanna")
    assert "Praise God for Hanna" in fetch(app, url)


def test_approving_a_pending_comment_shows_it(app):
    story = make_story()
    url = f"/stories/{story.slug}"
    comment = make_comment(story, status=CommentStatus.PENDING, body="Waiting for approval")
    assert "Waiting for approval" not in fetch(app, url)
    comment.status = CommentStatus.APPROVED
    db.session.commit()
    assert "Waiting for approval" in fetch(app, url)


def test_editing_a_story_changes_its_page_list_home_and_feed(app):
    story = make_story(title_en="Old title")
    urls = ["/", "/stories/", f"/stories/{story.slug}", "/feeds/stories.atom"]
    for url in urls:
        assert "Old title" in app.test_client().get(url).get_data(as_text=True)
    services.set_text(story, title_en="New title")
    db.session.commit()
    for url in urls:
        body = app.test_client().get(url).get_data(as_text=True)
        assert "New title" in body and "Old title" not in body, url


def test_a_new_story_appears_on_the_home_page(app):
    make_story(title_en="First story")
    assert "Second story" not in fetch(app, "/")
    make_story(title_en="Second story")
    assert "Second story" in fetch(app, "/")


def test_a_prayer_changes_the_count_for_everyone(app, client):
    prayer = make_prayer()
    url = f"/prayer/{prayer.slug}"
    assert "0 people prayed" in fetch(app, "/prayer/")
    assert "0 people prayed" in fetch(app, url)
    token = tokens(client.get(url)).pop()
    client.post(f"{url}/prayed", data={"csrf_token": token})
    assert "1 person prayed" in fetch(app, url)
    assert "1 person prayed" in fetch(app, "/prayer/")


def test_a_settings_change_shows_on_the_about_page(app):
    assert "Friends of Newcomers" not in fetch(app, "/about")
    set_setting("ministry_name", "Friends of Newcomers")
    db.session.commit()
    assert "Friends of Newcomers" in fetch(app, "/about")


def test_an_unpublished_story_disappears(app):
    story = make_story(title_en="Soon withdrawn")
    assert app.test_client().get(f"/stories/{story.slug}").status_code == 200
    story.published_at = None
    db.session.commit()
    assert app.test_client().get(f"/stories/{story.slug}").status_code == 404
    assert "Soon withdrawn" not in fetch(app, "/")


def test_changes_to_unrelated_tables_keep_the_cache(app):
    make_story()
    app.test_client().get("/")
    before = db.session.scalar(select(PageCacheGeneration.generation))
    login(app.test_client(), make_leader())  # users, login sessions: not on public pages
    assert db.session.scalar(select(PageCacheGeneration.generation)) == before
    assert app.test_client().get("/").headers["X-Page-Cache"] == "hit"


def test_another_servers_change_shows_within_the_check_interval(app, monkeypatch):
    """Another app server's commit raises the shared generation; this process reads it at
    most PAGE_CACHE_CHECK_SECONDS later."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_CHECK_SECONDS", 0.3)
    story = make_story(title_en="Before")
    url = f"/stories/{story.slug}"
    assert "Before" in fetch(app, url)
    with db.engine.begin() as other_server:  # not through this process's session events
        other_server.execute(
            update(story.__class__).where(story.__class__.id == story.id).values(title_en="After")
        )
        other_server.execute(
            update(PageCacheGeneration).values(generation=PageCacheGeneration.generation + 1)
        )
    pagecache._local["read_at"] = time.monotonic()  # as if just read
    assert "Before" in fetch(app, url)  # still within the interval
    time.sleep(0.35)
    assert "After" in fetch(app, url)


# --- HTTP caching --------------------------------------------------------------------------


def test_etag_gives_304_until_the_page_changes(client):
    story = make_story()
    url = f"/stories/{story.slug}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    make_comment(story, body="News")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "News" in text_of(changed)


def test_etag_of_a_page_with_a_form_is_per_visitor(app):
    story = make_story()
    url = f"/stories/{story.slug}"
    alice, bob = app.test_client(), app.test_client()
    etag = alice.get(url).headers["ETag"]
    other = bob.get(url, headers={"If-None-Match": etag})
    assert other.status_code == 200  # Bob's browser cannot reuse Alice's copy
    assert other.headers["ETag"] != etag


def test_feeds_answer_304_by_etag_and_by_date(client):
    make_story()
    feed = client.get("/feeds/stories.atom")
    assert feed.headers["Last-Modified"]
    assert "public" in feed.headers["Cache-Control"]
    by_tag = client.get("/feeds/stories.atom", headers={"If-None-Match": feed.headers["ETag"]})
    by_date = client.get(
        "/feeds/stories.atom", headers={"If-Modified-Since": feed.headers["Last-Modified"]}
    )
    assert by_tag.status_code == by_date.status_code == 304


def test_entries_live_in_the_configured_backend(app):
    make_story()
    app.test_client().get("/")
    keys = [k for k in _backend_keys() if "page:" in k]
    assert keys, "the page is stored in the cache backend"


def _backend_keys() -> list[str]:
    backend = cache.cache
    if hasattr(backend, "_read_client"):  # Redis
        return [k.decode() for k in backend._read_client.keys(backend.key_prefix + "*")]
    return list(backend._cache.keys())  # SimpleCache


def test_pages_still_work_when_the_cache_server_is_down(app, tmp_path, monkeypatch):
    from app import create_app
    from tests.conftest import free_port

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    story = make_story(title_en="Still here")
    down = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        },
    )
    for _ in range(2):
        page = down.test_client().get(f"/stories/{story.slug}")
        assert page.status_code == 200
        assert "Still here" in text_of(page)
    with down.app_context():
        db.engine.dispose()
