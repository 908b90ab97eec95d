"""Rate limits on the public forms people could flood: each one, through HTTP, until the 429
page, which is in the visitor's language; the limiter's storage is keyed by a keyed hash of
the client's address and never holds the address itself."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.extensions import limiter
from app.security import ip_hash
from tests.factories import make_prayer, make_story
from tests.helpers import soup

IP = "198.51.100.77"


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}

# name: (page holding the form, where it posts, what is sent, POSTs allowed before 429)
LIMITED = {
    "sign-in": ("/account/login", "/account/login", {"email": "{n}@example.org",
                "password": "wrong password"}, 10),
    "sign-up": ("/account/signup", "/account/signup", {"email": "new@example.org"}, 5),
    "password reset": ("/account/reset", "/account/reset", {"email": "{n}@example.org"}, 5),
    "comments": ("{story}", "/comments/story/{slug}", {"name": "A", "body": "Hi"}, 5),
    "subscribing": ("/subscribe", "/subscribe", {"subscribe-email": "{n}@example.org"}, 5),
    "I prayed": ("{prayer}", "/prayer/{prayer_slug}/prayed", {}, 30),
}  # fmt: skip


# The comment form is shown again with the text kept and the reason beside it.
COMMENT_429 = "짧은 시간에 댓글을 여러 개 올리셨습니다"


def _storage_keys() -> list[str]:
    return [str(key) for key in limiter.storage.storage]


TOKEN_FIELD = {"subscribing": "subscribe-csrf_token"}


def _token(client, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    found = soup_of(html).find("input", attrs={"name": ["csrf_token", "subscribe-csrf_token"]})
    assert found is not None, page
    return found["value"]


@pytest.mark.parametrize("name", LIMITED)
def test_the_limit_answers_429_in_the_visitors_language_keyed_by_hashed_ip(app, name):
    story, prayer = make_story(), make_prayer()
    page, action, data, allowed = LIMITED[name]
    fill = {"story": f"/stories/{story.slug}", "slug": story.slug,
            "prayer": f"/prayer/{prayer.slug}", "prayer_slug": prayer.slug}  # fmt: skip
    page, action = page.format(**fill), action.format(**fill)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = IP
    token = _token(client, page)

    def send(n: int, to=client, token=token, headers=KOREAN):
        form = {k: v.replace("{n}", f"reader{n}") for k, v in data.items()}
        return to.post(action, data={TOKEN_FIELD.get(name, "csrf_token"): token, **form},
                       headers=headers)  # fmt: skip

    answers = [send(n).status_code for n in range(allowed)]
    assert 429 not in answers and all(code < 500 for code in answers), answers
    refused = send(allowed)
    assert refused.status_code == 429
    page_html = soup(refused)
    assert page_html.html["lang"] == "ko"
    if name == "comments":
        assert COMMENT_429 in page_html.select_one(".error-summary").get_text()
    else:
        assert page_html.find("h1").get_text(strip=True) == "잠시 천천히 해 주세요"
    assert "Retry-After" in refused.headers or "X-RateLimit-Reset" in refused.headers
    # Another client is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.78"
    assert send(0, other, _token(other, page), {}).status_code != 429
    keys = _storage_keys()
    assert keys, "nothing was counted"
    assert not any(IP in key or "198.51.100.78" in key for key in keys), keys
    assert any(ip_hash("throttle", IP) in key for key in keys), keys
