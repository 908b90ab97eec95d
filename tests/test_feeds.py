"""Atom feeds, the sitemap and robots.txt, parsed as their readers would."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.content.models import PublicationStatus
from tests.factories import make_prayer, make_project, make_story

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_stories_feed_is_valid_atom_with_absolute_links(client):
    make_story(title_en="First <story> & more", body_en="Hello **world**")
    make_story(title_en="Hidden", status=PublicationStatus.DRAFT)

    response = client.get("/feeds/stories.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["First <story> & more"]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/stories/")
    assert "<strong>world</strong>" in entry.findtext(f"{ATOM}content")
    assert feed.findtext(f"{ATOM}updated").endswith("Z")


def test_prayer_feed_lists_prayer_requests(client):
    make_prayer(title_en="Pray for Mr. Y")
    feed = ET.fromstring(client.get("/feeds/prayer.atom").data)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Pray for Mr. Y"]


def test_sitemap_lists_every_public_page(client):
    story = make_story()
    prayer = make_prayer()
    project = make_project()
    make_story(slug="secret-draft", status=PublicationStatus.DRAFT)

    tree = ET.fromstring(client.get("/sitemap.xml").data)
    locations = {u.findtext(f"{SITEMAP}loc") for u in tree.findall(f"{SITEMAP}url")}
    assert {
        "http://localhost/",
        f"http://localhost/stories/{story.slug}",
        f"http://localhost/prayer/{prayer.slug}",
        f"http://localhost/projects/{project.slug}",
        "http://localhost/about",
    } <= locations
    assert not any("secret-draft" in loc for loc in locations)


def test_robots_points_at_sitemap_and_keeps_out_private_areas(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /staff/" in body and "Disallow: /account/" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body
