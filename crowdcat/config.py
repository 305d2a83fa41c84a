"""Settings, read from the environment in one place."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

LOCALES = ("zh_Hant", "zh_Hans", "en")
DEFAULT_LOCALE = "zh_Hant"


def _data_dir() -> Path:
    """Return the data directory (database, scans, secret key)."""
    return Path(os.environ.get("CROWDCAT_DATA_DIR", "instance")).resolve()


def _secret_key(data_dir: Path) -> str:
    """Use SECRET_KEY, or a random key kept in the data directory so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    """A true/false environment setting (anything but "false" is true)."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() != "false"


def database_url(data_dir: Path) -> str:
    """DATABASE_URL, or an SQLite file in the data directory."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # Heroku-style URLs name the old dialect
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{data_dir / 'crowdcat.sqlite3'}"


def from_environment() -> dict:
    """Build the Flask config mapping from environment variables."""
    data_dir = _data_dir()
    idle_minutes = int(os.environ.get("CROWDCAT_SESSION_IDLE_MINUTES", "120"))
    max_hours = int(os.environ.get("CROWDCAT_SESSION_MAX_HOURS", "12"))
    return {
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": _secret_key(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url(data_dir),
        # No pool_pre_ping (a round trip per request): database.configure_engine pings only
        # connections that sat idle in the pool for a while.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "MAX_CONTENT_LENGTH": int(os.environ.get("CROWDCAT_MAX_UPLOAD_MB", "512")) * 1024 * 1024,
        # Scan import: decompression-bomb guard, and fetching manifest images by URL.
        "MAX_IMAGE_PIXELS": int(os.environ.get("CROWDCAT_MAX_IMAGE_PIXELS", "200000000")),
        "IMPORT_FETCH_TIMEOUT": float(os.environ.get("CROWDCAT_IMPORT_FETCH_TIMEOUT", "30")),
        "IMPORT_MAX_FILE_MB": int(os.environ.get("CROWDCAT_IMPORT_MAX_FILE_MB", "512")),
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("CROWDCAT_TIMEZONE", "Asia/Shanghai"),
        # Rate limits are counted in a store every worker shares: by default an SQLite file in
        # the data directory (`sqlite:///<data dir>/ratelimits.sqlite3`, filled in by
        # create_app); with several servers, Redis (`redis://127.0.0.1:6379/0`).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", ""),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "crowdcat"),
        # Failed log-ins per account (any network): after LOGIN_SLOW_AFTER failures one
        # attempt per LOGIN_SLOW_SECONDS; after LOGIN_LOCK_AFTER, networks that failed are
        # locked out of the account for LOGIN_LOCK_MINUTES.
        # None: on when RATELIMIT_ENABLED is.
        "LOGIN_THROTTLE_ENABLED": (None if os.environ.get("CROWDCAT_LOGIN_THROTTLE") is None
                                   else _flag("CROWDCAT_LOGIN_THROTTLE", True)),
        "LOGIN_SLOW_AFTER": int(os.environ.get("CROWDCAT_LOGIN_SLOW_AFTER", "5")),
        "LOGIN_SLOW_SECONDS": int(os.environ.get("CROWDCAT_LOGIN_SLOW_SECONDS", "30")),
        "LOGIN_LOCK_AFTER": int(os.environ.get("CROWDCAT_LOGIN_LOCK_AFTER", "10")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("CROWDCAT_LOGIN_LOCK_MINUTES", "15")),
        # A log-in ends after this long without a request, and this long after it began
        # ("keep me logged in" keeps the cookie across browser restarts within both).
        "SESSION_IDLE_MINUTES": idle_minutes,
        "SESSION_MAX_HOURS": max_hours,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=max_hours),
        "REMEMBER_COOKIE_DURATION": timedelta(hours=max_hours),
        # How many proxies (nginx) stand before the app: the client address is then read from
        # X-Forwarded-For. 0: the address the connection comes from.
        "TRUSTED_PROXIES": int(os.environ.get("CROWDCAT_TRUSTED_PROXIES", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("CROWDCAT_SECURE_COOKIES", "").lower() == "true",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
    }
