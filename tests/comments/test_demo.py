"""The seed's comments load with the demo content, once, on the project page."""

from __future__ import annotations

from sqlalchemy import func, select

from app.comments.models import Comment, CommentStatus
from app.content.models import Project
from app.extensions import db
from tests.helpers import soup

SEED = [
    (
        "Pastor Kent",
        "Says March 04, 2020 at 6:51 pm",
        "Yes, I will join you in praying this for him as well.",
    ),
    ("Hana Kim", "Says November 18, 2020 at 3:11 pm", "God bless you on this mission!"),
    ("Miriam Berríos", "Says December 20, 2020 at 9:21 am", "Praying for KVOM ministry! 🙏✝️🙏"),
    (
        "jim_scoales",
        "Says March 02, 2021 at 7:16 pm",
        "Amen God will keep His own gift of faith through Grace alive in every elect child of His.",
    ),
    (
        "Wanita",
        "Says March 29, 2022 at 12:32 am",
        "I would like to receive email updates on the ministry to North Korea.",
    ),
    (
        "Pastor Tim",
        "Says April 05, 2022 at 1:24 pm",
        "I signed you up for our email prayer partner update Wanita!",
    ),
    (
        "Joe Sanders",
        "Says May 11, 2022 at 5:22 am",
        "I’m praying for GSK and other ‘special forces’",  # noqa: RUF001 (the seed's quotation marks)
    ),
]


def test_demo_comments_load_once_as_approved_comments_on_the_project(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    second = runner.invoke(args=["demo", "load"])
    assert "Already there: comments on project North Korean Newcomers" in second.output
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 7
    assert set(db.session.scalars(select(Comment.status))) == {CommentStatus.APPROVED}
    project = db.session.scalar(select(Project))
    assert project.comment_count == 7

    page = soup(client.get("/projects/north-korean-newcomers"))
    bodies = page.select("#comments .comment-body")
    seen = [
        (
            b.select_one(".comment-name").get_text(),
            " ".join(b.select_one(".comment-meta").get_text().split()),
            b.select_one(".comment-text").get_text(" ", strip=True),
        )
        for b in bodies
    ]
    assert [(name, date) for name, date, _text in seen] == [(n, d) for n, d, _t in SEED]
    for (_n, _d, text), (_name, _date, expected) in zip(seen, SEED, strict=True):
        assert text.startswith(expected)

    wanita = page.select("#comments ol.comment-list > li.comment")[4]
    tim = wanita.select_one("ul.comment-replies > li.comment")
    assert tim.select_one(".comment-name").get_text() == "Pastor Tim"
    assert tim.select_one(".badge-staff").get_text(strip=True) == "Staff"
    assert page.find(id="comments-title").get_text(strip=True) == "7 comments"
