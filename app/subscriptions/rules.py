"""What subscribing accepts: addresses, names, languages, topics; and the errors people see."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.mail.services import HeaderInjectionError, InvalidAddressError, normalize_address
from app.subscriptions.models import TOPIC_LABELS, Topic

LANGUAGES = ("ko", "en")


class SubscriptionError(ValueError):
    """Input we cannot accept; str() is a message for the person, in their language."""


class LinkError(Exception):
    """A link that cannot be used: `reason` is tampered, expired, gone or replaced."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_address(email: str) -> str:
    try:
        return normalize_address(email)
    except HeaderInjectionError as error:
        raise SubscriptionError(_("Line breaks are not allowed in an email address.")) from error
    except InvalidAddressError as error:
        raise SubscriptionError(
            _("Enter a valid email address, like name@example.org (at most 254 characters).")
        ) from error


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if any(ch in name for ch in "\r\n\x00"):
        raise SubscriptionError(_("Line breaks are not allowed in a name."))
    if len(name) > 120:
        raise SubscriptionError(_("A name can have at most 120 characters."))
    return name


def clean_topics(topics: Iterable[str]) -> list[Topic]:
    chosen = []
    for value in topics:
        try:
            topic = Topic(value)
        except ValueError as error:
            raise SubscriptionError(_("Choose what you would like to receive.")) from error
        if topic not in chosen:
            chosen.append(topic)
    if not chosen:
        raise SubscriptionError(_("Choose at least one kind of email."))
    return sorted(chosen)


def clean_language(language: str) -> str:
    if language not in LANGUAGES:
        raise SubscriptionError(_("Choose Korean or English."))
    return language


def topic_labels(topics: Iterable[str]) -> list[str]:
    return [str(TOPIC_LABELS[Topic(t)]) for t in topics]


SOURCE_LABELS = {
    "form:footer": _l("Subscribe form (page footer)"),
    "form:home": _l("Subscribe form (home page)"),
    "form:story": _l("Subscribe form (story page)"),
    "form:prayer": _l("Subscribe form (prayer request page)"),
    "form:page": _l("Subscribe page"),
    "comment": _l("Comment form"),
    "staff:in-person": _l("Staff: asked in person"),
    "staff:comment": _l("Staff: asked in a comment"),
    "staff:other": _l("Staff: asked another way"),
    "confirmation-link": _l("Confirmation link"),
    "preferences": _l("Preferences page"),
    "one-click": _l("One-click unsubscribe"),
    "staff": _l("Staff"),
}
