"""Configuration comes from the environment; production refuses unsafe settings."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import DEV_SECRET_KEY, database_url

GOOD_KEY = "k" * 48


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("SITE_URL", "https://newcomers.example.org")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("DEBUG", raising=False)
    return monkeypatch


def test_production_starts_with_a_real_key(production_env):
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


@pytest.mark.parametrize("key", [None, "", DEV_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_weak_secret_key(production_env, key):
    if key is None:
        production_env.delenv("SECRET_KEY")
    else:
        production_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("variable", ["FLASK_DEBUG", "DEBUG"])
def test_production_refuses_debug(production_env, variable):
    production_env.setenv(variable, "1")
    with pytest.raises(RuntimeError, match="debug"):
        create_app("production")


def test_production_refuses_plain_http_site_url(production_env):
    production_env.setenv("SITE_URL", "http://newcomers.example.org")
    with pytest.raises(RuntimeError, match="https"):
        create_app("production")


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.internal/newcomers")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:5099")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db.internal/newcomers"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SITE_URL"] == "http://127.0.0.1:5099"
    assert app.config["UPLOAD_FOLDER"] == str(tmp_path / "uploads")


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'newcomers.sqlite3'}"


def test_database_url_uses_psycopg3():
    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("sqlite:///x") == "sqlite:///x"
