"""crowdcat: crowdsourced description of scanned archival files."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from crowdcat import config as settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI. Never migrates."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # Form text read as strict UTF-8; the JSON API's bodies capped (crowdcat.http_request).
    from crowdcat.http_request import Request

    app.request_class = Request
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.update(config)
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    _init_network(app)
    # JSON as UTF-8 (Chinese labels are not \u-escaped: half the bytes) in insertion order
    # (fields stay in the project's order; no sorting per response), written by orjson.
    from crowdcat.jsonio import JSONProvider

    app.json = JSONProvider(app)

    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _init_network(app: Flask) -> None:
    """Where rate limits are counted, and who the client is behind trusted proxies."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):  # every worker counts in one file
        app.config["RATELIMIT_STORAGE_URI"] = (
            f"sqlite:///{Path(app.config['DATA_DIR']) / 'ratelimits.sqlite3'}")
    if app.config.get("TRUSTED_PROXIES"):
        # Behind nginx: the client's address (rate limits, audit) from X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def _register_commands(app: Flask) -> None:
    """Attach our CLI commands to app.cli (the `crowdcat` and `flask` commands both see them)."""
    from crowdcat.cli.commands import app_commands

    for command in app_commands():
        app.cli.add_command(command)


def _init_extensions(app: Flask) -> None:
    """Bind every extension to the app."""
    from crowdcat import i18n, schema
    from crowdcat.data import ratelimits  # noqa: F401 - registers the sqlite:// limits storage
    from crowdcat.data.connection import configure_engine
    from crowdcat.extensions import csrf, db, limiter, login_manager

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    schema.init_app(app)  # the `db` commands: Flask-Migrate loads when one runs
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)

    from crowdcat.auth.login import init_login

    init_login(app, login_manager)


# Route modules attach their views to their package's blueprint when imported.
ROUTE_MODULES = (
    "crowdcat.main.routes",
    "crowdcat.auth.routes",
    "crowdcat.admin.users",
    "crowdcat.admin.projects",
    "crowdcat.admin.project_fields",
    "crowdcat.admin.project_pages",
    "crowdcat.admin.exports",
    "crowdcat.scans.routes",
    "crowdcat.scans.ocr",
    "crowdcat.review.routes",
    "crowdcat.review.actions",
    "crowdcat.review.exports",
    "crowdcat.review.regroup",
    "crowdcat.review.lists",
    "crowdcat.transcribe.projects",
    "crowdcat.transcribe.keying",
    "crowdcat.transcribe.profile",
    "crowdcat.api.routes",
    "crowdcat.api.hints",
)
BLUEPRINTS = (
    ("crowdcat.main", ""),
    ("crowdcat.auth", "/auth"),
    ("crowdcat.admin", "/admin"),
    ("crowdcat.scans", ""),
    ("crowdcat.review", "/review"),
    ("crowdcat.transcribe", ""),
    ("crowdcat.api", "/api/v1"),
)


def _register_blueprints(app: Flask) -> None:
    """Attach the blueprints and error handlers."""
    from importlib import import_module

    from crowdcat import routing
    from crowdcat.errors import init_errors

    routing.init_app(app)
    for module in ROUTE_MODULES:
        import_module(module)
    for package, prefix in BLUEPRINTS:
        app.register_blueprint(import_module(package).bp, url_prefix=prefix or None)
    init_errors(app)

    from crowdcat.api import session

    session.init_app(app)  # the token API keeps no cookie session

    from crowdcat.services.projects.instructions import render_markdown

    app.add_template_filter(render_markdown, "markdown")
