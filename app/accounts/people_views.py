"""People (/staff/people), for admins: invite staff, change roles, disable accounts,
reset two-factor. Nobody can remove or disable the last active admin."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.accounts import people
from app.accounts.models import User, UserRole
from app.accounts.staff_forms import InviteForm, PersonNoteForm, RolesForm
from app.audit import AuditEvent
from app.extensions import db
from app.security import STAFF_ROLES, Role, staff_required

bp = Blueprint("people", __name__)

FILTERS = ("staff", "leaders", "disabled", "all")


def _query(kind: str, q: str):
    query = select(User)
    staff_ids = select(UserRole.user_id).where(UserRole.role.in_([r.value for r in STAFF_ROLES]))
    if kind == "staff":
        query = query.where(User.id.in_(staff_ids))
    elif kind == "leaders":
        query = query.where(
            User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.LEADER.value))
        )
    elif kind == "disabled":
        query = query.where(User.disabled_at.is_not(None))
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(like), func.lower(User.name).like(like))
        )
    return query.order_by(func.lower(User.name), User.id)


@bp.get("/")
@staff_required(Role.ADMIN)
def index():
    """Staff accounts (and, filtered, every account)."""
    kind = request.args.get("kind", "staff")
    if kind not in FILTERS:
        abort(404)
    q = (request.args.get("q") or "").strip()[:100]
    page = db.paginate(
        _query(kind, q),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=current_app.config["PER_PAGE"] * 5,
        error_out=False,
    )
    return render_template("accounts/staff/people.html", page=page, kind=kind, q=q, filters=FILTERS)


@bp.route("/invite", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def invite():
    """Invite a staff member by email: they choose a password, then enroll two-factor."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = people.invite(
                form.email.data,
                name=form.name.data,
                roles=[Role(r) for r in form.roles.data],
                locale=form.locale.data,
                actor=current_user._get_current_object(),
            )
        except people.AlreadyExists:
            form.email.errors.append(
                _("An account with this email exists; change its roles on its page instead.")
            )
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("staff.people.person", user_id=user.id))
    return render_template("accounts/staff/invite.html", form=form)


def _person_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.get("/<int:user_id>")
@staff_required(Role.ADMIN)
def person(user_id: int):
    """One account: roles, state, and its security history."""
    return _render_person(_person_or_404(user_id))


def _render_person(user: User, roles_form: RolesForm | None = None, status: int = 200):
    if roles_form is None:
        roles_form = RolesForm(formdata=None)
        roles_form.roles.data = sorted(r.value for r in user.role_names & STAFF_ROLES)
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "User", AuditEvent.object_id == user.id)
        .order_by(AuditEvent.id.desc())
        .limit(50)
    ).all()
    return render_template(
        "accounts/staff/person.html",
        person=user,
        roles_form=roles_form,
        note_form=PersonNoteForm(formdata=None),
        history=history,
        is_self=user.id == current_user.id,
    ), status


def _done(user: User, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("staff.people.person", user_id=user.id))


def _last_admin(user: User):
    db.session.rollback()
    flash(_("This is the last active admin. Make someone else an admin first."), "error")
    return redirect(url_for("staff.people.person", user_id=user.id))


@bp.post("/<int:user_id>/roles")
@staff_required(Role.ADMIN)
def roles(user_id: int):
    """Change the staff roles (a leader stays a leader)."""
    user = _person_or_404(user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        return _render_person(user, form, 400)
    try:
        changed = people.set_staff_roles(
            user, [Role(r) for r in form.roles.data], actor=current_user._get_current_object()
        )
    except people.LastAdmin:
        return _last_admin(user)
    return _done(user, _("Roles saved.") if changed else _("Nothing changed."))


def _note() -> str | None:
    form = PersonNoteForm()
    return (form.note.data or "").strip() if form.validate_on_submit() else None


@bp.post("/<int:user_id>/disable")
@staff_required(Role.ADMIN)
def disable(user_id: int):
    """Lock an account now: no sign-in, every session ends."""
    user = _person_or_404(user_id)
    note = _note()
    if note is None:
        abort(400)
    try:
        people.disable(user, actor=current_user._get_current_object(), note=note)
    except people.LastAdmin:
        return _last_admin(user)
    except people.NotYourself:
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("staff.people.person", user_id=user.id))
    return _done(user, _("The account is disabled."))


@bp.post("/<int:user_id>/enable")
@staff_required(Role.ADMIN)
def enable(user_id: int):
    """Allow sign-in again."""
    user = _person_or_404(user_id)
    note = _note()
    if note is None:
        abort(400)
    people.enable(user, actor=current_user._get_current_object(), note=note)
    return _done(user, _("The account is enabled."))


@bp.post("/<int:user_id>/reset-two-factor")
@staff_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """For a lost phone: they enroll again at their next sign-in."""
    user = _person_or_404(user_id)
    note = _note()
    if note is None or not user.totp_enabled:
        abort(400)
    if user.id == current_user.id:
        flash(_("Ask another admin to reset your own two-factor authentication."), "error")
        return redirect(url_for("staff.people.person", user_id=user.id))
    people.reset_two_factor(user, actor=current_user._get_current_object(), note=note)
    return _done(user, _("Two-factor authentication was reset. They enroll again at sign-in."))


@bp.post("/<int:user_id>/resend-invite")
@staff_required(Role.ADMIN)
def resend_invite(user_id: int):
    """A fresh invitation link; the earlier one stops working."""
    user = _person_or_404(user_id)
    if _note() is None or not user.invite_pending:
        abort(400)
    people.resend_invitation(user, actor=current_user._get_current_object())
    return _done(user, _("A new invitation was sent to %(email)s.", email=user.email))
