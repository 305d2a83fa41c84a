"""Admins manage roles."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.models import AuditEvent, Role


def test_admin_promotes_a_volunteer_to_reviewer(client, factory, auth, session):
    admin = factory.user(Role.ADMIN)
    volunteer = factory.user(display_name="李四")
    auth.login(admin.email)
    listing = client.get("/admin/users?q=李").get_data(as_text=True)
    assert "李四" in listing and admin.email not in listing
    response = client.post(f"/admin/users/{volunteer.id}/role",
                           data={f"u{volunteer.id}-role": "reviewer"})
    assert response.status_code == 303
    session.rollback()
    assert volunteer.role == Role.REVIEWER
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role"))
    assert event.before == {"role": "volunteer"} and event.after == {"role": "reviewer"}
    assert event.actor_id == admin.id


def test_unknown_role_changes_nothing(client, factory, auth, session):
    admin = factory.user(Role.ADMIN)
    volunteer = factory.user()
    auth.login(admin.email)
    client.post(f"/admin/users/{volunteer.id}/role", data={f"u{volunteer.id}-role": "emperor"})
    session.rollback()
    assert volunteer.role == Role.VOLUNTEER


def test_admin_cannot_demote_themselves(client, factory, auth, session):
    admin = factory.user(Role.ADMIN)
    auth.login(admin.email)
    response = client.post(f"/admin/users/{admin.id}/role", data={f"u{admin.id}-role": "volunteer"},
                           follow_redirects=True)
    assert "您不能移除自己的管理員角色" in response.get_data(as_text=True)
    session.rollback()
    assert admin.role == Role.ADMIN


def test_reviewer_cannot_manage_users(client, factory, auth):
    auth.login(factory.user(Role.REVIEWER).email)
    assert client.get("/admin/users").status_code == 403


def test_visitor_is_sent_to_log_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
