"""NUL bytes anywhere in a request: PostgreSQL text cannot hold one, so none may reach a query
(on PostgreSQL each of these was a 500, found by the fuzzing and XSS suites)."""

from __future__ import annotations

from sqlalchemy import select

from app.comments.models import Comment
from app.extensions import db
from app.security import Role
from tests.comments.factories import post_comment
from tests.factories import make_story
from tests.helpers import login
from tests.staff.factories import make_staff


def test_a_nul_in_the_path_is_not_found(client):
    story = make_story()
    for url in (f"/stories/{story.slug}%00", "/prayer/x%00y", "/subscription/a%00b",
                "/account/reset/%00", "/comments/stop/%00"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url


def test_nuls_in_query_values_are_dropped(client):
    login(client, make_staff(Role.ADMIN))
    for url in ("/staff/comments/?q=a%00b", "/staff/subscribers/?q=%00", "/staff/people/?q=x%00",
                "/staff/requests/?q=%00", "/stories/?page=1%00", "/account/login?next=/%00"):  # fmt: skip
        assert client.get(url).status_code < 500, url


def test_nuls_in_a_form_are_dropped_and_the_rest_is_kept(client):
    story = make_story()
    response = post_comment(client, story, name="Jo\x00hn", body="Pray\x00ing for you\x00")
    assert response.status_code == 302
    comment = db.session.scalar(select(Comment))
    assert (comment.author_name, comment.body) == ("John", "Praying for you")
