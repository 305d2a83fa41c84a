"""API tokens on the profile page: shown once, stored hashed, revocable."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.models import ApiToken


def test_make_use_and_revoke_a_token(client, auth, factory, session):
    user = factory.user()
    auth.login(user.email)
    html = client.post("/me/tokens", data={"name": "腳本"}).get_data(as_text=True)
    raw = html.split('<code id="new-token">')[1].split("</code>")[0]
    stored = session.scalar(select(ApiToken))
    assert stored.name == "腳本" and raw not in stored.token_hash and len(stored.token_hash) == 64
    assert raw not in client.get("/me").get_data(as_text=True)  # shown only once
    headers = {"Authorization": f"Bearer {raw}"}
    fresh = client.application.test_client()
    assert fresh.get("/api/v1/projects", headers=headers).status_code == 200
    assert client.post(f"/me/tokens/{stored.id}/revoke").status_code == 303
    assert fresh.get("/api/v1/projects", headers=headers).status_code == 401


def test_cannot_revoke_someone_elses_token(client, auth, factory, session):
    owner = factory.user()
    from crowdcat.services.accounts import tokens as api_tokens

    token, _raw = api_tokens.create(session, owner, "x")
    session.commit()
    auth.login(factory.user().email)
    assert client.post(f"/me/tokens/{token.id}/revoke").status_code == 404
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is None


def test_create_token_command_prints_a_working_token(app, factory, client):
    from crowdcat.cli.keying import create_token

    user = factory.user()
    result = app.test_cli_runner().invoke(create_token, [user.email])
    raw = result.output.strip()
    assert result.exit_code == 0 and raw.startswith("cc_")
    assert client.get("/api/v1/projects",
                      headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert app.test_cli_runner().invoke(create_token, ["nobody@example.org"]).exit_code != 0
