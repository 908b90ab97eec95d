"""The shared state-machine table and the anti-spam checks."""

from __future__ import annotations

import enum

import pytest
import time_machine

from app.antispam import AntiSpamForm, looks_automated, shown_at_token
from app.workflow import TransitionRefused, Workflow


class Light(enum.StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


LIGHTS = Workflow(
    "light",
    {Light.RED: frozenset({Light.GREEN}), Light.GREEN: frozenset({Light.AMBER}),
     Light.AMBER: frozenset({Light.RED})},
)  # fmt: skip


def test_workflow_allows_only_listed_transitions():
    LIGHTS.check(Light.RED, Light.GREEN)
    assert LIGHTS.next_states(Light.GREEN) == {Light.AMBER}
    with pytest.raises(TransitionRefused, match="red -> amber"):
        LIGHTS.check(Light.RED, Light.AMBER)


def _posted(app, **data):
    with app.test_request_context(method="POST", data={"csrf_token": "x", **data}):
        form = AntiSpamForm(meta={"csrf": False})
        return looks_automated(form)


def test_a_person_who_takes_their_time_passes(app):
    with time_machine.travel(1_800_000_000, tick=False) as clock, app.test_request_context():
        token = shown_at_token()
        clock.shift(20)
        assert _posted(app, shown_at=token, website="") is False


def test_honeypot_too_fast_forged_missing_and_stale_are_caught(app):
    with time_machine.travel(1_800_000_000, tick=False) as clock, app.test_request_context():
        token = shown_at_token()
        clock.shift(20)
        assert _posted(app, shown_at=token, website="http://spam.example") is True
        assert _posted(app, shown_at=token[:-2] + "xx") is True
        assert _posted(app) is True
        clock.shift(2 * 24 * 3600)
        assert _posted(app, shown_at=token) is True
    with app.test_request_context():
        assert _posted(app, shown_at=shown_at_token()) is True  # at once: too fast
