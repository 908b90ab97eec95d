"""Staff pages for the outbox: failed email, and the addresses never to mail again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.forms import EmptyForm
from app.i18n import N_, ngettext
from app.mail import services
from app.mail.forms import SuppressForm
from app.mail.models import OutboxMessage, OutboxStatus, SuppressedAddress, SuppressionReason
from app.security import Role, staff_required
from app.staff.activity import register_action_labels, register_object_type_labels

bp = Blueprint("mail", __name__)


def _button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.get("/failed")
@staff_required(Role.ADMIN)
def failed():
    """Email we gave up on, with the server's last answer."""
    page = db.paginate(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id.desc()),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=50,
    )
    return render_template(
        "staff/mail/failed.html",
        page=page,
        button=EmptyForm(),
        suppressed=services.suppressed_among(m.to_address for m in page.items),
    )


@bp.post("/failed/<int:message_id>/retry")
@staff_required(Role.ADMIN)
def retry(message_id: int):
    """Try a failed message again."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    _button()
    try:
        services.retry_message(message, actor=current_user)
    except ValueError:
        flash(_("This message cannot be retried."), "error")
    else:
        db.session.commit()
        flash(_("The message is queued again."), "success")
    return redirect(url_for(".failed"))


@bp.post("/failed/<int:message_id>/bounced")
@staff_required(Role.ADMIN)
def bounced(message_id: int):
    """The address bounced for good: never mail it again."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    _button()
    services.suppress(
        message.to_address,
        SuppressionReason.HARD_BOUNCE,
        note=N_("staff, from the failed email list"),
        actor=current_user,
    )
    db.session.commit()
    flash(_("%(email)s will not be emailed again.", email=message.to_address), "success")
    return redirect(url_for(".failed"))


@bp.route("/suppressed", methods=["GET", "POST"])
@staff_required(Role.EDITOR, Role.ADMIN)
def suppressed():
    """Hard bounces and complaints: add addresses from a report, see the list."""
    form = SuppressForm()
    if form.validate_on_submit():
        reason = SuppressionReason(form.reason.data)
        added, problems = 0, []
        for line in form.addresses.data.splitlines():
            value = line.split("#", 1)[0].replace(",", " ").split()
            if not value:
                continue
            try:
                _row, new = services.suppress(
                    value[0], reason, note=form.note.data or "", actor=current_user
                )
            except ValueError:
                problems.append(value[0][:80])
                continue
            added += new
        db.session.commit()
        flash(
            ngettext(
                "%(num)s address added to the list.", "%(num)s addresses added to the list.", added
            ),
            "success",
        )
        if problems:
            flash(_("Not email addresses, skipped: %(list)s", list=", ".join(problems)), "error")
        return redirect(url_for(".suppressed"))
    page = db.paginate(
        select(SuppressedAddress).order_by(SuppressedAddress.id.desc()),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=50,
    )
    return render_template("staff/mail/suppressed.html", form=form, page=page, button=EmptyForm())


@bp.post("/suppressed/<int:row_id>/remove")
@staff_required(Role.ADMIN)
def unsuppress(row_id: int):
    """Allow mail to an address again (a bounce recorded by mistake)."""
    row = db.session.get(SuppressedAddress, row_id) or abort(404)
    _button()
    services.unsuppress(row, actor=current_user)
    db.session.commit()
    flash(_("%(email)s may be emailed again.", email=row.email), "success")
    return redirect(url_for(".suppressed"))


register_action_labels(
    {
        "mail.suppress": _l("Stopped email to an address"),
        "mail.unsuppress": _l("Allowed email to an address again"),
        "mail.retry": _l("Sent a failed email again"),
    }
)
register_object_type_labels(
    {"SuppressedAddress": _l("Blocked address"), "OutboxMessage": _l("Email")}
)
