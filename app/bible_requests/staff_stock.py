"""Reviewers' pages for stock, reports and the reasons for declining."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.bible_requests import decline_texts, inventory, reports
from app.bible_requests.errors import StockError
from app.bible_requests.models import DeclineTemplate
from app.bible_requests.staff_blueprint import bp
from app.bible_requests.staff_forms import DeclineTemplateForm, StockForm
from app.extensions import db
from app.security import Role, staff_required
from app.settings import get_setting

REPORT_MONTHS = (6, 12, 24)


@bp.route("/stock", methods=["GET", "POST"])
@staff_required(Role.REVIEWER)
def stock():
    """NK Bibles on hand, reserved and available; record arrivals and corrections."""
    form = StockForm()
    if form.validate_on_submit():
        note = (form.note.data or "").strip()
        try:
            if form.kind.data == "received":
                inventory.record_received(form.quantity.data, current_user, note)
            else:
                inventory.record_adjustment(form.quantity.data, current_user, note)
        except StockError as refused:
            db.session.rollback()
            form.quantity.errors = [*form.quantity.errors, refused.message]
        else:
            db.session.commit()
            flash(_("The stock is updated."))
            return redirect(url_for(".stock"))
    return render_template(
        "bible_requests/staff/stock.html",
        form=form,
        stock=inventory.levels(),
        threshold=get_setting("low_stock_threshold"),
        movements=inventory.recent_movements(),
    ), (400 if form.errors else 200)


@bp.get("/reports")
@staff_required(Role.REVIEWER)
def report():
    """Bibles approved, shipped and verified per month and per organization."""
    months = request.args.get("months", 12, type=int)
    if months not in REPORT_MONTHS:
        months = 12
    return render_template(
        "bible_requests/staff/reports.html",
        choices=REPORT_MONTHS,
        given_total=reports.bibles_given_total(),
        **reports.chart_context(months),
    )


@bp.get("/decline-reasons")
@staff_required(Role.REVIEWER)
def decline_reasons():
    """The reasons reviewers choose from when declining, in English and Korean."""
    if decline_texts.ensure_defaults():  # the first time ever: keep them
        db.session.commit()
    templates = decline_texts.all_templates()
    return render_template(
        "bible_requests/staff/decline_reasons.html",
        templates=templates,
        purchase_url=get_setting("purchase_url"),
    )


@bp.route("/decline-reasons/new", methods=["GET", "POST"])
@bp.route("/decline-reasons/<int:template_id>", methods=["GET", "POST"])
@staff_required(Role.REVIEWER)
def decline_reason(template_id: int | None = None):
    """Write or edit one reason."""
    template = (
        DeclineTemplate() if template_id is None else db.session.get(DeclineTemplate, template_id)
    )
    if template is None:
        abort(404)
    form = DeclineTemplateForm(obj=template if template_id else None)
    if form.validate_on_submit():
        clash = db.session.scalar(
            select(DeclineTemplate).where(
                DeclineTemplate.key == form.key.data, DeclineTemplate.id != (template.id or 0)
            )
        )
        if clash is not None:
            form.key.errors = [*form.key.errors, _("Another reason already uses this key.")]
        else:
            values = {name: form[name].data for name in DECLINE_FIELDS}
            values["position"] = values["position"] or 0
            decline_texts.save_template(template, values, current_user)
            db.session.commit()
            flash(_("The reason is saved."))
            return redirect(url_for(".decline_reasons"))
    return render_template(
        "bible_requests/staff/decline_reason_form.html", form=form, template=template
    ), (400 if form.errors else 200)


DECLINE_FIELDS = (
    "key",
    "title_en",
    "title_ko",
    "body_en",
    "body_ko",
    "suggest_purchase",
    "active",
    "position",
)
