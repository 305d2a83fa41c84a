"""The token API keeps no cookie session: it neither reads the cookie nor sets one.

API requests authenticate by their bearer token alone (api/auth.py). A session cookie that a
browser sends along is ignored, and nothing an API request does can write one back: the
request gets an empty session of its own that is never saved. This also spares every API
request the signing serializer and cookie parsing that the site's pages need.

One address is the exception: the keying screen's live date hint (api/hints.py), which
signed-in volunteers call from the page. It reads the site's cookie session, read-only.
"""
from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

API_PREFIX = "/api/"
# API addresses that read (never write) the site's session cookie.
COOKIE_READING_PATHS = frozenset({"/api/v1/parse-date"})


class _ApiSession(SecureCookieSession):
    """An API request's session: starts empty (or as the cookie's, read-only), never saved."""


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions for the site; none for the token API."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty, unsaved session for API requests (the cookie's, unsaved, for the few
        COOKIE_READING_PATHS); the cookie's session otherwise."""
        if request.path.startswith(API_PREFIX):
            if request.path in COOKIE_READING_PATHS:
                return _ApiSession(super().open_session(app, request) or {})
            return _ApiSession()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Save the site's sessions; an API request's is dropped."""
        if isinstance(session, _ApiSession):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Install the session interface."""
    app.session_interface = SessionInterface()
