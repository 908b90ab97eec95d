"""Staff-area test helpers: signed-in staff, photos, audit rows."""

from __future__ import annotations

import functools
import io
import itertools

from PIL import Image
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.audit import AuditEvent
from app.content.media import upload_image
from app.content.models import MediaImage
from app.extensions import db
from app.security import Role
from tests.factories import PASSWORD
from tests.helpers import login

STAFF = (Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.REVIEWER)
_seq = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # once: argon2 is slow on purpose


def make_staff(*roles: Role, email: str | None = None, name: str | None = None) -> User:
    """A staff account (like tests.factories.make_user, without hashing a password each time)."""
    n = next(_seq)
    user = User(
        email=email or f"staff{n}@vom.example",
        name=name if name is not None else f"Staff {n}",
        password_hash=_password_hash(),
    )
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(client, *roles: Role, **fields):
    """A staff member with `roles`, signed in on `client` with two-factor done."""
    user = make_staff(*roles, **fields)
    login(client, user, mfa=True)
    return user


def jpeg(width: int = 1200, height: int = 800, color=(150, 110, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def photo_file(data: bytes | None = None, name: str = "photo.jpg"):
    """A file part for a multipart form, as a browser sends it."""
    return (io.BytesIO(data if data is not None else jpeg()), name)


def make_image(actor=None, **description) -> MediaImage:
    actor = actor or make_staff(Role.EDITOR)
    fields = {"alt_en": "Hands holding an NK Bible", "alt_ko": "성경을 든 손", **description}
    image = upload_image(io.BytesIO(jpeg()), fields, actor)
    db.session.commit()
    return image


def audit_rows(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def actions() -> list[str]:
    return [row.action for row in audit_rows()]


def form_values(client, url: str, selector: str = "form.content-form", **changes) -> dict:
    """What a browser would send from the form on `url` (hidden fields and token included),
    with `changes` typed in. Unticked checkboxes are left out, as browsers do."""
    from tests.helpers import soup

    form = soup(client.get(url)).select_one(selector)
    data: dict = {}
    for field in form.select("input[name]"):
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[field["name"]] = field.get("value", "y")
        elif field.get("type") != "file":
            data[field["name"]] = field.get("value", "")
    for area in form.select("textarea[name]"):
        data[area["name"]] = area.get_text().removeprefix("\n")
    for choice in form.select("select[name]"):
        chosen = choice.select_one("option[selected]") or choice.select_one("option")
        data[choice["name"]] = chosen["value"] if chosen else ""
    data.update(changes)
    return data
