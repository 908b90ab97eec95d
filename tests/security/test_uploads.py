"""Hostile uploads through both doors: story photos (staff media) and verification photos
(leaders). Each bad file is refused quickly with a clear message, nothing is stored (no file,
no row), and memory stays bounded; a body over MAX_CONTENT_LENGTH gets the friendly 413 page.
"""

from __future__ import annotations

import io
import time
import tracemalloc
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.bible_requests.models import RequestState
from app.database import utcnow
from app.security import Role
from tests.bible_requests.factories import make_request
from tests.helpers import csrf_token, login, soup
from tests.security.world import database_fingerprint
from tests.staff.factories import sign_in
from tests.test_images import REJECTED

MESSAGES = (
    "Please upload a JPEG, PNG or WebP photo.",
    "The image file is damaged or incomplete.",
    "The file is empty.",
    "The image has too many pixels; please send a smaller photo.",
    "Choose a photo to upload.",
    "Please add at least one photo.",
)
NAMES = {"svg": "drawing.svg", "html": "page.html", "gif polyglot": "photo.gif",
         "php renamed": "shell.php.jpg"}  # fmt: skip
MEMORY_BOUND = 64 * 1024 * 1024  # a 30000x30000 image decoded would need 2.7 GB


def _files(app) -> list[str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _post(client, url: str, fields: dict, file_field: str, content: bytes, name: str):
    data = MultiDict(fields)
    data.add(file_field, FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _staff_media(app, client):
    sign_in(client, Role.EDITOR)
    url = "/staff/media/"
    return url, {"csrf_token": csrf_token(client, url), "alt_en": "A photo"}, "photo"


def _verification(app, client):
    req = make_request(RequestState.RECEIVED)
    login(client, req.leader)
    url = f"/requests/{req.id}/verification"
    today = utcnow().date().isoformat()
    fields = {"csrf_token": csrf_token(client, url), "bibles_given": str(req.quantity),
              "given_from": today, "given_until": today, "note": "Sunday study."}  # fmt: skip
    return url, fields, "photos"


DOORS = {"staff media": _staff_media, "verification": _verification}


@pytest.mark.parametrize("kind", REJECTED)
@pytest.mark.parametrize("door", DOORS)
def test_bad_files_are_refused_quickly_plainly_and_leave_nothing(app, client, door, kind):
    url, fields, file_field = DOORS[door](app, client)
    files_before, rows_before = _files(app), database_fingerprint()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = _post(client, url, fields, file_field, REJECTED[kind], NAMES.get(kind, "a.jpg"))
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code in (200, 422), response.status_code
    summary = soup(response).select_one(".error-summary")
    assert summary is not None, f"{kind}: no message"
    assert any(message in summary.get_text() for message in MESSAGES), summary.get_text()
    assert elapsed < 3, f"{kind} took {elapsed:.1f} s"
    assert peak < MEMORY_BOUND, f"{kind}: {peak / 2**20:.0f} MB"
    assert _files(app) == files_before
    assert database_fingerprint() == rows_before


@pytest.mark.parametrize("door", DOORS)
def test_a_body_over_the_size_limit_gets_the_friendly_413_page(app, client, door):
    url, fields, file_field = DOORS[door](app, client)
    files_before, rows_before = _files(app), database_fingerprint()
    too_big = b"\xff\xd8\xff" + b"\x00" * app.config["MAX_CONTENT_LENGTH"]
    started = time.perf_counter()
    response = _post(client, url, fields, file_field, too_big, "huge.jpg")
    assert time.perf_counter() - started < 5
    assert response.status_code == 413
    page = soup(response)
    assert page.find("h1").get_text(strip=True) == "That was too large to send"
    assert "Traceback" not in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"]
    assert _files(app) == files_before
    assert database_fingerprint() == rows_before
