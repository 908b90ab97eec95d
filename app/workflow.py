"""Explicit state machines: an enum of states and one table of allowed transitions.

Each workflow (leader verification, comment moderation, Bible requests) declares its table as
a `Workflow`; its own `transition()` service calls `check()` and then records an event row,
so no state changes any other way.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

S = TypeVar("S", bound=enum.Enum)


class TransitionRefused(Exception):
    """A transition the workflow does not allow."""

    def __init__(self, workflow: str, current: enum.Enum, target: enum.Enum) -> None:
        super().__init__(f"{workflow}: {current.value} -> {target.value} is not allowed")
        self.current = current
        self.target = target


@dataclass(frozen=True)
class Workflow(Generic[S]):
    name: str
    transitions: Mapping[S, frozenset[S]]

    def allowed(self, current: S, target: S) -> bool:
        return target in self.transitions.get(current, frozenset())

    def check(self, current: S, target: S) -> None:
        if not self.allowed(current, target):
            raise TransitionRefused(self.name, current, target)

    def next_states(self, current: S) -> frozenset[S]:
        return self.transitions.get(current, frozenset())
