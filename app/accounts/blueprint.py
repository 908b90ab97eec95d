"""The accounts blueprint (/account); its pages live in the *_views modules beside it."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/account")
