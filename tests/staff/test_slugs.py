"""Addresses: generated from titles, editable, and old ones keep working (301)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.content.models import PrayerRequest, Project, PublicationStatus, SlugRedirect, Story
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.factories import make_prayer, make_project, make_story
from tests.helpers import soup, submit, text_of
from tests.staff.factories import audit_rows, form_values, sign_in
from tests.staff.test_authoring import story_form

KINDS = {
    "stories": (Story, make_story, "/stories/"),
    "prayer": (PrayerRequest, make_prayer, "/prayer/"),
    "projects": (Project, make_project, "/projects/"),
}


def rename(client, kind: str, item, slug: str):
    url = f"/staff/content/{kind}/{item.id}"
    return client.post(url, data=form_values(client, url, slug=slug, action="save"))


def test_slugs_are_made_from_the_title_and_kept_unique(client):
    make_story(slug="bibles-for-hanawon")
    sign_in(client, Role.EDITOR)
    submit(client, "/staff/content/stories/new", story_form(title_en="Bibles for Hanawon!"))
    submit(client, "/staff/content/stories/new", story_form(title_en="", title_ko="하나원의 성경"))
    slugs = set(db.session.scalars(select(Story.slug)))
    assert "bibles-for-hanawon-2" in slugs
    (korean,) = slugs - {"bibles-for-hanawon", "bibles-for-hanawon-2"}
    assert re.fullmatch(r"[0-9a-f]{8}", korean)  # a Korean-only title gets a short random slug


def test_an_editor_chooses_the_address(client):
    sign_in(client, Role.EDITOR)
    submit(client, "/staff/content/stories/new", story_form(slug="Mr-P-Bible", action="publish"))
    story = db.session.scalars(select(Story)).one()
    assert story.slug == "mr-p-bible"  # lower-cased
    assert client.get("/stories/mr-p-bible").status_code == 200


@pytest.mark.parametrize(
    "slug", ["has space", "ünïcode", "-leading", "double--hyphen", "a/b", "x" * 121]
)
def test_bad_addresses_are_refused_with_a_message(client, slug):
    sign_in(client, Role.EDITOR)
    response = submit(client, "/staff/content/stories/new", story_form(slug=slug))
    assert response.status_code == 422
    page = text_of(response)
    assert "Use lowercase letters, digits and hyphens only." in page or "longer than 120" in page
    assert db.session.scalars(select(Story)).first() is None


def test_an_address_already_in_use_is_refused(client):
    make_story(slug="taken")
    sign_in(client, Role.EDITOR)
    response = submit(client, "/staff/content/stories/new", story_form(slug="taken"))
    assert response.status_code == 422
    assert "Another item already uses this address." in text_of(response)
    # A prayer request may use the same slug: addresses differ by kind.
    assert (
        submit(
            client, "/staff/content/prayer/new", {**story_form(slug="taken"), "hero_image_id": None}
        ).status_code
        == 302
    )


@pytest.mark.parametrize("kind", KINDS)
def test_old_addresses_redirect_permanently_to_the_current_one(client, kind):
    _model, factory, prefix = KINDS[kind]
    item = factory(slug="first")
    sign_in(client, Role.EDITOR)
    assert rename(client, kind, item, "second").status_code == 302
    assert rename(client, kind, item, "third").status_code == 302

    for old in ("first", "second"):
        response = client.get(f"{prefix}{old}?lang=ko")
        assert response.status_code == 301
        assert response.headers["Location"] == f"{prefix}third?lang=ko"
    assert client.get(f"{prefix}third").status_code == 200
    updates = audit_rows("content.update")
    assert [(r.data["old_slug"], r.data["new_slug"]) for r in updates] == [
        ("first", "second"),
        ("second", "third"),
    ]


def test_going_back_to_an_old_address_does_not_loop(client):
    story = make_story(slug="original")
    sign_in(client, Role.EDITOR)
    rename(client, "stories", story, "renamed")
    rename(client, "stories", story, "original")
    assert client.get("/stories/original").status_code == 200
    assert client.get("/stories/renamed").headers["Location"] == "/stories/original"
    assert set(db.session.scalars(select(SlugRedirect.old_slug))) == {"renamed"}


def test_drafts_that_were_never_public_leave_no_redirect(client):
    draft = make_story(slug="draft-name", status=PublicationStatus.DRAFT)
    draft.published_at = None
    db.session.commit()
    sign_in(client, Role.EDITOR)
    rename(client, "stories", draft, "better-name")
    assert db.session.scalars(select(SlugRedirect)).all() == []


def test_an_old_address_of_an_unpublished_item_is_not_found(client):
    story = make_story(slug="was-here")
    sign_in(client, Role.EDITOR)
    rename(client, "stories", story, "now-here")
    submit(
        client,
        f"/staff/content/stories/{story.id}/unpublish",
        form_url=f"/staff/content/stories/{story.id}",
    )
    assert client.get("/stories/was-here").status_code == 404
    assert client.get("/stories/now-here").status_code == 404


def test_a_new_item_may_take_an_abandoned_address_and_generated_ones_avoid_them(client):
    old = make_story(slug="bibles-for-hanawon", published_at=utcnow() - timedelta(days=30))
    sign_in(client, Role.EDITOR)
    rename(client, "stories", old, "hanawon-2020")
    # Generated from the same title, a new slug does not take over the old address...
    submit(
        client,
        "/staff/content/stories/new",
        story_form(title_en="Bibles for Hanawon", action="publish"),
    )
    new = db.session.scalars(select(Story).where(Story.id != old.id)).one()
    assert new.slug == "bibles-for-hanawon-2"
    assert client.get("/stories/bibles-for-hanawon").headers["Location"] == "/stories/hanawon-2020"
    # ...but an editor may give it that address on purpose; the old redirect then goes.
    rename(client, "stories", new, "bibles-for-hanawon")
    page = client.get("/stories/bibles-for-hanawon")
    assert page.status_code == 200
    assert soup(page).h1.get_text(strip=True) == "Bibles for Hanawon"  # the new story
    assert (
        client.get("/stories/bibles-for-hanawon-2").headers["Location"]
        == "/stories/bibles-for-hanawon"
    )


def test_clearing_the_address_makes_a_new_one_from_the_title(client):
    story = make_story(slug="old-address", title_en="A better title")
    sign_in(client, Role.EDITOR)
    rename(client, "stories", story, "")
    db.session.expire_all()
    assert story.slug == "a-better-title"
    assert client.get("/stories/old-address").headers["Location"] == "/stories/a-better-title"
