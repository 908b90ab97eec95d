"""The audit log (admins only): read and filter, or download as CSV. There is deliberately no
route that edits or deletes an entry; on PostgreSQL the database refuses it as well."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app.audit import record
from app.extensions import db
from app.forms import Form
from app.i18n import N_
from app.security import Role, staff_required
from app.staff.activity import (
    AuditFilters,
    action_label,
    audit_query,
    describe,
    known_actions,
    known_object_types,
    object_type_label,
)


def _named(label: str, code: str) -> str:
    return code if label == code else f"{label} ({code})"


bp = Blueprint("audit", __name__)

PER_PAGE = 50
EXPORT_MAX = 10_000
CSV_COLUMNS = ("id", "created_at", "actor", "action", "object_type", "object_id", "note", "data")


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form changes nothing

    action = SelectField(_l("Action"), validate_choice=False)
    actor = StringField(
        _l("Who (email contains)"),
        validators=[Optional(), Length(max=254)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    object_type = SelectField(_l("Object type"), validate_choice=False)
    object_id = IntegerField(_l("Object number"), validators=[Optional(), NumberRange(min=1)])
    date_from = DateField(_l("From (date)"), validators=[Optional()])
    date_to = DateField(_l("To (date)"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors = [*self.date_to.errors, _l("The end is before the start.")]
            ok = False
        return ok


def _filters() -> tuple[AuditFilterForm, AuditFilters]:
    """The filter form read from the query string; fields with errors are not applied."""
    form = AuditFilterForm(formdata=request.args)
    any_label = str(_l("Any"))
    # Named in the reader's language, with the stored code beside it (it is what the CSV has).
    form.action.choices = [("", any_label)] + [
        (a, _named(action_label(a), a)) for a in known_actions()
    ]
    form.object_type.choices = [("", any_label)] + [
        (t, _named(object_type_label(t), t)) for t in known_object_types()
    ]
    form.validate()

    def value(field, default=None):
        return default if field.errors else (field.data or default)

    filters = AuditFilters(
        action=value(form.action, ""),
        actor=value(form.actor, ""),
        object_type=value(form.object_type, ""),
        object_id=value(form.object_id),
        date_from=value(form.date_from),
        date_to=value(form.date_to),
    )
    return form, filters


@bp.get("/")
@staff_required(Role.ADMIN)
def index():
    """Every staff action and security event, newest first; filterable and paginated."""
    form, filters = _filters()
    page = db.paginate(
        audit_query(filters),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=PER_PAGE,
        count=True,
    )
    return render_template(
        "staff/audit.html",
        form=form,
        filters=filters,
        page=page,
        events=describe(page.items, current_user),
    )


def _cell(value: object) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/export.csv")
@staff_required(Role.ADMIN)
def export():
    """The newest matching entries (at most 10,000) as CSV; the download itself is audited."""
    _form, filters = _filters()
    events = db.session.scalars(audit_query(filters).limit(EXPORT_MAX)).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        row = (e.id, e.created_at.isoformat(sep=" "), e.actor_label, e.action, e.object_type)
        data = json.dumps(e.data, ensure_ascii=False, sort_keys=True, default=str)
        writer.writerow([_cell(v) for v in (*row, e.object_id, e.note, data)])
    record("audit.export", note=N_("audit log"), rows=len(events), filters=filters.as_args())
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
