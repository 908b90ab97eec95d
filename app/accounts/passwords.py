"""Password hashing with argon2id (OWASP: m=19 MiB, t=2, p=1 is the floor; we use more memory)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

hasher = PasswordHasher(time_cost=2, memory_cost=47104, parallelism=1)  # 46 MiB

# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = hasher.hash("not a real password, only here to spend the same time")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)
