"""Sign in, two-factor, sign out, and the account home."""

from __future__ import annotations

import time

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import recertify, services, sessions, throttle, totp, twofactor
from app.accounts.blueprint import bp
from app.accounts.forms import EnrollForm, LoginForm, TwoFactorForm
from app.accounts.models import LeaderStatus, User
from app.audit import record
from app.extensions import db
from app.forms import EmptyForm
from app.security import is_staff, login_required, mfa_complete, public
from app.urls import safe_next

PENDING_KEY = "mfa_pending"  # {"user_id", "at", "remember", "next"} between the two steps
PENDING_SECONDS = 300
ENROLL_KEY = "totp_enroll_secret"


def landing(user: User) -> str:
    return url_for("staff.dashboard") if is_staff(user) else url_for("accounts.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.LOGIN_CLIENT)
@throttle.per_email_failures(throttle.LOGIN_ACCOUNT)
def login():
    """Email and password; staff (and leaders who turned it on) continue to two-factor."""
    if current_user.is_authenticated:
        return redirect(landing(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.mark_failed()
            db.session.commit()  # keep the failure in the audit trail
            # One answer for an unknown address, a wrong password and a disabled account.
            form.form_errors.append(_("The email or password is not right."))
            return render_template("accounts/login.html", form=form)
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
        return redirect(target or landing(user))
    return render_template("accounts/login.html", form=form)


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user_id"])
    return user if user is not None and user.is_active else None


@bp.route("/two-factor", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.TWO_FACTOR_CLIENT)
@throttle.per_account_failures(throttle.TWO_FACTOR_ACCOUNT)
def two_factor():
    """Enter a TOTP or recovery code, or enroll first (staff must)."""
    signed_in = current_user.is_authenticated
    user = current_user._get_current_object() if signed_in else _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("accounts.login"))
    if signed_in and (mfa_complete() or not services.needs_two_factor(user)):
        return redirect(landing(user))
    enrolling = not user.totp_enabled
    form = EnrollForm() if enrolling else TwoFactorForm()
    secret = ""
    if enrolling:
        secret = session.get(ENROLL_KEY) or totp.new_secret()
        session[ENROLL_KEY] = secret
    if form.validate_on_submit():
        codes, kind = None, None
        if enrolling:
            codes = twofactor.enroll(user, secret, form.code.data)
            kind = "totp" if codes is not None else None
        else:
            kind = twofactor.check_second_factor(user, form.code.data)
        if kind is not None:
            pending = session.get(PENDING_KEY) or {}
            if signed_in:
                flags = sessions.current_flags()
                sessions.renew_session(
                    user, session_id=flags["session_id"], remember=flags["remember"], mfa=True
                )
            else:
                sessions.start_session(user, remember=pending.get("remember", False), mfa=True)
            record("auth.login", user, actor=user, two_factor=kind)
            db.session.commit()
            target = pending.get("next") or landing(user)
            if codes:
                return render_template(
                    "accounts/recovery_codes.html", codes=codes, next_url=target, fresh=True
                )
            if kind == "recovery":
                flash(
                    _(
                        "You signed in with a recovery code; %(n)d are left.",
                        n=twofactor.recovery_codes_left(user),
                    ),
                    "warning",
                )
            return redirect(target)
        throttle.mark_failed()
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
    """The account home: for leaders, where their verification stands and what to do next."""
    user = current_user._get_current_object()
    profile = user.leader_profile
    return render_template(
        "accounts/dashboard.html",
        user=user,
        profile=profile,
        S=LeaderStatus,
        recertify=recertify.needs_recertification(profile),
        expired=profile is not None and profile.is_expired,
        resend_form=EmptyForm(),
    )
