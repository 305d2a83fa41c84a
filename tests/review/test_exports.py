"""Catalog export from the web: the form, the streamed download, who may use them."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from sqlalchemy import select

from crowdcat.models import AuditEvent, Role
from crowdcat.models.user import Permission
from tests.factories_export import ExportFactory

HOSTILE_TITLE = '=cmd|"/C calc"!A0, 第一行\n第二行 😀 𠀀 𪚥'


@pytest.fixture
def make(session) -> ExportFactory:
    """The export factory."""
    return ExportFactory(session)


@pytest.fixture
def project(make):
    """A project with two approved entries, one of them hostile."""
    project = make.project(title="民國/檔案：匯出")
    make.entry(project, {"title": HOSTILE_TITLE, "date": "民國三十七年五月十日", "pages": "-3"})
    make.entry(project, {"title": "普通題名", "date": "1948", "pages": "12"})
    return project


def download(client, project, **query):
    """GET the download; buffered, so the stream is read while the request context is current."""
    return client.get(f"/review/{project.slug}/export/download", query_string=query,
                      buffered=True)


def login(make, auth, role: Role):
    """Log in a new user with `role`."""
    user = make.user(role)
    auth.login(user.email)
    return user


def test_visitors_are_sent_to_log_in(client, project):
    for url in (f"/review/{project.slug}/export",
                f"/review/{project.slug}/export/download"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_volunteers_may_not_export(client, make, auth, project):
    login(make, auth, Role.VOLUNTEER)
    assert client.get(f"/review/{project.slug}/export").status_code == 403
    assert client.get(f"/review/{project.slug}/export/download").status_code == 403


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.VOLUNTEER, False), (Role.REVIEWER, True), (Role.ADMIN, True)])
def test_export_is_a_permission_of_reviewers_and_admins(client, make, auth, project, role,
                                                        allowed):
    assert Role(role).may(Permission.EXPORT) is allowed
    login(make, auth, role)
    assert client.get(f"/review/{project.slug}/export").status_code == (200 if allowed else 403)
    response = download(client, project, format="csv")
    assert response.status_code == (200 if allowed else 403)
    assert ("普通題名" in response.get_data(as_text=True)) is allowed
    queue = client.get(f"/review/{project.slug}").get_data(as_text=True)
    assert (f'href="/review/{project.slug}/export"' in queue) is allowed


def test_the_admin_project_page_links_to_the_new_address(client, make, auth, project):
    login(make, auth, Role.ADMIN)
    page = client.get(f"/admin/projects/{project.slug}").get_data(as_text=True)
    assert f'href="/review/{project.slug}/export"' in page


def test_the_old_admin_addresses_redirect_with_their_query(client, make, auth, project):
    old = f"/admin/projects/{project.slug}/export"
    response = client.get(old)
    assert response.status_code == 308
    assert response.headers["Location"].endswith(f"/review/{project.slug}/export")
    response = client.get(f"{old}/download", query_string={"format": "jsonl", "raw": "y"})
    assert response.status_code == 308
    assert response.headers["Location"].endswith(
        f"/review/{project.slug}/export/download?format=jsonl&raw=y")
    login(make, auth, Role.VOLUNTEER)  # the new address decides who may: the rule, once
    assert client.get(old, follow_redirects=True).status_code == 403


def test_a_deactivated_reviewer_may_not_export(client, make, auth, project, session):
    user = login(make, auth, Role.REVIEWER)
    user.active = False
    session.commit()
    assert not user.can_export
    response = client.get(f"/review/{project.slug}/export")
    assert response.status_code in (302, 403)  # logged out (sessions end) or refused
    assert "匯出目錄" not in response.get_data(as_text=True)


def test_reviewer_sees_the_form_with_the_number_of_entries(client, make, auth, project):
    login(make, auth, Role.REVIEWER)
    page = client.get(f"/review/{project.slug}/export").get_data(as_text=True)
    assert "匯出目錄" in page and "2" in page and 'name="approved_from"' in page
    assert 'type="date"' in page


def test_unknown_project_is_404(client, make, auth):
    login(make, auth, Role.ADMIN)
    assert client.get("/review/nope/export").status_code == 404
    assert client.get("/review/nope/export/download").status_code == 404


def test_download_streams_csv_in_gb18030_that_round_trips(client, make, auth, project, session):
    user = login(make, auth, Role.REVIEWER)
    response = download(client, project, format="csv", encoding="gb18030", raw="y",
                        labels="keys")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=gb18030; header=present"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{project.slug}-')
    assert f"filename*=UTF-8''{quote('民國_檔案：匯出-')}" in disposition
    rows = list(csv.reader(io.StringIO(response.data.decode("gb18030"), newline="")))
    assert [r[:2] for r in rows[1:]] == [[HOSTILE_TITLE, "民國三十七年五月十日"],
                                         ["普通題名", "1948"]]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.actor_id == user.id and event.after["encoding"] == "gb18030"


def test_default_download_is_safe_utf8_with_bom(client, make, auth, project):
    login(make, auth, Role.ADMIN)
    response = download(client, project)
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["題名", "日期", "日期（ISO 8601）", "頁數"]
    assert rows[1][0] == "'" + HOSTILE_TITLE and rows[1][3] == "-3"


def test_download_json_lines(client, make, auth, project):
    login(make, auth, Role.ADMIN)
    response = download(client, project, format="jsonl", encoding="gb18030")
    assert response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert ".jsonl" in response.headers["Content-Disposition"]
    first = json.loads(response.data.decode("utf-8").splitlines()[0])
    assert first["fields"]["title"] == HOSTILE_TITLE and first["fields"]["pages"] == -3


def test_approval_dates_filter_the_download(client, make, auth, project):
    login(make, auth, Role.ADMIN)
    response = download(client, project, approved_to="2000-01-01", labels="keys")
    assert response.data.decode("utf-8-sig").count("\r\n") == 1  # the header only


@pytest.mark.parametrize(("query", "message"), [
    ({"approved_from": "2026-13-45"}, "YYYY-MM-DD"),
    ({"approved_from": "2026-02-01", "approved_to": "2026-01-01"}, "start date is after"),
    ({"format": "xlsx"}, "Not a valid choice"),
])
def test_bad_form_comes_back_with_a_message(client, make, auth, project, query, message):
    login(make, auth, Role.ADMIN)
    client.post("/lang/en")
    response = download(client, project, **query)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
