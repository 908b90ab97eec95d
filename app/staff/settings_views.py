"""Site settings (admins only): one page built from the `SETTINGS` registry.

Nested under the staff blueprint at /staff/settings/. Every change goes through
`set_setting()`, which writes the audit row.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.i18n import ngettext
from app.security import Role, staff_required
from app.settings import GROUPS, SETTINGS, SiteSetting, all_settings, set_setting
from app.staff.settings_form import describe_default, fingerprint, settings_form

bp = Blueprint("settings", __name__)


def _last_changes() -> dict[str, tuple[str, object]]:
    """key -> (who, when) for settings that were changed from the staff area."""
    rows = db.session.execute(
        select(SiteSetting.key, SiteSetting.updated_at, User).outerjoin(
            User, User.id == SiteSetting.updated_by_id
        )
    )
    return {key: (user.display_name if user else "", when) for key, when, user in rows}


@bp.route("/", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def edit():
    """Every setting, by group; saving records each change in the audit log."""
    current = all_settings()
    form = settings_form(data=current) if request.method == "GET" else settings_form()
    status = 200
    if request.method == "GET":
        form.fingerprint.data = fingerprint(current)
    elif form.validate_on_submit():
        if form.fingerprint.data != fingerprint(current):
            flash(
                _(
                    "Another admin changed the settings while you were editing, so nothing was "
                    "saved. Check the values below, then save again."
                ),
                "error",
            )
            form.fingerprint.data = fingerprint(current)
            status = 409
        else:
            changed = [key for key in SETTINGS if form[key].data != current[key]]
            for key in changed:
                set_setting(key, form[key].data, actor=current_user._get_current_object())
            db.session.commit()
            if changed:
                flash(
                    ngettext("Saved %(num)s change.", "Saved %(num)s changes.", len(changed)),
                    "success",
                )
            else:
                flash(_("There were no changes to save."), "info")
            return redirect(url_for(".edit"))
    else:
        status = 422
    # Groups in their declared order; a group a feature adds without a title comes last.
    names = list(GROUPS) + sorted({s.group for s in SETTINGS.values()} - set(GROUPS))
    groups = [
        (name, GROUPS.get(name, name), [s for s in SETTINGS.values() if s.group == name])
        for name in names
    ]
    return (
        render_template(
            "staff/settings.html",
            form=form,
            groups=groups,
            describe_default=describe_default,
            last_changes=_last_changes(),
        ),
        status,
    )
