"""The running app's log-in throttle (services.accounts.login_throttle) and its messages."""
from __future__ import annotations

from flask import Flask
from flask_babel import ngettext
from limits.storage import storage_from_string

from crowdcat.services.accounts.login_throttle import LoginThrottle, Policy, Refusal

_EXTENSION = "crowdcat.login_throttle"


def enabled(app: Flask) -> bool:
    """LOGIN_THROTTLE_ENABLED, or RATELIMIT_ENABLED when that is not set."""
    value = app.config.get("LOGIN_THROTTLE_ENABLED")
    return bool(app.config.get("RATELIMIT_ENABLED", True) if value is None else value)


def of(app: Flask) -> LoginThrottle | None:
    """The app's throttle over its rate-limit store (made on first use), or None when off."""
    if not enabled(app):
        return None
    throttle = app.extensions.get(_EXTENSION)
    if throttle is None:
        config = app.config
        policy = Policy(slow_after=config["LOGIN_SLOW_AFTER"],
                        slow_seconds=config["LOGIN_SLOW_SECONDS"],
                        lock_after=config["LOGIN_LOCK_AFTER"],
                        lock_minutes=config["LOGIN_LOCK_MINUTES"])
        storage = storage_from_string(config["RATELIMIT_STORAGE_URI"],
                                      **config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        throttle = app.extensions[_EXTENSION] = LoginThrottle(
            storage, policy, prefix=config.get("RATELIMIT_KEY_PREFIX") or "crowdcat")
    return throttle


def message(refusal: Refusal) -> str:
    """What the person logging in is told, in their language."""
    if refusal.locked:
        return ngettext(
            "Too many failed log-ins for this account from your network: it is locked here for "
            "%(num)d more minute. If it is your account, try again later or from another "
            "network.",
            "Too many failed log-ins for this account from your network: it is locked here for "
            "%(num)d more minutes. If it is your account, try again later or from another "
            "network.", refusal.minutes)
    return ngettext(
        "Too many failed log-ins for this account. Please wait %(num)d second and try again.",
        "Too many failed log-ins for this account. Please wait %(num)d seconds and try again.",
        refusal.retry_after)
