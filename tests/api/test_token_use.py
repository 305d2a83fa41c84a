"""API tokens: when their last use is written, and who they stop letting in."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from crowdcat.models import ApiToken, Reservation, User, utcnow
from crowdcat.services.accounts import tokens as api_tokens


def _token(session, factory, **user):  # noqa: ANN001, ANN003, ANN202
    """A volunteer's token row and its Authorization header."""
    token, raw = api_tokens.create(session, factory.user(**user), "test")
    session.commit()
    return token, {"Authorization": f"Bearer {raw}"}


def _last_used(session, token):  # noqa: ANN001, ANN202
    """The token's stored last use, as committed."""
    session.expire_all()
    return session.get(ApiToken, token.id).last_used_at


def test_last_use_is_written_at_most_once_a_minute(client, factory, session):
    project = factory.project()
    factory.item(project)
    token, headers = _token(session, factory)
    assert _last_used(session, token) is None
    assert client.post(f"/api/v1/projects/{project.slug}/next", headers=headers).status_code == 200
    first = _last_used(session, token)
    assert first is not None
    assert client.post(f"/api/v1/projects/{project.slug}/next", headers=headers).status_code == 200
    assert _last_used(session, token) == first
    old = utcnow() - timedelta(minutes=5)
    session.get(ApiToken, token.id).last_used_at = old
    session.commit()
    assert client.post(f"/api/v1/projects/{project.slug}/next", headers=headers).status_code == 200
    assert _last_used(session, token) > old + timedelta(minutes=4)


def test_revoked_tokens_and_inactive_users_are_refused_untouched(client, factory, session):
    project = factory.project()
    factory.item(project)
    revoked, revoked_headers = _token(session, factory)
    api_tokens.revoke(session, session.get(User, revoked.user_id), revoked.id)
    inactive, inactive_headers = _token(session, factory)
    session.get(User, inactive.user_id).active = False
    session.commit()
    for token, headers in ((revoked, revoked_headers), (inactive, inactive_headers)):
        response = client.post(f"/api/v1/projects/{project.slug}/next", headers=headers)
        assert response.status_code == 401
        assert _last_used(session, token) is None
    assert session.scalar(select(func.count()).select_from(Reservation)) == 0
