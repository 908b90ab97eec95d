"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, render_template, request
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app import i18n, security
from app.config import BASE_DIR, CONFIGS, apply_environment
from app.database import configure_sqlite, end_session
from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from app.logs import configure_logging
from app.site import assets, pagecache


def create_app(config: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app for `config` (development, testing, production; default from APP_ENV)."""
    name = config or os.environ.get("APP_ENV", "development")
    config_class = CONFIGS[name]
    instance_path = os.environ.get("INSTANCE_PATH") or str(BASE_DIR / "instance")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_object(config_class)
    apply_environment(app.config, app.instance_path)
    app.config.update(overrides or {})
    config_class.check(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    configure_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table, for the metadata)

    db.init_app(app)
    app.teardown_appcontext(end_session)  # runs before Flask-SQLAlchemy's own removal
    with app.app_context():
        event.listen(db.engine, "connect", configure_sqlite)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None  # sessions are server-side and revocable instead
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    cache.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    pagecache.init_app(app)
    assets.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts.people_views import bp as people_bp
    from app.accounts.review_views import bp as leaders_bp
    from app.accounts.views import bp as accounts_bp
    from app.bible_requests.defector_views import bp as nk_bible_bp
    from app.bible_requests.staff import bp as requests_staff_bp
    from app.bible_requests.views import bp as requests_bp
    from app.comments.staff_views import bp as comments_staff_bp
    from app.comments.views import bp as comments_bp
    from app.content.feeds import bp as feeds_bp
    from app.content.media_views import bp as media_staff_bp
    from app.content.staff_views import bp as content_staff_bp
    from app.content.views import bp as content_bp
    from app.mail.staff_views import bp as mail_staff_bp
    from app.site.views import bp as site_bp
    from app.staff.audit_views import bp as audit_bp
    from app.staff.settings_views import bp as settings_bp
    from app.staff.views import bp as staff_bp
    from app.staff.views import nest
    from app.subscriptions.staff_updates import bp as updates_staff_bp
    from app.subscriptions.staff_views import bp as subscribers_staff_bp
    from app.subscriptions.views import bp as subscriptions_bp

    # Staff pages of each feature nest under the staff blueprint, whose before_request
    # guard (staff role + two-factor) then covers them all. `nest` registers each once per
    # process (create_app runs more than once in tests and the CLI).
    nest(comments_staff_bp, "/comments")
    nest(content_staff_bp, "/content")
    nest(media_staff_bp, "/media")
    nest(settings_bp, "/settings")
    nest(audit_bp, "/audit")
    nest(leaders_bp, "/leaders")
    nest(people_bp, "/people")
    nest(requests_staff_bp, "/requests")
    nest(subscribers_staff_bp, "/subscribers")
    nest(updates_staff_bp, "/updates")
    nest(mail_staff_bp, "/mail")
    app.register_blueprint(staff_bp, url_prefix="/staff")
    for blueprint in (
        content_bp,
        feeds_bp,
        site_bp,
        accounts_bp,
        comments_bp,
        requests_bp,
        nk_bible_bp,
        subscriptions_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    def render_error(error: HTTPException):
        code = error.code or 500
        if code == 403:
            security.log_refusal(code)
        template = f"errors/{code}.html"
        return render_template([template, "errors/generic.html"], error=error), code

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, render_error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        db.session.rollback()
        app.logger.error("database unavailable: %s", type(error).__name__)
        return render_template("errors/503.html"), 503, {"Retry-After": "10"}

    @app.errorhandler(500)
    def server_error(error: Exception):
        db.session.rollback()
        return render_template("errors/500.html"), 500


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.settings import get_setting, localized_setting
    from app.urls import external_url

    app.jinja_env.globals.update(
        get_setting=get_setting, localized_setting=localized_setting, external_url=external_url
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_context() -> dict[str, Any]:
        # Emails are also rendered by commands, outside any request.
        path = request.full_path if has_request_context() else ""
        return {"site_name": app.config["SITE_NAME"], "request_path": path}
