"""Deactivating and reactivating accounts (admin UI and CLI): sessions and tokens stop at once."""
from __future__ import annotations

from sqlalchemy import func, select

from crowdcat.models import AuditEvent, Role, Submission, User
from crowdcat.services.accounts import tokens as api_tokens
from tests.factories import Factory
from tests.factories_keying import key, reserve


def _login(app, email: str):  # noqa: ANN001, ANN202
    """A browser logged in as `email`."""
    browser = app.test_client()
    response = browser.post("/auth/login", data={"email": email, "password": Factory.PASSWORD})
    assert response.status_code == 302
    return browser


def _token(session, user: User) -> str:  # noqa: ANN001
    """A real API token of `user`; its plain text."""
    _row, raw = api_tokens.create(session, user, "test")
    session.commit()
    return raw


def _next(client, slug: str, token: str):  # noqa: ANN001, ANN202
    """Ask the API for the next page with a bearer token."""
    return client.post(f"/api/v1/projects/{slug}/next",
                       headers={"Authorization": f"Bearer {token}"})


def test_deactivation_stops_sessions_and_tokens_at_once_and_keeps_the_work(
        app, client, factory, session):
    admin, volunteer = factory.user(Role.ADMIN), factory.user()
    project = factory.project()
    first, _second = factory.item(project), factory.item(project)
    page = reserve(session, project, volunteer)
    key(session, page, volunteer)
    token = _token(session, volunteer)
    session.commit()
    volunteer_browser = _login(app, volunteer.email)
    assert volunteer_browser.get("/me").status_code == 200
    assert _next(client, project.slug, token).status_code == 200

    admin_browser = _login(app, admin.email)
    response = admin_browser.post(f"/admin/users/{volunteer.id}/deactivate",
                                  follow_redirects=True)
    assert "已停用" in response.get_data(as_text=True)
    assert volunteer_browser.get("/me").status_code == 302
    assert _next(client, project.slug, token).status_code == 401
    relogin = volunteer_browser.post(
        "/auth/login", data={"email": volunteer.email, "password": Factory.PASSWORD})
    assert relogin.status_code == 422
    session.rollback()
    assert session.get(User, volunteer.id).active is False
    assert session.scalar(select(func.count()).select_from(Submission)
                          .where(Submission.user_id == volunteer.id)) == 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate"))
    assert (event.actor_id, event.object_id, event.after) == (admin.id, volunteer.id,
                                                              {"active": False})
    assert first is not None

    admin_browser.post(f"/admin/users/{volunteer.id}/reactivate")
    assert _login(app, volunteer.email).get("/me").status_code == 200
    assert _next(client, project.slug, token).status_code == 200
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "user.activate")) == 1


def test_an_admin_cannot_deactivate_themselves_or_the_last_admin(app, factory, session):
    admin = factory.user(Role.ADMIN)
    session.commit()
    browser = _login(app, admin.email)
    response = browser.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "您不能停用自己的帳號" in response.get_data(as_text=True)
    assert browser.get("/me").status_code == 200
    session.rollback()
    assert session.get(User, admin.id).active is True
    listing = browser.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{admin.id}/deactivate" not in listing


def test_the_users_list_offers_deactivate_and_reactivate(app, factory, session):
    admin = factory.user(Role.ADMIN)
    active, inactive = factory.user(), factory.user(active=False)
    session.commit()
    listing = _login(app, admin.email).get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{active.id}/deactivate" in listing
    assert f"/admin/users/{inactive.id}/reactivate" in listing


def test_reviewers_and_volunteers_cannot_deactivate_anyone(app, factory, session):
    reviewer, volunteer = factory.user(Role.REVIEWER), factory.user()
    session.commit()
    response = _login(app, reviewer.email).post(f"/admin/users/{volunteer.id}/deactivate")
    assert response.status_code == 403
    session.rollback()
    assert session.get(User, volunteer.id).active is True


def test_deactivating_an_unknown_user_is_a_404(app, factory, session):
    admin = factory.user(Role.ADMIN)
    session.commit()
    assert _login(app, admin.email).post("/admin/users/999999/deactivate").status_code == 404


def test_cli_deactivates_and_reactivates(app, factory, session):
    volunteer = factory.user()
    token = _token(session, volunteer)
    project = factory.project()
    factory.item(project)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deactivate-user", volunteer.email.upper()])
    assert result.exit_code == 0, result.output
    assert volunteer.email in result.output
    assert _next(app.test_client(), project.slug, token).status_code == 401
    again = runner.invoke(args=["deactivate-user", volunteer.email])
    assert again.exit_code == 0
    session.rollback()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.deactivate"))
    assert [(e.actor_id, e.reason) for e in events] == [(None, "command line")]
    assert runner.invoke(args=["reactivate-user", volunteer.email]).exit_code == 0
    assert _next(app.test_client(), project.slug, token).status_code == 200


def test_cli_refuses_unknown_accounts_and_the_last_admin(app, factory, session):
    admin = factory.user(Role.ADMIN)
    session.commit()
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["deactivate-user", "nobody@example.org"])
    assert unknown.exit_code != 0
    last = runner.invoke(args=["deactivate-user", admin.email])
    assert last.exit_code != 0
    session.rollback()
    assert session.get(User, admin.id).active is True
    other = factory.user(Role.ADMIN)
    session.commit()
    assert runner.invoke(args=["deactivate-user", admin.email]).exit_code == 0
    assert runner.invoke(args=["deactivate-user", other.email]).exit_code != 0
