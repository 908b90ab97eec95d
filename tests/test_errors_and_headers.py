"""Error pages and the headers every response carries."""

from __future__ import annotations

import pytest

from app import create_app
from tests.helpers import text_of


@pytest.mark.parametrize(
    "url", ["/", "/stories/", "/about", "/missing", "/healthz", "/feeds/stories.atom"]
)
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_database_down_gives_a_clean_503(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    broken = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3"}
    )
    client = broken.test_client()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["database"] == "unavailable"

    page = client.get("/stories/")
    assert page.status_code == 503
    assert "briefly unavailable" in text_of(page)
    assert "Traceback" not in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "10"
    assert "Content-Security-Policy" in page.headers


def test_unexpected_errors_get_the_friendly_500_page(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROPAGATE_EXCEPTIONS": False}
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in text_of(response)
    assert "boom" not in response.get_data(as_text=True)
