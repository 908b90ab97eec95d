"""Every reviewer page of the feature, on one blueprint (see `staff_blueprint`)."""

from app.bible_requests import staff_defectors, staff_stock, staff_views  # noqa: F401
from app.bible_requests.staff_blueprint import bp

__all__ = ["bp"]
