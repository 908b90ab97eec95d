"""The staff blueprint. Features nest their own staff blueprints under it (see create_app),
so the guard below covers every staff page."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from markupsafe import Markup

from app.extensions import db
from app.security import check_staff, staff_required
from app.staff import dashboard as registry
from app.staff.activity import action_label, recent_activity

bp = Blueprint("staff", __name__)
bp.add_app_template_global(action_label, "action_label")

_nested: dict[str, Blueprint] = {}


def nest(child: Blueprint, url_prefix: str) -> None:
    """Nest a feature's staff blueprint under /staff, once per process.

    Flask refuses `register_blueprint` on a blueprint already registered on an app, and
    create_app() runs more than once in a process (tests, the CLI), so nesting is done once.
    """
    if _nested.get(child.name) is child:
        return
    bp.register_blueprint(child, url_prefix=url_prefix)
    _nested[child.name] = child


@bp.before_request
def guard():
    """Every staff page: signed in, a staff role, two-factor done (views then check roles)."""
    return check_staff()


@dataclass
class RenderedPanel:
    title: str
    html: Markup | None  # None when the panel could not be built


@dataclass
class Dashboard:
    attention: list[registry.Attention] = field(default_factory=list)
    failed: int = 0  # providers or panels that raised; the rest of the page still shows
    panels: list[RenderedPanel] = field(default_factory=list)


def _guarded(what: str, build):
    """Run one feature's contribution; a failure is logged and leaves the others standing."""
    try:
        return True, build()
    except Exception:
        current_app.logger.exception("dashboard: %s failed", what)
        db.session.rollback()  # PostgreSQL refuses further queries in a failed transaction
        return False, None


def _render_panel(panel: registry.Panel) -> Markup:
    """A panel's template rendered by Jinja with autoescaping: already safe HTML."""
    html = render_template(panel.template, **panel.context())
    return Markup(html)  # noqa: S704  # nosec B704


def build_dashboard(user) -> Dashboard:
    board = Dashboard()
    items: list[registry.Attention] = []
    for provider in registry.providers_for(user):
        ok, found = _guarded(
            getattr(provider, "__name__", "provider"), lambda p=provider: list(p())
        )
        if ok:
            items.extend(found)
        else:
            board.failed += 1
    board.attention = registry.visible_items(user, items)
    for panel in registry.panels_for(user):
        ok, html = _guarded(panel.template, lambda p=panel: _render_panel(p))
        board.panels.append(RenderedPanel(str(panel.title), html if ok else None))
        board.failed += 0 if ok else 1
    return board


@bp.get("/")
@staff_required()
def dashboard():
    """What needs attention now, the features' panels, and recent activity."""
    user = current_user._get_current_object()
    return render_template(
        "staff/dashboard.html",
        board=build_dashboard(user),
        activity=recent_activity(user),
    )
