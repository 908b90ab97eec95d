"""Pages reached without signing in: leader sign-up, the links sent by email (confirm the
address, reset the password, accept a staff invitation, confirm a new address).

A link only shows a page with a button; the POST does the work, so a mail scanner opening
the link changes nothing.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import leaders, people, services, sessions, throttle, tokens
from app.accounts.blueprint import bp
from app.accounts.forms import AcceptInviteForm, EmailForm, ResetPasswordForm, SignupForm
from app.antispam import looks_automated
from app.audit import record
from app.extensions import db
from app.forms import EmptyForm
from app.i18n import current_language
from app.security import login_required, public


def _link_problem(error: tokens.TokenInvalid, template: str = "accounts/link_invalid.html"):
    expired = isinstance(error, tokens.TokenExpired)
    return render_template(template, expired=expired), 400


# --- sign-up -----------------------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.SIGNUP_CLIENT)
def signup():
    """Ministry leaders apply for an account; staff verify it before any request."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = SignupForm()
    if form.validate_on_submit():
        if looks_automated(form):
            leaders.rehearse_confirmation(current_language())
            return redirect(url_for("accounts.check_email"))
        leaders.sign_up(
            email=form.email.data,
            password=form.password.data,
            name=form.name.data,
            locale=current_language(),
            profile=form.profile_data(),
        )
        db.session.commit()
        return redirect(url_for("accounts.check_email"))
    if form.is_submitted():
        form.refresh_shown_at()
    return render_template("accounts/signup.html", form=form)


@bp.get("/signup/check-email")
@public
def check_email():
    """The same page whether the address was new or already had an account."""
    return render_template("accounts/check_email.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.TOKEN_FORM_CLIENT)
def confirm_email(token: str):
    """The link in the confirmation email."""
    try:
        user = leaders.read_confirmation(token)
    except tokens.TokenInvalid as error:
        return _link_problem(error)
    form = EmptyForm()
    if form.validate_on_submit():
        user, first = leaders.confirm_email(token)
        db.session.commit()
        if first:
            flash(_("Thank you, your email address is confirmed."), "success")
        else:
            flash(_("Your email address was already confirmed."), "info")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("accounts.dashboard"))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", form=form, user=user)


@bp.post("/confirm/resend")
@login_required
@throttle.per_account(throttle.MAIL_SENDING_ACCOUNT)
def resend_confirmation():
    """Send the confirmation link again."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if user.email_confirmed_at is not None:
        flash(_("Your email address is already confirmed."), "info")
        return redirect(url_for("accounts.dashboard"))
    leaders.send_confirmation(user)
    db.session.commit()
    flash(_("We sent the link again to %(email)s.", email=user.email), "info")
    return redirect(url_for("accounts.dashboard"))


# --- password reset ----------------------------------------------------------------------------


@bp.route("/reset", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.RESET_CLIENT)
@throttle.per_email(throttle.RESET_ADDRESS)
def reset_request():
    """Ask for a password-reset link; the answer is the same for every address."""
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.TOKEN_FORM_CLIENT)
def reset_password(token: str):
    """Choose a new password from the emailed link (once, within an hour)."""
    try:
        user = services.check_reset_token(token)
    except tokens.TokenInvalid as error:
        return _link_problem(error)
    form = ResetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        leaders.email_proved(user)
        if current_user.is_authenticated:
            sessions.end_session()
        db.session.commit()
        flash(_("Your password is changed. Please sign in with it."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


# --- staff invitation ------------------------------------------------------------------------


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.TOKEN_FORM_CLIENT)
def accept_invite(token: str):
    """An invited staff member chooses a password, then enrolls two-factor."""
    try:
        user = people.read_invitation(token)
    except tokens.TokenInvalid as error:
        return _link_problem(error)
    form = AcceptInviteForm()
    form.account_email = user.email
    if not form.is_submitted():
        form.name.data = user.name
    if form.validate_on_submit():
        if current_user.is_authenticated:
            sessions.end_session()
        user = people.accept_invitation(token, name=form.name.data, password=form.password.data)
        sessions.start_session(user)
        record("auth.login", user, actor=user, via="invitation")
        db.session.commit()
        flash(_("Welcome! One more step: set up two-factor authentication."), "success")
        return redirect(url_for("accounts.two_factor"))
    return render_template("accounts/accept_invite.html", form=form, user=user)


# --- new email address -------------------------------------------------------------------------


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@public
@throttle.per_client(throttle.TOKEN_FORM_CLIENT)
def confirm_email_change(token: str):
    """The link sent to a new address."""
    try:
        _user, new_email = services.read_email_change(token)
    except tokens.TokenInvalid as error:
        return _link_problem(error)
    form = EmptyForm()
    if form.validate_on_submit():
        keep = getattr(current_user, "login_session", None)
        try:
            user = services.confirm_email_change(token, keep=keep)
        except services.EmailTaken:
            db.session.rollback()
            flash(_("That address is now used by another account."), "error")
            return redirect(url_for("accounts.dashboard"))
        leaders.email_proved(user)
        db.session.commit()
        flash(_("Your email address is now %(email)s.", email=new_email), "success")
        if current_user.is_authenticated:
            return redirect(url_for("accounts.settings"))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm_email_change.html", form=form, new_email=new_email)
