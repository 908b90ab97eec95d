"""Story photos: alt text required, bad files refused plainly, several widths with srcset."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app import images
from app.content.models import MediaImage, Story
from app.extensions import db
from app.security import Role
from tests.factories import make_story
from tests.helpers import soup, submit, text_of
from tests.staff.factories import (
    actions,
    audit_rows,
    form_values,
    jpeg,
    make_image,
    photo_file,
    sign_in,
)
from tests.staff.test_authoring import story_form
from tests.test_images import jpeg_with_metadata

UPLOAD = "/staff/media/"


def stored_files() -> list[str]:
    folder = images.path_of("public", "x").parent
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def image_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MediaImage))


def test_an_upload_is_cleaned_stored_in_several_widths_and_audited(client):
    editor = sign_in(client, Role.EDITOR)
    response = submit(
        client,
        UPLOAD,
        {
            "photo": photo_file(jpeg_with_metadata()),
            "alt_en": "A Bible held out",
            "alt_ko": "",
            "caption_en": "",
            "caption_ko": "",
        },
        content_type="multipart/form-data",
    )
    image = db.session.scalars(select(MediaImage)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/media/{image.id}"
    assert image.alt_en == "A Bible held out" and image.uploaded_by_id == editor.id
    assert [w for w, _ in image.sizes] == [480]  # 480 wide (upright): one width
    for name in stored_files():
        assert b"SecretCamera" not in images.path_of("public", name).read_bytes()
    (row,) = audit_rows("media.upload")
    assert (row.object_type, row.object_id, row.actor_id) == ("MediaImage", image.id, editor.id)
    page = soup(client.get(response.headers["Location"]))
    assert "The photo was uploaded." in page.get_text()
    assert page.select_one(".hero-figure img")["alt"] == "A Bible held out"


def test_alt_text_is_required_and_nothing_is_stored_without_it(client):
    sign_in(client, Role.EDITOR)
    response = submit(
        client,
        UPLOAD,
        {"photo": photo_file(), "alt_en": "", "alt_ko": "", "caption_en": "Kept caption"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    summary = soup(response).select_one(".error-summary").get_text()
    assert "Describe the photo for people who cannot see it (alt text)." in summary
    assert soup(response).find("input", id="caption_en")["value"] == "Kept caption"
    assert image_count() == 0 and stored_files() == [] and actions() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
            "Please upload a JPEG, PNG or WebP photo.",
        ),
        (b"%PDF-1.4 not a photo", "Please upload a JPEG, PNG or WebP photo."),
        (jpeg()[:400], "Please upload a JPEG, PNG or WebP photo."),
    ],
    ids=["svg", "pdf", "truncated"],
)
def test_bad_files_are_refused_with_a_clear_message(client, data, message):
    sign_in(client, Role.EDITOR)
    response = submit(
        client,
        UPLOAD,
        {"photo": photo_file(data, "evil.jpg"), "alt_en": "Something"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    errors = soup(response).select_one(".error-summary").get_text()
    assert message in errors or "The image file is damaged or incomplete." in errors
    assert soup(response).find("input", id="alt_en")["value"] == "Something"
    assert image_count() == 0 and stored_files() == [] and actions() == []


def test_a_missing_file_is_explained(client):
    sign_in(client, Role.EDITOR)
    response = submit(client, UPLOAD, {"alt_en": "Something"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a photo to upload." in text_of(response)


def test_describing_a_photo_is_audited_and_alt_stays_required(client):
    image = make_image(alt_en="Old alt")
    story = make_story(hero_image_id=image.id)
    sign_in(client, Role.EDITOR)
    url = f"/staff/media/{image.id}"
    page = soup(client.get(url))
    assert [a.get_text() for a in page.select(".facts a")] == [story.title_en]
    assert f"/media/{image.key}-" in page.select_one(".snippet").get_text()

    response = client.post(
        url, data=form_values(client, url, "main form.form", alt_en="", alt_ko="")
    )
    assert response.status_code == 422
    assert "Describe the photo" in text_of(response)
    response = client.post(
        url, data=form_values(client, url, "main form.form", alt_en="New alt", caption_ko="캡션")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (image.alt_en, image.caption_ko) == ("New alt", "캡션")
    assert audit_rows("media.update")[0].data["fields"] == ["alt_en", "caption_ko"]


def test_the_media_list_shows_every_photo(client):
    for n in range(3):
        make_image(alt_en=f"Photo {n}")
    sign_in(client, Role.EDITOR)
    page = soup(client.get(UPLOAD))
    assert [a.get_text() for a in page.select(".media-alt")] == ["Photo 2", "Photo 1", "Photo 0"]


def test_a_photo_uploaded_with_the_story_form_survives_a_preview_and_is_served_with_srcset(client):
    sign_in(client, Role.EDITOR)
    big = io.BytesIO()
    Image.new("RGB", (2000, 1200), (30, 60, 90)).save(big, "JPEG")
    typed = story_form(
        action="preview",
        photo=photo_file(big.getvalue()),
        photo_alt_en="Mr. P holds his new Bible",
        photo_alt_ko="새 성경을 든 P씨",
        photo_caption_en="Mr. P receives an NK Bible",
    )
    response = submit(
        client, "/staff/content/stories/new", typed, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    image = db.session.scalars(select(MediaImage)).one()
    page = soup(response)
    assert page.find("select", id="hero_image_id").find("option", selected=True)["value"] == str(
        image.id
    )
    assert page.select_one(".preview-hero img")["alt"] == "Mr. P holds his new Bible"
    assert page.find("input", id="photo_alt_en")["value"] == ""  # stored: not uploaded twice
    assert page.find("textarea", id="body_en").get_text().strip().startswith("He read it")

    # Publishing the form as it came back, with the photo chosen.
    response = submit(
        client,
        "/staff/content/stories/new",
        story_form(action="publish", hero_image_id=str(image.id)),
    )
    assert response.status_code == 302
    story = db.session.scalars(select(Story)).one()
    assert story.hero_image_id == image.id

    public = soup(client.get(f"/stories/{story.slug}"))
    hero = public.select_one(".hero-figure img")
    assert hero["alt"] == "Mr. P holds his new Bible"
    widths = [part.split()[-1] for part in hero["srcset"].split(", ")]
    assert widths == ["480w", "960w", "1600w"]
    assert public.select_one(".hero-figure figcaption").get_text() == "Mr. P receives an NK Bible"
    with client.get(hero["src"]) as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert (
        soup(client.get(f"/stories/{story.slug}?lang=ko")).select_one(".hero-figure img")["alt"]
        == "새 성경을 든 P씨"
    )
    assert actions() == ["media.upload", "content.create", "content.publish"]


def test_the_story_form_refuses_a_photo_without_alt_text_and_keeps_the_story(client):
    sign_in(client, Role.EDITOR)
    typed = story_form(action="save", photo=photo_file(), photo_alt_en="", photo_alt_ko="")
    response = submit(
        client, "/staff/content/stories/new", typed, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    page = soup(response)
    assert (
        "Describe the photo for people who cannot see it (alt text)."
        in page.select_one(".error-summary").get_text()
    )
    assert page.find("input", id="title_en")["value"] == "Mr. P receives an NK Bible"
    assert page.select_one("details.upload-photo").has_attr("open")
    assert image_count() == 0 and stored_files() == []
    assert db.session.scalars(select(Story)).first() is None


def test_the_story_form_refuses_a_bad_file_with_the_pipelines_message(client):
    sign_in(client, Role.EDITOR)
    typed = story_form(
        action="save", photo=photo_file(b"GIF89a not really", "x.gif"), photo_alt_en="Alt"
    )
    response = submit(
        client, "/staff/content/stories/new", typed, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Please upload a JPEG, PNG or WebP photo." in text_of(response)
    assert image_count() == 0 and db.session.scalars(select(Story)).first() is None
