"""What the staff dashboard shows, contributed by each feature.

A feature registers a function returning `Attention` items (things waiting for someone) and,
optionally, a `Panel` (a chart, a count, a short list). The dashboard shows each only to the
roles named, so a moderator sees pending comments and not Bible requests.

    @attention_provider(roles=(Role.MODERATOR,))      # or bare: @attention_provider
    def pending_comments():
        yield Attention(_l("Comments waiting for moderation"), n, url_for(...),
                        roles=(Role.MODERATOR,), level="warning", group=_l("Comments"))

    register_panel(Panel("bible_requests/_chart.html", chart_context, roles=(Role.REVIEWER,),
                         title=_l("Bibles given"), order=20))

A panel template is rendered on its own with the dict its `context()` returns; when the panel
has a `title` the dashboard prints it as an <h2>, so the template's own headings start at <h3>.

Recent activity comes from the audit trail. Admins see all of it; other staff see the actions
whose prefix a feature registered for their roles (`register_activity("comments.",
Role.MODERATOR)`), and their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app.security import Role, has_role

LEVELS = ("danger", "warning", "info")  # most urgent first


@dataclass(frozen=True)
class Attention:
    label: str
    count: int
    url: str
    roles: tuple[Role, ...]
    level: str = "info"  # info | warning | danger
    group: str = ""  # a heading gathering related items, e.g. "Bible requests"
    hint: str = ""  # one line of context, e.g. "oldest waiting 4 days"


@dataclass(frozen=True)
class Panel:
    template: str  # rendered with the context returned by `context()`
    context: Callable[[], dict]
    roles: tuple[Role, ...]
    order: int = 50
    title: str = ""  # printed by the dashboard as the panel's <h2> when given


@dataclass(frozen=True)
class _Provider:
    func: Callable[[], Iterable[Attention]]
    roles: tuple[Role, ...] | None  # None: always called, items filtered by their own roles


_attention: list[_Provider] = []
_panels: list[Panel] = []
_activity: dict[str, tuple[Role, ...]] = {}


def attention_provider(
    func: Callable[[], Iterable[Attention]] | None = None,
    *,
    roles: Iterable[Role | str] | None = None,
) -> Any:
    """Decorator: register a function that lists what needs attention.

    With `roles`, the function is only called for people holding one of them (its queries
    are not run for anyone else). Each item is still shown only to the roles it names.
    """
    needed = tuple(Role(r) for r in roles) if roles is not None else None

    def decorate(f: Callable[[], Iterable[Attention]]) -> Callable[[], Iterable[Attention]]:
        _attention.append(_Provider(f, needed))
        return f

    return decorate(func) if func is not None else decorate


def register_panel(panel: Panel) -> None:
    _panels.append(panel)


def register_activity(prefix: str, *roles: Role | str) -> None:
    """Let `roles` see audit actions starting with `prefix` in the dashboard's recent activity."""
    _activity[prefix] = tuple(Role(r) for r in roles)


def providers_for(user) -> list[Callable[[], Iterable[Attention]]]:
    return [p.func for p in _attention if p.roles is None or has_role(user, *p.roles)]


def visible_items(user, items: Iterable[Attention]) -> list[Attention]:
    """The items `user` may see: waiting before clear, most urgent first, else as provided."""
    shown = [item for item in items if has_role(user, *item.roles)]
    rank = {level: n for n, level in enumerate(LEVELS)}
    return sorted(shown, key=lambda i: (i.count == 0, rank.get(i.level, len(LEVELS))))


def attention_for(user) -> list[Attention]:
    """Every item for `user` (providers that fail raise; the dashboard view guards them)."""
    return visible_items(user, [item for f in providers_for(user) for item in f()])


def panels_for(user) -> list[Panel]:
    return sorted((p for p in _panels if has_role(user, *p.roles)), key=lambda p: p.order)


def activity_prefixes_for(user) -> list[str] | None:
    """Audit action prefixes `user` may see in recent activity; None means everything."""
    if has_role(user, Role.ADMIN):
        return None
    return sorted(prefix for prefix, roles in _activity.items() if has_role(user, *roles))
