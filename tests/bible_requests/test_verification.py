"""Proof of distribution: photos through the one image pipeline, numbers, dates, review."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import images
from app.bible_requests.models import (
    RequestState,
    Verification,
    VerificationOutcome,
    VerificationPhoto,
)
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.bible_requests.factories import make_request, png_bytes
from tests.factories import make_user
from tests.helpers import csrf_token, login, soup, text_of
from tests.test_images import GPS_IFD, jpeg_with_metadata, png_with_text

S = RequestState
MARKERS = (b"Exif", b"SecretCamera", b"SecretXMP", b"http://ns.adobe.com", b"ICC_PROFILE",
           b"SecretComment", b"SecretPlace", b"SecretAuthor", b"tEXt", b"iTXt")  # fmt: skip


def stored_files() -> list:
    folder = images.path_of("private", "x").parent
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def send_proof(client, req, files, **fields):
    url = f"/requests/{req.id}/verification"
    today = utcnow().date().isoformat()
    data = {
        "csrf_token": csrf_token(client, url),
        "bibles_given": str(req.quantity),
        "given_from": today,
        "given_until": today,
        "note": "Given at our Sunday Bible study.",
        **fields,
    }
    fields = MultiDict(data)
    for content, name in files:
        fields.add("photos", FileStorage(io.BytesIO(content), filename=name))
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # that it never closes.
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def received(client):
    req = make_request(S.RECEIVED)
    login(client, req.leader)
    return req


def test_photos_come_out_without_gps_exif_xmp_comments_icc_or_text(client, received):
    metadata_jpeg = jpeg_with_metadata()
    assert Image.open(io.BytesIO(metadata_jpeg)).getexif().get_ifd(GPS_IFD)  # the fixture has GPS
    response = send_proof(
        client, received, [(metadata_jpeg, "IMG_0001.JPG"), (png_with_text(), "b.png")]
    )
    assert response.status_code == 302, text_of(response)
    db.session.refresh(received)
    assert received.state == S.VERIFICATION_SUBMITTED
    photos = db.session.scalars(select(VerificationPhoto).order_by(VerificationPhoto.id)).all()
    assert len(photos) == 2 and stored_files() == sorted(p.file_name for p in photos)
    for photo in photos:
        # Served to the owner, and what is served has no metadata either.
        data = images.path_of("private", photo.file_name).read_bytes()
        with client.get(f"/requests/{received.id}/photos/{photo.id}") as served:
            assert served.status_code == 200
            assert served.data == data
        for marker in MARKERS:
            assert marker not in data, marker
        reopened = Image.open(io.BytesIO(data))
        assert not reopened.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(reopened.info)
        assert "IMG_0001" not in photo.file_name  # random names, not the uploader's
    # The EXIF orientation (6) was applied before the tags were dropped.
    assert (photos[0].width, photos[0].height) == (480, 640)


def test_the_photo_is_served_privately(client, received):
    send_proof(client, received, [(png_bytes(), "a.png")])
    photo = db.session.scalar(select(VerificationPhoto))
    with client.get(f"/requests/{received.id}/photos/{photo.id}") as response:
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"] == (
            f"inline; filename=request-{received.id}-photo-{photo.id}.jpg"
        )
        assert response.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Please add at least one photo."),
        ([(png_bytes(), f"{n}.png") for n in range(11)], "Please send at most 10 photos."),
        ([(b"%PDF-1.4 not a photo", "scan.jpg")], "Please upload a JPEG, PNG or WebP photo."),
        (
            [(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "x.svg")],
            "Please upload a JPEG, PNG or WebP photo.",
        ),
        (
            [(png_bytes(), "good.png"), (b"GIF89a....", "bad.gif")],
            "bad.gif: Please upload a JPEG, PNG or WebP photo.",
        ),
    ],
    ids=["none", "eleven", "pdf", "svg", "one-good-one-bad"],
)
def test_refused_uploads_say_why_and_store_nothing(client, received, files, message):
    response = send_proof(client, received, files)
    assert response.status_code == 200
    assert message in text_of(response)
    assert stored_files() == []
    assert db.session.scalar(select(func.count()).select_from(Verification)) == 0
    db.session.refresh(received)
    assert received.state == S.RECEIVED
    # What was typed is still there.
    assert soup(response).find("textarea", {"name": "note"}).get_text().strip() == (
        "Given at our Sunday Bible study."
    )


def test_an_image_over_the_size_limit_is_refused_before_decoding(client, received):
    big = png_bytes() + b"\0" * (images.MAX_BYTES + 1)
    response = send_proof(client, received, [(big, "huge.png")])
    assert "huge.png: The image is larger than 12 MB." in text_of(response)
    assert stored_files() == []


def test_a_body_over_the_request_limit_gets_the_friendly_413_page(
    app, client, received, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 200_000)
    response = send_proof(client, received, [(b"\xff" * 300_000, "big.jpg")])
    assert response.status_code == 413
    assert "That was too large to send" in text_of(response)
    assert stored_files() == []
    db.session.refresh(received)
    assert received.state == S.RECEIVED


def test_fewer_given_than_shipped_needs_an_explanation(client, received):
    response = send_proof(client, received, [(png_bytes(), "a.png")], bibles_given="3")
    assert "please explain why" in text_of(response)
    too_many = send_proof(client, received, [(png_bytes(), "a.png")], bibles_given="6")
    assert "We sent 5 Bibles; enter at most that many." in text_of(too_many)
    ok = send_proof(
        client, received, [(png_bytes(), "a.png")], bibles_given="3",
        explanation="Two families moved to Busan; we will post theirs.",
    )  # fmt: skip
    assert ok.status_code == 302
    assert db.session.scalar(select(Verification)).bibles_given == 3


def test_dates_must_make_sense(client, received):
    response = send_proof(
        client,
        received,
        [(png_bytes(), "a.png")],
        given_from="2030-05-02",
        given_until="2030-05-01",
    )
    assert "The end date is before the start date." in text_of(response)
    future = send_proof(client, received, [(png_bytes(), "a.png")], given_until="2999-01-01")
    assert "The date cannot be in the future." in text_of(future)


def test_reviewers_verify_or_return_and_the_leader_sends_again(client, app):
    reviewer = make_user(Role.REVIEWER)
    req = make_request(S.RECEIVED, reviewer=reviewer)
    login(client, req.leader)
    send_proof(client, req, [(png_bytes(), "a.png")])
    staff = app.test_client()
    login(staff, reviewer)
    page = staff.get(f"/staff/requests/{req.id}")
    photo = db.session.scalar(select(VerificationPhoto))
    assert soup(page).find("img", src=f"/requests/{req.id}/photos/{photo.id}")
    with staff.get(f"/requests/{req.id}/photos/{photo.id}") as served:
        assert served.status_code == 200
    token = csrf_token(staff, f"/staff/requests/{req.id}")
    staff.post(
        f"/staff/requests/{req.id}/to/verification_returned",
        data={"csrf_token": token, "verification_returned-note": "The photo is blurred."},
    )
    db.session.refresh(req)
    assert req.state == S.VERIFICATION_RETURNED
    assert db.session.scalar(select(Verification)).outcome == VerificationOutcome.RETURNED
    assert "The photo is blurred." in text_of(client.get(f"/requests/{req.id}"))
    assert send_proof(client, req, [(png_bytes(color=(9, 9, 9)), "b.png")]).status_code == 302
    staff.post(
        f"/staff/requests/{req.id}/to/verified",
        data={"csrf_token": token, "verified-note": ""},
    )
    db.session.refresh(req)
    assert req.state == S.VERIFIED and req.bibles_given == 5 and req.verified_at
    outcomes = [
        v.outcome for v in db.session.scalars(select(Verification).order_by(Verification.id))
    ]
    assert outcomes == [VerificationOutcome.RETURNED, VerificationOutcome.ACCEPTED]


def test_proof_cannot_be_sent_before_the_bibles_arrive(client):
    req = make_request(S.SHIPPED)
    login(client, req.leader)
    response = client.get(f"/requests/{req.id}/verification")
    assert response.status_code == 302 and response.headers["Location"] == f"/requests/{req.id}"


def test_webp_photos_are_accepted_and_re_encoded(client, received):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    Image.new("RGB", (320, 200), (10, 120, 60)).save(out, "WEBP", exif=exif, xmp=b"SecretXMP")
    assert b"SecretCamera" in out.getvalue()
    assert send_proof(client, received, [(out.getvalue(), "phone.webp")]).status_code == 302
    (name,) = stored_files()
    data = images.path_of("private", name).read_bytes()
    assert b"SecretCamera" not in data and b"SecretXMP" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"
