"""What people do in the journeys: sign in (with a real authenticator code), read their email.

Elements are found by role, id, name or structure rather than by their wording, so the
journeys run unchanged in English and Korean while the Korean UI text is being translated.
"""

from __future__ import annotations

import re
from email.message import EmailMessage

import pyotp
from flask import current_app
from playwright.sync_api import BrowserContext, Page, expect

from app.accounts.models import User
from app.extensions import db
from app.mail.delivery import drain
from tests.factories import PASSWORD
from tests.helpers import login

LINK_RE = re.compile(r"https?://[^\s<>\"]+")


def main_form(page: Page, selector: str = "form"):
    """The page's own form (the footer's subscribe form is outside <main>)."""
    return page.locator(f"main {selector}").first


def send(form, button: str = "button[type=submit]") -> None:
    """Press the form's (first) submit button, as a person does, and wait for the answer."""
    with form.page.expect_navigation():
        form.locator(button).first.click()


def sign_in(page: Page, base: str, user: User, password: str = PASSWORD) -> None:
    """The sign-in form; for staff, then a fresh code from their authenticator app."""
    page.goto(base + "/account/login")
    form = main_form(page)
    form.locator("input[name=email]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    send(form)
    secret = db.session.get(User, user.id).totp_secret
    if secret:
        expect(page).to_have_url(re.compile(r"/account/two-factor"))
        page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
        send(main_form(page))
        expect(page).not_to_have_url(re.compile(r"/account/(login|two-factor)"))


def sign_in_directly(context: BrowserContext, base: str, user: User, *, mfa: bool = True) -> None:
    """Give a browser a signed-in session without the forms (for the page scans; the forms
    themselves are exercised by the journeys)."""
    client = current_app.test_client()
    login(client, user, mfa=mfa)
    cookie = client.get_cookie(current_app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def deliver_mail() -> int:
    """Run the outbox worker once (`flask mail send`): the loopback SMTP server catches it."""
    db.session.rollback()  # see what the requests committed
    report = drain()
    return report.sent


def mail_to(mailbox: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in mailbox if address.lower() in str(m["To"]).lower()]


def last_mail_to(mailbox: list[EmailMessage], address: str) -> EmailMessage:
    messages = mail_to(mailbox, address)
    assert messages, f"no email to {address}; got {[str(m['To']) for m in mailbox]}"
    return messages[-1]


def link_in(message: EmailMessage, path: str) -> str:
    """The first link in the email's text whose path starts with `path`."""
    text = message.get_body(("plain",)).get_content()
    for link in LINK_RE.findall(text):
        if re.match(r"https?://[^/]+" + re.escape(path), link):
            return link
    raise AssertionError(f"no link to {path} in:\n{text}")


def fresh(obj):
    """The row as the browser's requests left it."""
    db.session.rollback()
    return db.session.get(type(obj), obj.id)
