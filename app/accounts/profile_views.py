"""The leader's ministry profile: edit before review, answer a question, recertify."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import leaders, recertify
from app.accounts.blueprint import bp
from app.accounts.forms import ProfileUpdateForm
from app.accounts.models import LeaderStatus
from app.extensions import db
from app.security import leader_required

S = LeaderStatus


@bp.route("/profile", methods=["GET", "POST"])
@leader_required
def profile():
    """Your ministry details; what saving does depends on where your verification stands."""
    user = current_user._get_current_object()
    profile = user.leader_profile
    editable = leaders.can_edit(profile)
    form = ProfileUpdateForm(obj=profile if editable else None)
    if profile is not None and not form.is_submitted():
        form.organization_type.data = profile.organization_type.value
    if editable and form.validate_on_submit():
        status_before = profile.status if profile is not None else None
        leaders.update_profile(user, form.profile_data(), note=form.note.data or "")
        db.session.commit()
        if status_before == S.INFO_REQUESTED:
            flash(_("Thank you. Your answer was sent to our reviewers."), "success")
        elif status_before == S.VERIFIED:
            flash(_("Thank you. Our reviewers will check your updated details."), "success")
        elif status_before is None:
            flash(_("Thank you. Our reviewers will check your details."), "success")
        else:
            flash(_("Your details are saved."), "success")
        return redirect(url_for("accounts.dashboard"))
    return render_template(
        "accounts/profile.html",
        form=form,
        profile=profile,
        editable=editable,
        S=S,
        recertify=recertify.needs_recertification(profile),
    )
