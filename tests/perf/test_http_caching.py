"""HTTP caching of static files and images, and the weight of each public page."""

from __future__ import annotations

import re
from pathlib import Path

from flask import url_for

from app.site.assets import content_hash
from tests.comments.factories import make_comment
from tests.factories import make_prayer, make_project, make_story
from tests.helpers import soup
from tests.staff.factories import make_image

PAGE_BUDGET = 60 * 1024  # HTML + CSS + JS, uncompressed, images apart
BODY = "\n\n".join(
    ["When Hanna crossed the river she carried nothing but a small bag and a promise. " * 4] * 6
)


def fetch(client, url: str, **kwargs):
    """GET, read and close (file responses hold their file open until closed)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_static_addresses_carry_the_content_hash_and_are_immutable(client):
    with client.application.test_request_context():
        href = url_for("static", filename="js/comments.js")
        assert href.endswith("?v=" + content_hash("js/comments.js"))
    js = fetch(client, href)
    assert js.status_code == 200
    assert js.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = fetch(client, href, headers={"If-None-Match": js.headers["ETag"]})
    assert again.status_code == 304
    stale = fetch(client, "/static/js/comments.js?v=000000000000")
    assert "immutable" not in stale.headers["Cache-Control"]
    assert "immutable" not in fetch(client, "/static/js/comments.js").headers["Cache-Control"]


def test_public_pages_link_the_lighter_hashed_stylesheet(client):
    href = soup(client.get("/")).select_one('link[rel="stylesheet"]')["href"]
    assert re.fullmatch(r"/assets/public-[0-9a-f]{12}\.css", href)
    css = fetch(client, href)
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    assert ".comment-list" in text and ".site-header" in text  # public sections kept
    assert "/*" not in text
    assert fetch(client, href, headers={"If-None-Match": css.headers["ETag"]}).status_code == 304
    full = (Path(client.application.static_folder) / "css" / "site.css").stat().st_size
    assert len(text) < full * 0.7


def test_story_images_revalidate_with_304(client, app):
    image = make_image()
    story = make_story(hero_image=image)
    page = soup(client.get(f"/stories/{story.slug}"))
    img = page.select_one(".hero-figure img")
    assert img["srcset"].count("w,") >= 1  # responsive sizes
    src = img["src"]
    first = fetch(client, src)
    assert first.status_code == 200
    assert "immutable" in first.headers["Cache-Control"]
    assert fetch(client, src, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    since = fetch(client, src, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def page_weight(client, url: str) -> tuple[int, dict[str, int]]:
    response = client.get(url)
    assert response.status_code == 200, url
    parts = {url: len(response.get_data())}
    page = soup(response)
    assets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assets += [script["src"] for script in page.select("script[src]")]
    for asset in assets:
        fetched = fetch(client, asset)
        assert fetched.status_code == 200, asset
        parts[asset] = len(fetched.get_data())
    return sum(parts.values()), parts


def test_every_public_page_weighs_at_most_60_kb(client):
    project = make_project(slug="newcomers", body_en=BODY)
    stories = [make_story(project=project, body_en=BODY) for _ in range(12)]
    prayers = [make_prayer(project=project, body_en=BODY) for _ in range(12)]
    for n in range(20):
        parent = make_comment(stories[-1], body=f"We are praying for you and your family ({n}).")
        make_comment(prayers[-1], body=f"Praying with you today ({n}).")
        if n % 4 == 0:
            make_comment(stories[-1], parent=parent)
    urls = [
        "/",
        "/stories/",
        f"/stories/{stories[-1].slug}",
        "/prayer/",
        f"/prayer/{prayers[-1].slug}",
        f"/projects/{project.slug}",
        "/about",
        "/subscribe",
    ]
    weights = {}
    for url in urls:
        total, parts = page_weight(client, url)
        weights[url] = total
        assert total <= PAGE_BUDGET, (url, parts)
    print("page weights (bytes):", weights)


def test_a_story_with_300_comments_weighs_at_most_60_kb_a_page(client):
    import hashlib

    from sqlalchemy import insert

    from app.comments.models import Comment, CommentStatus
    from app.database import utcnow
    from app.extensions import db

    story = make_story(body_en=BODY)
    rows = []
    for n in range(300):
        body = f"We are praying for you and your family, friend. Comment {n}."
        rows.append(
            {
                "story_id": story.id,
                "author_name": f"Reader {n}",
                "author_email": f"reader{n}@example.org",
                "body": body,
                "body_html": f"<p>{body}</p>",
                "body_hash": hashlib.sha256(body.encode()).hexdigest(),
                "status": CommentStatus.APPROVED,
                "created_at": utcnow(),
            }
        )
    db.session.execute(insert(Comment), rows)
    story.comment_count = 300
    db.session.commit()
    url = f"/stories/{story.slug}"
    weights = {}
    for query in ("", "?cpage=2", "?cpage=15"):
        total, parts = page_weight(client, url + query)
        weights[query] = total
        assert total <= PAGE_BUDGET, (query, parts)
    print("300-comment story, page weights (bytes):", weights)
