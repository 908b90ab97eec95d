"""The accounts blueprint (/account); its pages live in the *_views modules beside it."""

from __future__ import annotations

from flask import Blueprint

from app.accounts.forms import ORGANIZATION_TYPES
from app.accounts.models import OrganizationType

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.app_template_global("organization_type_label")
def organization_type_label(profile) -> str:
    """The kind of a leader's organization, in the visitor's language."""
    if profile.organization_type == OrganizationType.OTHER:
        return profile.organization_type_other or str(ORGANIZATION_TYPES[-1].label)
    labels = {choice.value: choice.label for choice in ORGANIZATION_TYPES}
    return str(labels[profile.organization_type.value])
