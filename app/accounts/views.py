"""Every /account page: importing the view modules registers their routes on `bp`."""

from app.accounts import (  # noqa: F401  (route registration)
    auth_views,
    profile_views,
    settings_views,
    signup_views,
)
from app.accounts.blueprint import bp

__all__ = ["bp"]
