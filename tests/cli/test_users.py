"""`crowdcat create-user`."""
from __future__ import annotations

from sqlalchemy import func, select

from crowdcat.models import Role, User


def test_create_admin_with_password_from_stdin(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "Boss@Archive.org", "--role", "admin",
                                 "--password-stdin"], input="a very good password\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User))
    assert user.email == "boss@archive.org" and user.role == Role.ADMIN


def test_wrong_role_is_refused(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "x@archive.org", "--role", "king", "--password-stdin"],
        input="a very good password\n")
    assert result.exit_code == 2 and "king" in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_weak_password_is_refused(app, session, monkeypatch):
    monkeypatch.setenv("CROWDCAT_LOCALE", "en")
    result = app.test_cli_runner().invoke(
        args=["create-user", "x@archive.org", "--password-stdin"], input="short\n")
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_duplicate_email_is_refused(app, session, factory):
    factory.user(email="dup@archive.org")
    session.commit()
    result = app.test_cli_runner().invoke(
        args=["create-user", "dup@archive.org", "--password-stdin"], input="a very good password\n")
    assert result.exit_code == 1
    assert session.scalar(select(func.count()).select_from(User)) == 1
