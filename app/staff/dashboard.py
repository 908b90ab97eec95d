"""What the staff dashboard shows, contributed by each feature.

A feature registers a function returning `Attention` items (things waiting for someone) and,
optionally, a panel template (a chart, a list). The dashboard shows each only to the roles
named, so a moderator sees pending comments and not Bible requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.security import Role, has_role


@dataclass(frozen=True)
class Attention:
    label: str
    count: int
    url: str
    roles: tuple[Role, ...]
    level: str = "info"  # info | warning | danger


@dataclass(frozen=True)
class Panel:
    template: str  # rendered with the context returned by `context()`
    context: Callable[[], dict]
    roles: tuple[Role, ...]
    order: int = 50


_attention: list[Callable[[], Iterable[Attention]]] = []
_panels: list[Panel] = []


def attention_provider(
    func: Callable[[], Iterable[Attention]],
) -> Callable[[], Iterable[Attention]]:
    """Decorator: register a function that lists what needs attention."""
    _attention.append(func)
    return func


def register_panel(panel: Panel) -> None:
    _panels.append(panel)


def attention_for(user) -> list[Attention]:
    items = [item for provider in _attention for item in provider()]
    return [item for item in items if has_role(user, *item.roles)]


def panels_for(user) -> list[Panel]:
    return sorted((p for p in _panels if has_role(user, *p.roles)), key=lambda p: p.order)
