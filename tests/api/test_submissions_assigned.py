"""Form and API take a submission only for a page given to the volunteer (issue 17, 1)."""
from __future__ import annotations

from sqlalchemy import func, select

from crowdcat.models import Item, Submission
from crowdcat.services.accounts import tokens as api_tokens
from tests.factories_keying import GOOD, reserve

FORM = {f"f_{key}": value for key, value in GOOD.items()}


def _headers(session, user) -> dict:  # noqa: ANN001
    _token, raw = api_tokens.create(session, user, "test")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _stored(session) -> int:  # noqa: ANN001
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Submission))


def test_the_api_refuses_open_pages_never_reserved_to_the_volunteer(session, client, factory):
    project = factory.project()
    pages = [factory.item(project) for _ in range(2)]
    headers = _headers(session, factory.user())
    for page in pages:
        for body in ({"values": GOOD}, {"skip": "blank"}):
            response = client.post(f"/api/v1/items/{page.id}/submissions", json=body,
                                   headers=headers)
            assert response.status_code == 409, response.data
            assert "此頁並未分派給您著錄" in response.get_data(as_text=True)
    assert _stored(session) == 0
    assert [session.get(Item, p.id).submission_count for p in pages] == [0, 0]


def test_the_api_refuses_a_page_reserved_to_someone_else(session, client, factory):
    project = factory.project()
    factory.item(project)
    holder, intruder = factory.user(), factory.user()
    page = reserve(session, project, holder)
    response = client.post(f"/api/v1/items/{page.id}/submissions", json={"values": GOOD},
                           headers=_headers(session, intruder))
    assert response.status_code == 409 and _stored(session) == 0
    ok = client.post(f"/api/v1/items/{page.id}/submissions", json={"values": GOOD},
                     headers=_headers(session, holder))
    assert ok.status_code == 201 and _stored(session) == 1


def test_the_refusal_is_worded_in_the_volunteers_language(session, client, factory):
    project = factory.project()
    page = factory.item(project)
    headers = _headers(session, factory.user(locale="zh_Hant"))
    response = client.post(f"/api/v1/items/{page.id}/submissions", json={"values": GOOD},
                           headers=headers)
    assert response.status_code == 409
    assert "此頁並未分派給您著錄" in response.get_data(as_text=True)


def test_the_form_refuses_a_page_reserved_to_someone_else_and_keeps_the_typed_values(
        session, client, auth, factory):
    project = factory.project()
    factory.item(project)
    holder, intruder = factory.user(), factory.user()
    page = reserve(session, project, holder)
    auth.login(intruder.email)
    response = client.post(f"/projects/{project.slug}/pages/{page.id}", data=FORM)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "此頁並未分派給您著錄" in html and GOOD["title"] in html
    skipped = client.post(f"/projects/{project.slug}/pages/{page.id}/skip",
                          data={"reason": "blank"})
    assert skipped.status_code in (303, 409)
    assert _stored(session) == 0
    auth.logout()
    auth.login(holder.email)
    saved = client.post(f"/projects/{project.slug}/pages/{page.id}", data=FORM)
    assert saved.status_code == 303 and _stored(session) == 1


def test_the_form_takes_the_page_next_page_gave(session, client, auth, factory):
    project = factory.project()
    factory.item(project)
    volunteer = factory.user()
    auth.login(volunteer.email)
    opened = client.get(f"/projects/{project.slug}/key")
    assert opened.status_code == 302
    item_id = int(opened.headers["Location"].rsplit("/", 1)[-1].split("?")[0])
    saved = client.post(f"/projects/{project.slug}/pages/{item_id}", data=FORM)
    assert saved.status_code == 303 and _stored(session) == 1
