"""The keying screens: project list, next page, form, validation, double submit, blind keying."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from crowdcat.models import Access, Item, Reservation, Submission, utcnow
from tests.factories_keying import GOOD, key, reserve

FORM = {f"f_{k}": v for k, v in GOOD.items()}


def _count(session, model=Submission) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def test_projects_show_progress_and_safe_instructions(client, factory):
    project = factory.project(title="民國檔案",
                              instructions="**照錄原文**<script>alert(1)</script>")
    factory.item(project)
    listing = client.get("/projects").get_data(as_text=True)
    assert "民國檔案" in listing and 'role="progressbar"' in listing
    page = client.get(f"/projects/{project.slug}").get_data(as_text=True)
    assert "<strong>照錄原文</strong>" in page and "<script>alert" not in page


def test_start_keying_needs_an_account(client, factory):
    project = factory.project()
    response = client.get(f"/projects/{project.slug}/key")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_keying_screen_shows_the_form_in_the_ui_language(client, auth, factory):
    project = factory.project()
    page = factory.item(project)
    user = factory.user()
    auth.login(user.email)
    response = client.get(f"/projects/{project.slug}/key")
    assert response.headers["Location"].endswith(f"/pages/{page.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "題名" in html and 'name="f_date"' in html and 'aria-required="true"' in html
    client.post("/lang/en")
    html = client.get(f"/projects/{project.slug}/pages/{page.id}").get_data(as_text=True)
    assert ">Title" in html


def test_submit_saves_and_moves_to_the_next_page(client, auth, factory, session):
    project = factory.project()
    first, second = factory.item(project, sequence=1), factory.item(project, sequence=2)
    user = factory.user()
    auth.login(user.email)
    client.get(f"/projects/{project.slug}/key")
    response = client.post(f"/projects/{project.slug}/pages/{first.id}", data=FORM)
    assert response.status_code == 303
    follow = client.get(response.headers["Location"])
    assert follow.headers["Location"].endswith(f"/pages/{second.id}?done={first.id}")
    assert _count(session) == 1


def test_bad_values_come_back_with_messages_and_typed_values(client, auth, factory, session):
    project = factory.project()
    page = factory.item(project)
    auth.login(factory.user().email)
    client.get(f"/projects/{project.slug}/key")
    response = client.post(f"/projects/{project.slug}/pages/{page.id}",
                           data=FORM | {"f_date": "五月某日", "f_pages": "許多"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f_date-err"' in html and 'id="f_pages-err"' in html
    assert 'value="五月某日"' in html and GOOD["title"] in html
    assert _count(session) == 0


def test_double_submit_records_one_submission(client, auth, factory, session):
    project = factory.project()
    page = factory.item(project)
    auth.login(factory.user().email)
    client.get(f"/projects/{project.slug}/key")
    for _ in range(2):
        response = client.post(f"/projects/{project.slug}/pages/{page.id}", data=FORM)
        assert response.status_code == 303
    assert _count(session) == 1


def test_late_submit_keeps_the_typed_values_when_no_longer_needed(client, auth, factory, session):
    project = factory.project(reservation_minutes=1)
    page = factory.item(project)
    late = factory.user()
    auth.login(late.email)
    client.get(f"/projects/{project.slug}/key")
    hold = session.scalar(select(Reservation))
    hold.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    for other in (factory.user(), factory.user()):
        reserve(session, project, other)
    response = client.post(f"/projects/{project.slug}/pages/{page.id}", data=FORM)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert GOOD["title"] in html and "flash-warning" in html
    assert _count(session) == 0


def test_skip_with_a_reason(client, auth, factory, session):
    project = factory.project()
    page = factory.item(project)
    auth.login(factory.user().email)
    client.get(f"/projects/{project.slug}/key")
    assert client.post(f"/projects/{project.slug}/pages/{page.id}/skip",
                       data={"reason": "nonsense"}).status_code == 422
    response = client.post(f"/projects/{project.slug}/pages/{page.id}/skip",
                           data={"reason": "illegible"})
    assert response.status_code == 303
    assert session.scalar(select(Submission.skip_reason)).value == "illegible"


def test_blind_keying_shows_nothing_of_other_submissions(client, auth, factory, session):
    project = factory.project()
    page = factory.item(project)
    other = factory.user()
    reserve(session, project, other)
    key(session, page, other, GOOD | {"title": "另一位志願者的題名"})
    auth.login(factory.user().email)
    html = client.get(client.get(f"/projects/{project.slug}/key").headers["Location"])
    assert "另一位志願者的題名" not in html.get_data(as_text=True)


def test_restricted_pages_are_not_shown(client, auth, factory):
    project = factory.project()
    hidden = factory.item(project, access=Access.RESTRICTED)
    auth.login(factory.user().email)
    assert client.get(f"/projects/{project.slug}/pages/{hidden.id}").status_code == 404
    finished = client.get(f"/projects/{project.slug}/key")
    assert finished.status_code == 200 and "keying-finished" in finished.get_data(as_text=True)


def test_renew_keeps_the_page_held(client, auth, factory, session):
    project = factory.project()
    page = factory.item(project)
    auth.login(factory.user().email)
    client.get(f"/projects/{project.slug}/key")
    response = client.post(f"/projects/{project.slug}/pages/{page.id}/renew")
    assert response.status_code == 200 and response.json["reserved_until"]
    other = factory.item(project)
    assert client.post(f"/projects/{project.slug}/pages/{other.id}/renew").status_code == 409


def test_contributions_page(client, auth, factory, session):
    project = factory.project(title="上海市政府檔案")
    page = factory.item(project)
    user = factory.user()
    reserve(session, project, user)
    key(session, page, user)
    auth.login(user.email)
    html = client.get("/me/contributions").get_data(as_text=True)
    assert "上海市政府檔案" in html and "<span class=\"stat\">1</span>" in html


def test_page_of_another_project_is_not_found(client, auth, factory):
    project, other = factory.project(), factory.project()
    page = factory.item(other)
    auth.login(factory.user().email)
    assert client.get(f"/projects/{project.slug}/pages/{page.id}").status_code == 404
    assert isinstance(page, Item)
