"""The token API keeps no cookie session; the site keeps its own."""
from __future__ import annotations

from crowdcat.services.accounts import tokens as api_tokens


def test_a_logged_in_browser_is_no_one_to_the_api_and_gets_no_cookie(client, auth, session,
                                                                       factory):
    user = factory.user()
    auth.login(user.email)
    assert client.get_cookie("session") is not None  # the site's session
    # The site's session cookie does not authenticate API requests...
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.vary
    # ...a token does, and the answer still sets no cookie and does not vary by it.
    _token, raw = api_tokens.create(session, user, "test")
    session.commit()
    response = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.vary
    # The site's pages still see the browser logged in (its own page, not a log-in redirect).
    assert client.get("/me").status_code == 200
    auth.logout()
    assert client.get("/me").status_code == 302
