"""The staff blueprint. Features nest their own staff blueprints under it (see create_app),
so the guard below covers every staff page."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.security import check_staff, staff_required

bp = Blueprint("staff", __name__)


@bp.before_request
def guard():
    """Every staff page: signed in, a staff role, two-factor done (views then check roles)."""
    return check_staff()


@bp.get("/")
@staff_required()
def dashboard():
    """What needs attention now."""
    return render_template("staff/dashboard.html")
