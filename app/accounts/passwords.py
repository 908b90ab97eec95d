"""Passwords: argon2id hashing and the rules a new password must meet.

Hashing: argon2id with more than OWASP's floor (m=19 MiB, t=2, p=1): 46 MiB, t=2, p=1. A hash
made with other parameters is replaced at the next successful sign-in (`needs_rehash`).

Rules: 12 to 256 characters, not one of the 20,000 most common passwords (the list Django
ships, bundled in `data/`), and not the account's own email address.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

hasher = PasswordHasher(time_cost=2, memory_cost=47104, parallelism=1)  # 46 MiB

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"

# Verified against when there is no usable hash (unknown email, invited account), so every
# answer takes the same time.
_DUMMY_HASH = hasher.hash("not a real password, only here to spend the same time")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def is_usable(password_hash: str | None) -> bool:
    """Unusable hashes start with "!" (an invited account before the invitee chooses one)."""
    return bool(password_hash) and not password_hash.startswith("!")


def verify_password(password_hash: str | None, password: str) -> bool:
    usable = is_usable(password_hash)
    try:
        ok = hasher.verify(password_hash if usable else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and usable


def needs_rehash(password_hash: str) -> bool:
    return is_usable(password_hash) and hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why `password` may not be used, in the user's language, or None when it is fine."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.strip().lower()
    if lowered in common_passwords():
        return _("This password is one of the most common passwords. Please choose another.")
    email = (email or "").strip().lower()
    if email and (lowered == email or lowered == email.split("@", 1)[0]):
        return _("Your password cannot be your email address.")
    return None
