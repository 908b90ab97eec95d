"""Configuration.

`create_app()` picks a class by `APP_ENV` (development, testing, production), then
`apply_environment()` overrides any setting named in `ENVIRONMENT` with the environment
variable of the same name, read when the app is created (not at import).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Settings that may come from the environment, with how to read them.
ENVIRONMENT: dict[str, type] = {
    "SECRET_KEY": str,
    "IP_HASH_KEY": str,
    "SITE_URL": str,
    "SITE_NAME": str,
    "UPLOAD_FOLDER": str,
    "MAX_CONTENT_LENGTH": int,
    "TRUSTED_PROXIES": int,
    "MAIL_BACKEND": str,
    "MAIL_FILE_DIR": str,
    "MAIL_HOST": str,
    "MAIL_PORT": int,
    "MAIL_SECURITY": str,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_TIMEOUT": int,
    "MAIL_FROM": str,
    "MAIL_MAX_ATTEMPTS": int,
    "MAIL_BATCH_SIZE": int,
    "MAIL_RETRY_SECONDS": int,
    "SUBSCRIBE_RATE_LIMIT": str,
    "DISPLAY_TIMEZONE": str,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_ENABLED": bool,
    "CACHE_TYPE": str,
    "CACHE_REDIS_URL": str,
    "CACHE_DEFAULT_TIMEOUT": int,
    "CACHE_KEY_PREFIX": str,
    "PAGE_CACHE": bool,
    "PAGE_CACHE_SECONDS": int,
    "PAGE_CACHE_CHECK_SECONDS": float,
    "SESSION_COOKIE_SECURE": bool,
    "STAFF_IDLE_MINUTES": int,
    "PER_PAGE": int,
    "DEBUG": bool,
}


class Config:
    ENV_NAME = "development"
    DEBUG = False
    SECRET_KEY = DEV_SECRET_KEY
    # Client IPs are only ever stored as HMACs under this key; empty means "derive from SECRET_KEY".
    IP_HASH_KEY = ""
    SQLALCHEMY_DATABASE_URI = ""  # set by create_app: DATABASE_URL or SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SITE_URL = "http://127.0.0.1:5000"
    SITE_NAME = "North Korean Newcomers"
    UPLOAD_FOLDER = ""  # set by create_app: instance/uploads unless given
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = 0

    # Mail: "file" writes .eml files under MAIL_FILE_DIR; "smtp" talks to MAIL_HOST.
    MAIL_BACKEND = "file"
    MAIL_FILE_DIR = ""  # set by create_app: instance/mail unless given
    MAIL_HOST = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_SECURITY = "none"  # none | starttls | tls
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_TIMEOUT = 30
    MAIL_FROM = "VOM Korea <newcomers@vomkorea.example>"
    MAIL_MAX_ATTEMPTS = 8
    MAIL_BATCH_SIZE = 100
    MAIL_RETRY_SECONDS = 60  # first retry after this; each next one waits twice as long
    SUBSCRIBE_RATE_LIMIT = "5/minute;20/hour"  # subscribe and manage forms, per client

    LANGUAGES = ("en", "ko")
    BABEL_DEFAULT_LOCALE = "en"
    DISPLAY_TIMEZONE = "Asia/Seoul"

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    CACHE_TYPE = "SimpleCache"
    CACHE_REDIS_URL = "redis://127.0.0.1:6379/0"
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_KEY_PREFIX = "nkn:"
    # Whole public pages for anonymous readers (app/site/pagecache.py): kept this long at most,
    # and another server's change is seen within PAGE_CACHE_CHECK_SECONDS.
    PAGE_CACHE = True
    PAGE_CACHE_SECONDS = 60
    PAGE_CACHE_CHECK_SECONDS = 1.0

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    STAFF_IDLE_MINUTES = 30
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    HSTS = False

    PER_PAGE = 10

    @staticmethod
    def check(config: dict) -> None:
        """Refuse configurations that must never run (see ProductionConfig)."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    IP_HASH_KEY = "test-ip-hash-key"
    SITE_URL = "http://localhost"
    MAIL_BACKEND = "smtp"
    PER_PAGE = 5


class ProductionConfig(Config):
    ENV_NAME = "production"
    MAIL_BACKEND = "smtp"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    CACHE_TYPE = "RedisCache"
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/1"

    @staticmethod
    def check(config: dict) -> None:
        key = config.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "ProductionConfig refuses to start: set SECRET_KEY to a random value of at least "
                "32 characters, e.g. the output of: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if config.get("DEBUG") or os.environ.get("FLASK_DEBUG", "").lower() in {"1", "true"}:
            raise RuntimeError("ProductionConfig refuses to start with debug on.")
        if not str(config.get("SITE_URL", "")).startswith("https://"):
            raise RuntimeError("ProductionConfig refuses to start without an https:// SITE_URL.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}


def apply_environment(config: dict, instance_path: str) -> None:
    """Override settings from the environment and fill in paths under instance/."""
    for name, kind in ENVIRONMENT.items():
        raw = os.environ.get(name)
        if raw is None or raw == "":
            continue
        config[name] = _bool(raw) if kind is bool else kind(raw)
    if config["ENV_NAME"] == "testing":
        url = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    else:
        url = (
            os.environ.get("DATABASE_URL")
            or f"sqlite:///{Path(instance_path) / 'newcomers.sqlite3'}"
        )
    config.setdefault("SQLALCHEMY_DATABASE_URI", "")
    if not config["SQLALCHEMY_DATABASE_URI"]:
        config["SQLALCHEMY_DATABASE_URI"] = database_url(url)
    config["UPLOAD_FOLDER"] = config["UPLOAD_FOLDER"] or str(Path(instance_path) / "uploads")
    config["MAIL_FILE_DIR"] = config["MAIL_FILE_DIR"] or str(Path(instance_path) / "mail")
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config["BABEL_DEFAULT_TIMEZONE"] = config["DISPLAY_TIMEZONE"]
    if config["SESSION_COOKIE_SECURE"]:
        # A __Host- cookie can only be set over https, for this host, with Path=/.
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        config["REMEMBER_COOKIE_NAME"] = "__Host-remember"
