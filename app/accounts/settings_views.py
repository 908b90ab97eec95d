"""Account settings: name and language, password, email address, two-factor, sessions.

Changing the password or the email address, turning two-factor off and making new recovery
codes all ask for the current password (failures are rate limited per account).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import services, sessions, throttle, totp, twofactor
from app.accounts.blueprint import bp
from app.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DisableTwoFactorForm,
    EnableTwoFactorForm,
    PasswordConfirmForm,
    SettingsForm,
)
from app.accounts.models import LoginSession
from app.audit import record
from app.extensions import db
from app.forms import EmptyForm
from app.security import is_staff, login_required

ENROLL_KEY = "totp_settings_secret"


def _me():
    return current_user._get_current_object()


def _password_ok(form) -> bool:
    """Check the form's current password; a failure counts against the account's limit."""
    try:
        services.check_password(_me(), form.current_password.data)
    except services.WrongPassword:
        throttle.mark_failed()
        db.session.commit()  # keep the failure in the audit trail
        form.current_password.errors.append(_("Your current password is not right."))
        return False
    return True


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Name, language, and where you are signed in."""
    user = _me()
    form = SettingsForm(obj=user)
    if form.validate_on_submit():
        services.update_settings(user, name=form.name.data, locale=form.locale.data)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.settings"))
    login_sessions = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id)
        .order_by(LoginSession.last_seen_at.desc())
    ).all()
    return render_template(
        "accounts/settings.html",
        form=form,
        login_sessions=login_sessions,
        this_session=user.login_session,
        end_form=EmptyForm(),
    )


@bp.post("/settings/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out every other browser."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = _me()
    ended = sessions.end_other_sessions(user, keep=user.login_session)
    record("auth.other_sessions_ended", user, actor=user, count=ended)
    db.session.commit()
    flash(_("You are signed out everywhere else."), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
@throttle.per_account_failures(throttle.PASSWORD_CHECK_ACCOUNT)
def change_password():
    """A new password; every other session ends, and this one is renewed."""
    user = _me()
    form = ChangePasswordForm()
    form.account_email = user.email
    if form.validate_on_submit() and _password_ok(form):
        flags = sessions.current_flags()
        services.set_password(user, form.password.data, actor=user, reason="changed")
        sessions.renew_session(user, **flags)
        db.session.commit()
        flash(_("Your password is changed. Other devices were signed out."), "success")
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
@throttle.per_account_failures(throttle.PASSWORD_CHECK_ACCOUNT)
@throttle.per_account(throttle.MAIL_SENDING_ACCOUNT)
def change_email():
    """Ask for a new address; it changes when the link sent there is followed."""
    user = _me()
    form = ChangeEmailForm()
    if form.validate_on_submit() and _password_ok(form):
        services.request_email_change(user, form.current_password.data, form.new_email.data)
        db.session.commit()
        return render_template("accounts/email_change_sent.html", new_email=form.new_email.data)
    return render_template("accounts/change_email.html", form=form)


# --- two-factor --------------------------------------------------------------------------------


@bp.get("/settings/two-factor")
@login_required
def two_factor_settings():
    """Two-factor status, recovery codes; leaders may turn it on or off."""
    user = _me()
    return render_template(
        "accounts/two_factor_settings.html",
        codes_left=twofactor.recovery_codes_left(user) if user.totp_enabled else 0,
        staff=is_staff(user),
        codes_form=PasswordConfirmForm(),
        disable_form=DisableTwoFactorForm(),
    )


@bp.route("/settings/two-factor/enable", methods=["GET", "POST"])
@login_required
@throttle.per_account_failures(throttle.TWO_FACTOR_ACCOUNT)
def enable_two_factor():
    """Scan the QR code, then prove it with a code and your password."""
    user = _me()
    if user.totp_enabled:
        return redirect(url_for("accounts.two_factor_settings"))
    secret = session.get(ENROLL_KEY) or totp.new_secret()
    session[ENROLL_KEY] = secret
    form = EnableTwoFactorForm()
    if form.validate_on_submit() and _password_ok(form):
        codes = twofactor.enroll(user, secret, form.code.data)
        if codes is not None:
            flags = sessions.current_flags()
            sessions.renew_session(
                user, session_id=flags["session_id"], remember=flags["remember"], mfa=True
            )
            db.session.commit()
            return render_template(
                "accounts/recovery_codes.html",
                codes=codes,
                next_url=url_for("accounts.two_factor_settings"),
                fresh=True,
            )
        throttle.mark_failed()
        form.code.errors.append(_("That code is not right. Check the time on your phone."))
    uri = totp.provisioning_uri(secret, user.email)
    return render_template(
        "accounts/enable_two_factor.html",
        form=form,
        secret=secret,
        qr=totp.qr_svg_data_uri(uri),
    )


@bp.post("/settings/two-factor/disable")
@login_required
@throttle.per_account_failures(throttle.TWO_FACTOR_ACCOUNT)
def disable_two_factor():
    """Leaders only: staff accounts always need two-factor."""
    user = _me()
    if is_staff(user) or not user.totp_enabled:
        abort(403)
    form = DisableTwoFactorForm()
    if form.validate_on_submit() and _password_ok(form):
        if twofactor.check_second_factor(user, form.code.data) is not None:
            twofactor.disable(user, actor=user, reason="turned off by the account holder")
            db.session.commit()
            flash(_("Two-factor authentication is off."), "success")
            return redirect(url_for("accounts.two_factor_settings"))
        throttle.mark_failed()
        form.code.errors.append(_("That code is not right or was already used."))
    db.session.commit()
    return render_template(
        "accounts/two_factor_settings.html",
        codes_left=twofactor.recovery_codes_left(user),
        staff=False,
        codes_form=PasswordConfirmForm(formdata=None),
        disable_form=form,
    ), 400


@bp.post("/settings/recovery-codes")
@login_required
@throttle.per_account_failures(throttle.PASSWORD_CHECK_ACCOUNT)
def new_recovery_codes():
    """Ten new recovery codes; the old ones stop working."""
    user = _me()
    if not user.totp_enabled:
        abort(404)
    form = PasswordConfirmForm()
    if form.validate_on_submit() and _password_ok(form):
        codes = twofactor.generate_recovery_codes(user)
        record("auth.recovery_codes_regenerated", user, actor=user)
        db.session.commit()
        return render_template(
            "accounts/recovery_codes.html",
            codes=codes,
            next_url=url_for("accounts.two_factor_settings"),
            fresh=False,
        )
    return render_template(
        "accounts/two_factor_settings.html",
        codes_left=twofactor.recovery_codes_left(user),
        staff=is_staff(user),
        codes_form=form,
        disable_form=DisableTwoFactorForm(formdata=None),
    ), 400
