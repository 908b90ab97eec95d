"""The moderation rules, each on its own and in WordPress's check_comment order."""

from __future__ import annotations

import pytest

from app.comments.models import CommentStatus
from app.extensions import db
from app.security import Role
from app.settings import set_setting
from tests.comments.factories import last_comment, make_comment, page_url, post_comment
from tests.factories import make_story, make_user
from tests.helpers import login, soup, text_of

THREE_LINKS = "See https://a.example, https://b.example and https://c.example please."


def settings(**values) -> None:
    for key, value in values.items():
        set_setting(key, value)
    db.session.commit()


def test_an_ordinary_comment_is_held_by_default(client, app):
    story = make_story()
    response = post_comment(client, story, body="Yes, I will join you in praying.")
    assert response.status_code == 302
    comment = last_comment()
    assert (comment.status, comment.moderation_rule) == (CommentStatus.PENDING, "default")
    stranger = app.test_client()
    assert "Yes, I will join you" not in text_of(stranger.get(page_url(story)))


def test_a_disallowed_word_makes_spam_that_is_kept_and_never_shown(client, app):
    settings(comment_disallowed_words=["casino"])
    story = make_story()
    response = post_comment(client, story, body="Best CaSiNo bonus here")
    # The poster gets the ordinary "awaiting moderation" answer.
    assert response.status_code == 302
    assert "awaiting moderation" in text_of(client.get(response.headers["Location"]))
    comment = last_comment()
    assert comment.status == CommentStatus.SPAM
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")  # as for held ones
    assert (comment.moderation_rule, comment.moderation_detail) == ("disallowed", "casino")
    # Never shown: not to strangers, not even in the poster's own browser.
    assert "bonus" not in text_of(client.get(page_url(story)))
    assert "bonus" not in text_of(app.test_client().get(page_url(story)))


@pytest.mark.parametrize("field", ["name", "email"])
def test_disallowed_words_are_looked_for_in_name_and_email_too(client, field):
    settings(comment_disallowed_words=["spammer"])
    value = {"name": "Top Spammer", "email": "spammer@example.org"}[field]
    post_comment(client, make_story(), **{field: value})
    assert last_comment().status == CommentStatus.SPAM


def test_more_links_than_the_limit_are_held_even_for_known_authors(client):
    settings(comment_auto_approve_known=True)
    story = make_story()
    make_comment(story, email="friend@example.org")
    post_comment(client, story, email="friend@example.org", body=THREE_LINKS)
    comment = last_comment()
    assert (comment.status, comment.moderation_rule) == (CommentStatus.PENDING, "links")
    assert comment.moderation_detail == "3"
    # Two links are within the default limit of 2.
    post_comment(
        client, story, email="friend@example.org", body="https://a.example https://b.example"
    )
    assert last_comment().status == CommentStatus.APPROVED


def test_the_link_limit_is_a_setting(client):
    settings(comment_auto_approve_known=True, comment_link_limit=0)
    story = make_story()
    make_comment(story, email="friend@example.org")
    post_comment(client, story, email="friend@example.org", body="Our church: www.hope.example")
    assert last_comment().moderation_rule == "links"


def test_a_moderation_word_holds_the_comment(client):
    settings(comment_auto_approve_known=True, comment_moderation_words=["bitcoin"])
    story = make_story()
    make_comment(story, email="friend@example.org")
    post_comment(client, story, email="friend@example.org", body="Send BITCOIN to help")
    comment = last_comment()
    assert (comment.status, comment.moderation_rule) == (CommentStatus.PENDING, "moderation_words")


def test_known_authors_are_approved_only_when_the_setting_is_on(client):
    story = make_story()
    make_comment(story, email="hana@example.org")
    make_comment(story, email="pending@example.org", status=CommentStatus.PENDING)

    post_comment(client, story, email="hana@example.org")  # default: off
    assert last_comment().status == CommentStatus.PENDING

    settings(comment_auto_approve_known=True)
    post_comment(client, story, email="HANA@example.org")
    comment = last_comment()
    assert (comment.status, comment.moderation_rule) == (CommentStatus.APPROVED, "known_author")
    # Only an *approved* comment makes an author known.
    post_comment(client, story, email="pending@example.org")
    assert last_comment().status == CommentStatus.PENDING


@pytest.mark.parametrize(
    ("disallowed", "links", "moderation_word", "known", "expected"),
    [
        (True, True, True, True, (CommentStatus.SPAM, "disallowed")),
        (False, True, True, True, (CommentStatus.PENDING, "links")),
        (False, False, True, True, (CommentStatus.PENDING, "moderation_words")),
        (False, False, False, True, (CommentStatus.APPROVED, "known_author")),
        (False, False, False, False, (CommentStatus.PENDING, "default")),
    ],
)
def test_rules_apply_in_wordpress_order(
    client, disallowed, links, moderation_word, known, expected
):
    settings(
        comment_disallowed_words=["viagra"],
        comment_moderation_words=["loan"],
        comment_auto_approve_known=True,
    )
    story = make_story()
    email = "known@example.org" if known else "new@example.org"
    make_comment(story, email="known@example.org")
    body = (
        " ".join(
            part
            for part, on in (
                ("viagra", disallowed),
                (THREE_LINKS, links),
                ("loan", moderation_word),
            )
            if on
        )
        or "Amen."
    )
    post_comment(client, story, email=email, body=body)
    comment = last_comment()
    assert (comment.status, comment.moderation_rule) == expected


def test_signed_in_staff_are_approved_at_once_with_a_staff_badge(client):
    settings(comment_disallowed_words=["english"])  # the rules do not apply to staff
    story = make_story()
    login(client, make_user(Role.EDITOR, name="Pastor Tim"))
    page = soup(client.get(page_url(story)))
    assert page.find("input", attrs={"name": "email"}) is None  # they comment as themselves
    response = post_comment(client, story, body="We don't teach English to NK defectors.")
    assert response.status_code == 302
    comment = last_comment()
    assert comment.status == CommentStatus.APPROVED and comment.by_staff
    assert comment.author_name == "Pastor Tim" and comment.moderation_rule == "staff"
    shown = soup(client.get(page_url(story))).find(id=f"comment-{comment.id}")
    assert shown.select_one(".badge-staff").get_text(strip=True) == "Staff"


def test_staff_who_have_not_finished_two_factor_are_ordinary_commenters(client):
    story = make_story()
    login(client, make_user(Role.MODERATOR, name="Half Signed In"), mfa=False)
    post_comment(client, story, name="Half Signed In")
    comment = last_comment()
    assert comment.status == CommentStatus.PENDING and not comment.by_staff


def test_word_lists_given_as_text_count_one_word_per_line(client):
    settings(comment_disallowed_words="casino\n  \nlottery win")
    story = make_story()
    post_comment(client, story, body="A lottery win for you")
    assert last_comment().status == CommentStatus.SPAM
    post_comment(client, story, body="Amen, praying with you")  # letters alone never match
    assert last_comment().status == CommentStatus.PENDING
