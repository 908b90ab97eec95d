"""Sign in, two-factor, sign out, and the account home."""

from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import services, sessions, totp
from app.accounts.forms import LoginForm, TwoFactorForm
from app.accounts.models import User
from app.audit import record
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.security import is_staff, login_required, mfa_complete, public
from app.urls import safe_next

bp = Blueprint("accounts", __name__, url_prefix="/account")

PENDING_KEY = "mfa_pending"  # {"user_id", "at", "remember", "next"} between the two steps
PENDING_SECONDS = 300
ENROLL_KEY = "totp_enroll_secret"


def _landing(user: User) -> str:
    return url_for("staff.dashboard") if is_staff(user) else url_for("accounts.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("10/minute;50/hour", methods=["POST"])
def login():
    """Email and password; staff (and leaders who turned it on) continue to two-factor."""
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # keep the failure in the audit trail
            flash(_("The email or password is not right."), "error")
            return render_template("accounts/login.html", form=form), 200
        target = safe_next(request.args.get("next"), "")
        if services.needs_two_factor(user):
            session.clear()
            session[PENDING_KEY] = {
                "user_id": user.id,
                "at": int(time.time()),
                "remember": bool(form.remember.data),
                "next": target,
            }
            db.session.commit()
            return redirect(url_for("accounts.two_factor"))
        sessions.start_session(user, remember=bool(form.remember.data))
        record("auth.login", user, actor=user)
        db.session.commit()
        return redirect(target or _landing(user))
    return render_template("accounts/login.html", form=form)


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return db.session.get(User, pending["user_id"])


@bp.route("/two-factor", methods=["GET", "POST"])
@public
@limiter.limit("10/minute", methods=["POST"])
def two_factor():
    """Enter a TOTP code, or enroll first (staff must)."""
    signed_in = current_user.is_authenticated
    user = current_user if signed_in else _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("accounts.login"))
    if signed_in and mfa_complete():
        return redirect(_landing(user))
    form = TwoFactorForm()
    enrolling = not user.totp_enabled
    if enrolling:
        secret = session.get(ENROLL_KEY) or totp.new_secret()
        session[ENROLL_KEY] = secret
    if form.validate_on_submit():
        if enrolling:
            step = totp.matching_step(secret, form.code.data)
            ok = step is not None
            if ok:
                user.totp_secret, user.totp_last_step = secret, step
                record("auth.totp_enrolled", user, actor=user)
        else:
            ok = totp.verify_and_consume(user, form.code.data)
        if ok:
            pending = session.get(PENDING_KEY) or {}
            if signed_in:
                sessions.mark_mfa_verified(current_user.login_session)
            else:
                sessions.start_session(user, remember=pending.get("remember", False), mfa=True)
            session.pop(ENROLL_KEY, None)
            record("auth.login", user, actor=user, two_factor=True)
            db.session.commit()
            return redirect(pending.get("next") or _landing(user))
        record("auth.totp_failed", user, actor=user)
        db.session.commit()
        form.code.errors.append(_("That code is not right or was already used."))
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        uri = totp.provisioning_uri(secret, user.email)
        context.update(secret=secret, qr=totp.qr_svg_data_uri(uri))
    return render_template("accounts/two_factor.html", **context)


@bp.post("/logout")
@login_required
def logout():
    """Sign out and end this session on the server."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    record("auth.logout", current_user._get_current_object())
    sessions.end_session()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("content.home"))


@bp.get("/")
@login_required
def dashboard():
    """The account home."""
    return render_template("accounts/dashboard.html")
