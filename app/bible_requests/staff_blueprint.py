"""The reviewers' blueprint, nested under the staff blueprint at /staff/requests.

The staff guard (a staff role and completed two-factor) covers it; every view also requires
the reviewer role (admins qualify). Its pages live in `staff_views`, `staff_stock` and
`staff_defectors`, gathered by `app.bible_requests.staff`.
"""

from flask import Blueprint

bp = Blueprint("requests", __name__)
