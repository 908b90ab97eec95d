"""The eligibility check, in the ministry's own terms (seed, stipulations 1 to 4).

Each question's answers either qualify or name a reason; each reason has a kind explanation
in the seed's reasoning and points to buying Bibles instead. Passing is remembered in the
session for a day, and the answers are kept with the request for the reviewer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import session
from flask_babel import lazy_gettext as _l

SESSION_KEY = "bible_eligibility"
VALID_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Question:
    name: str
    label: Any
    choices: tuple[tuple[str, Any], ...]
    # answer -> reason key for answers that disqualify
    disqualify: dict[str, str]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "role",
        _l("What is your role in the ministry to North Koreans?"),
        (
            ("church", _l("I serve in an official leadership position in my church's NK congregation")),
            ("missionary", _l("I am a missionary appointed to serve North Koreans")),
            ("ngo", _l("I am a leader at a Christian NGO that serves North Koreans")),
            ("personal", _l("I would like to give a Bible to a North Korean friend, or reach out to North Koreans personally")),
        ),
        {"personal": "personal"},
    ),
    Question(
        "ministry",
        _l("Is the ministry already meeting and discipling North Koreans?"),
        (
            ("existing", _l("Yes: we already have an ongoing discipleship relationship with North Koreans")),
            ("starting", _l("Not yet: we are preparing or hoping to start an NK ministry")),
        ),
        {"starting": "not_started"},
    ),
    Question(
        "work",
        _l("What is the main work of your ministry with North Koreans?"),
        (
            ("discipleship", _l("Christian discipleship: Bible study, worship, discipling relationships")),
            ("other", _l("Mainly something else, such as computer or language classes, job training, social or political activities")),
        ),
        {"other": "not_discipleship"},
    ),
    Question(
        "purpose",
        _l("How will the Bibles be used?"),
        (
            ("discipleship", _l("In the ongoing discipleship of North Koreans we already disciple, following a plan")),
            ("event", _l("As a gift at a special event, party or holiday, for example in a gift bag")),
            ("gift", _l("As a gift from our church or ministry to North Koreans")),
        ),
        {"event": "event", "gift": "gift"},
    ),
    Question(
        "timing",
        _l("When will you give them out?"),
        (
            ("now", _l("All of them, shortly after they arrive, to North Koreans we disciple now")),
            ("later", _l("We would like to keep some for later or for people who may come in the future")),
        ),
        {"later": "storing"},
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Reason:
    key: str
    title: Any
    paragraphs: tuple[Any, ...]
    come_back: Any = None  # when asking again later makes sense


REASONS: dict[str, Reason] = {
    r.key: r
    for r in (
        Reason(
            "personal",
            _l("Our free Bibles are for leaders of existing NK ministries"),
            (
                _l("We provide free NK Bibles only to people serving in official leadership positions: at their church's NK congregation, as a missionary appointed to serve North Koreans, or as a leader at a Christian NGO."),
                _l("So we do not provide free Bibles for personal outreach to North Koreans, or to give a Bible to a North Korean friend. Thank you for caring for them: you can buy NK Bibles from us and give them yourself."),
            ),
        ),
        Reason(
            "not_started",
            _l("Our free Bibles are for ministries that already exist"),
            (
                _l("We provide free NK Bibles to existing NK ministries that are already discipling North Koreans. We do not provide them to people who are interested in starting an NK ministry, whether at their church, as a missionary or at an NGO."),
                _l("Until then, you can buy NK Bibles from us."),
            ),
            _l("When your ministry meets and disciples North Koreans, you are welcome to ask again."),
        ),
        Reason(
            "not_discipleship",
            _l("Our free Bibles are tools for discipleship"),
            (
                _l("We provide free NK Bibles to ministries whose work with North Koreans is primarily Christian discipleship. We do not provide them to NK-related organizations whose work is mainly something else: for example, a Christian ministry that teaches North Korean defectors how to use computers."),
                _l("If you would like to give Bibles to the North Koreans you serve, you can buy them from us and give them as a gift from your organization."),
            ),
        ),
        Reason(
            "event",
            _l("Our free Bibles are not for events or gift bags"),
            (
                _l("We consider NK Bibles genuine discipleship tools and not souvenirs. We do not provide free Bibles for special events such as a New Year's party or a rally, or to put in a gift bag as a \"free gift\"."),
                _l("If you would like to give Bibles at an event, please buy them from us and give them as an actual gift from your church."),
            ),
        ),
        Reason(
            "gift",
            _l("Bibles given as gifts should be bought"),
            (
                _l("If a church or ministry wants to give Bibles to North Koreans as gifts, it should purchase them from us and give them as its own gift."),
                _l("We give free Bibles only for use in an ongoing discipleship relationship, and then the recipient is told that the Bible is provided free of charge by VOM Korea, not as a gift from the church or ministry."),
            ),
        ),
        Reason(
            "storing",
            _l("Please ask only for what you can give now"),
            (
                _l("Ministries receive only what they can give at the present time, and send us proof, such as a photo, that all the Bibles were given out shortly after they arrived. So we do not provide Bibles to store and use later."),
                _l("When you know whom you will disciple with them, you are welcome to ask for that number. Bibles for later use can be bought from us."),
            ),
            _l("When you can give them out right away, you are welcome to ask again."),
        ),
    )
}  # fmt: skip


def reasons_for(answers: dict[str, str]) -> list[str]:
    """The reasons (in question order, no repeats) that the answers disqualify for."""
    found: list[str] = []
    for question in QUESTIONS:
        reason = question.disqualify.get(answers.get(question.name, ""))
        if reason and reason not in found:
            found.append(reason)
    return found


def remember_pass(answers: dict[str, str]) -> None:
    session[SESSION_KEY] = {"at": int(time.time()), "answers": answers}


def passed_answers() -> dict[str, str] | None:
    """The answers of an eligibility check passed in this session within the last day."""
    stored = session.get(SESSION_KEY)
    if not stored or time.time() - stored.get("at", 0) > VALID_SECONDS:
        return None
    answers = stored.get("answers") or {}
    if reasons_for(answers) or set(answers) != {q.name for q in QUESTIONS}:
        return None
    return answers


def forget_pass() -> None:
    session.pop(SESSION_KEY, None)


def answer_labels(answers: dict[str, str]) -> list[tuple[Any, Any]]:
    """(question, chosen answer) pairs for showing a request's check to reviewers."""
    shown = []
    for question in QUESTIONS:
        label = dict(question.choices).get(answers.get(question.name, ""), "")
        shown.append((question.label, label))
    return shown
