"""Form and API take a submission only for a page given to the volunteer (issue 17, 1)."""
from __future__ import annotations

import pytest
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


def test_the_form_refuses_a_page_reserved_to_someone_else(session, client, auth, factory):
    project = factory.project()
    factory.item(project)
    holder, intruder = factory.user(), factory.user()
    page = reserve(session, project, holder)
    auth.login(intruder.email)
    response = client.post(f"/projects/{project.slug}/pages/{page.id}", data=FORM)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "此頁並未分派給您著錄" in html
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


PREFILL = "L002-001-0276-0015"  # the item's prefilled reference, shown on its keying screen


def _prefilled_item_of_someone_else(session, factory, auth):  # noqa: ANN001, ANN202
    """A project whose one item (with a prefilled title) is held by another volunteer; the
    intruder logged in."""
    project = factory.project()
    item = factory.item(project, prefill={"title": PREFILL}, wanted=1)  # nobody else's next
    holder, intruder = factory.user(), factory.user()
    assert reserve(session, project, holder).id == item.id
    auth.login(intruder.email)
    return project, item


def test_a_skip_of_an_item_not_given_shows_nothing_of_it(session, client, auth, factory):
    """Whatever the reason sent (none, unknown, valid): refused as not given, nothing shown."""
    project, item = _prefilled_item_of_someone_else(session, factory, auth)
    for form in ({}, {"reason": ""}, {"reason": "bored"}, {"reason": "blank"}):
        response = client.post(f"/projects/{project.slug}/pages/{item.id}/skip", data=form,
                               follow_redirects=True)
        assert PREFILL not in response.get_data(as_text=True), form
        assert "此頁並未分派給您著錄" in response.get_data(as_text=True), form
    assert _stored(session) == 0


# The service refuses an item not given before its values (test_submission.py); the form's
# view passes that refusal on to the error page, which shows nothing of the item.
@pytest.mark.parametrize("form", [{}, FORM | {"f_date": "某日"}, FORM])
def test_a_submission_of_an_item_not_given_shows_nothing_of_it(session, client, auth, factory,
                                                               form):
    """Missing, bad or good values on an item not given: 409, nothing of the item shown."""
    project, item = _prefilled_item_of_someone_else(session, factory, auth)
    response = client.post(f"/projects/{project.slug}/pages/{item.id}", data=form)
    assert response.status_code == 409
    assert PREFILL not in response.get_data(as_text=True)
    assert "此頁並未分派給您著錄" in response.get_data(as_text=True)
    assert _stored(session) == 0
