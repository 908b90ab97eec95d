"""Fixtures for the Bible request tests."""

from __future__ import annotations

from functools import cache

import pytest

from app.accounts import services as accounts_services
from app.accounts.passwords import hash_password
from tests.factories import PASSWORD


@cache
def _one_real_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(autouse=True)
def _fast_accounts(monkeypatch):
    """These tests make accounts by the dozen; one real argon2 hash of the factories' password,
    computed once, serves them all (signing in with it still works)."""
    monkeypatch.setattr(accounts_services, "hash_password", lambda password: _one_real_hash())
