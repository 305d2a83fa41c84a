"""One rule decides whether a page is open to the crowd; every keying route and API call asks it.

Each case gives a volunteer a live hold on a page, then takes the page from the crowd the way
an administrator can (restricted; the project paused or closed) while the hold stays. Every
keying route and API call must then refuse the page and change nothing; with the page still
open the same calls succeed, so the refusal comes from the rule and nothing else.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crowdcat.models import (
    OPEN_TO_CROWD,
    Access,
    Item,
    Project,
    ProjectStatus,
    Reservation,
    Role,
    Submission,
)
from crowdcat.services.accounts import tokens as api_tokens
from tests.api.test_api_items import import_item
from tests.factories_keying import GOOD, reserve
from tests.factories_scans import import_page, scan

FORM = {f"f_{key}": value for key, value in GOOD.items()}


def _form_page(c, ctx):  # noqa: ANN001, ANN202
    return c.get(f"/projects/{ctx['slug']}/pages/{ctx['page']}")


def _form_submit(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/projects/{ctx['slug']}/pages/{ctx['page']}", data=FORM)


def _form_skip(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/projects/{ctx['slug']}/pages/{ctx['page']}/skip", data={"reason": "blank"})


def _form_renew(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/projects/{ctx['slug']}/pages/{ctx['page']}/renew")


def _form_next(c, ctx):  # noqa: ANN001, ANN202
    return c.get(f"/projects/{ctx['slug']}/key")


def _api_next(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/api/v1/projects/{ctx['slug']}/next", headers=ctx["headers"])


def _api_submit(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/api/v1/items/{ctx['page']}/submissions", headers=ctx["headers"],
                  json={"values": GOOD})


def _api_skip(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/api/v1/items/{ctx['page']}/submissions", headers=ctx["headers"],
                  json={"skip": "blank"})


def _api_bad_body(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/api/v1/items/{ctx['page']}/submissions", headers=ctx["headers"],
                  json={"nothing": 1})


def _api_renew(c, ctx):  # noqa: ANN001, ANN202
    return c.post(f"/api/v1/items/{ctx['page']}/reservation", headers=ctx["headers"])


def _api_image(c, ctx):  # noqa: ANN001, ANN202
    return c.get(f"/api/v1/images/{ctx['image']}", headers=ctx["headers"])


def _scan_image(c, ctx):  # noqa: ANN001, ANN202
    return c.get(f"/scans/{ctx['image']}/image")


def _iiif_info(c, ctx):  # noqa: ANN001, ANN202
    return c.get(f"/iiif/{ctx['image']}/info.json")


# (call, status while the page is open, statuses when it is not). Next page cannot refuse a
# page by address: it must not hand the held page out again (the project's only page).
CALLS = {
    "form page": (_form_page, 200, {404}),
    "form submit": (_form_submit, 303, {404}),
    "form skip": (_form_skip, 303, {404}),
    "form renew": (_form_renew, 200, {404}),
    "form next page": (_form_next, 302, {200, 404}),
    "api next page": (_api_next, 200, {204, 404}),
    "api submit": (_api_submit, 201, {404}),
    "api skip": (_api_skip, 201, {404}),
    "api bad body": (_api_bad_body, 400, {404}),
    "api renew": (_api_renew, 200, {404}),
    "api image": (_api_image, 200, {404}),
    "scan image": (_scan_image, 200, {404}),
    "iiif info": (_iiif_info, 200, {404}),
}


def _take_from_crowd(session, project, page, how: str) -> None:  # noqa: ANN001
    """Directly in the database, so that the volunteer's hold stays."""
    if how == "restricted":
        page.access = Access.RESTRICTED
    elif how != "open":
        project.status = ProjectStatus(how)
    session.commit()


@pytest.mark.parametrize("how", ["open", "restricted", "paused", "closed"])
@pytest.mark.parametrize("call", list(CALLS))
def test_every_keying_route_refuses_a_page_the_crowd_may_not_see(session, client, auth,
                                                                  factory, call, how):
    project = factory.project()
    page = import_page(session, project, scan(seed=7), "held.jpg")
    volunteer = factory.user()
    assert reserve(session, project, volunteer).id == page.id  # a live hold
    _token, raw = api_tokens.create(session, volunteer, "test")
    session.commit()
    ctx = {"slug": project.slug, "page": page.id, "image": page.images[0].id,
           "headers": {"Authorization": f"Bearer {raw}"}}
    _take_from_crowd(session, project, page, how)
    auth.login(volunteer.email)

    run, open_status, refused = CALLS[call]
    response = run(client, ctx)
    if how == "open":
        assert response.status_code == open_status, response.data
        return
    assert response.status_code in refused, response.data
    if response.status_code in (200, 302):
        assert str(page.id) not in (response.headers.get("Location") or "")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Submission)) == 0
    holds = session.scalars(select(Reservation.item_id)).all()
    assert holds in ([page.id], [])  # a hold may be given back, never another page given


def test_the_rule_is_the_page_marked_open_in_an_active_project():
    assert OPEN_TO_CROWD.allows(Access.OPEN, ProjectStatus.ACTIVE)
    assert not OPEN_TO_CROWD.allows(Access.RESTRICTED, ProjectStatus.ACTIVE)
    for status in ProjectStatus:
        if status != ProjectStatus.ACTIVE:
            assert not OPEN_TO_CROWD.allows(Access.OPEN, status)


def test_the_rule_as_sql_finds_what_the_python_check_allows(session, factory):
    active, paused = factory.project(), factory.project(status=ProjectStatus.PAUSED)
    pages = [factory.item(active), factory.item(active, access=Access.RESTRICTED),
             factory.item(paused)]
    session.commit()
    found = set(session.scalars(select(Item.id).join(Project).where(
        OPEN_TO_CROWD.sql(Item.access, Project.status))))
    assert found == {p.id for p in pages if OPEN_TO_CROWD.allows(p.access, p.project.status)}
    assert found == {pages[0].id}


CROWDCAT = Path(__file__).resolve().parents[2] / "crowdcat"


def test_the_rule_is_written_once():
    """Nobody compares a page's access or a project's status to the crowd's values by hand."""
    written = []
    for path in CROWDCAT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            names = {ast.unparse(part) for part in (node.left, *node.comparators)}
            if names & {"Access.OPEN", "ProjectStatus.ACTIVE", "'open'", "'active'"}:
                written.append(f"{path.relative_to(CROWDCAT)}:{node.lineno}")
    assert written == []


def test_a_restricted_items_every_image_is_for_staff_only(session, client, auth, factory):
    """Access is the item's: each of its images follows it, on every route that serves one."""
    project = factory.project()
    item = import_item(session, project, "several")
    volunteer = factory.user()
    assert reserve(session, project, volunteer).id == item.id  # a live hold
    _token, raw = api_tokens.create(session, volunteer, "test")
    item.access = Access.RESTRICTED
    session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    auth.login(volunteer.email)
    urls = [url for image in item.images for url in (
        f"/scans/{image.id}/image", f"/scans/{image.id}/thumbnail", f"/scans/{image.id}/text",
        f"/iiif/{image.id}/info.json", f"/api/v1/images/{image.id}")]
    assert len(item.images) == 3
    for url in urls:
        assert client.get(url, headers=headers).status_code == 404, url
    auth.logout()
    auth.login(factory.user(Role.REVIEWER).email)
    for url in urls:
        if not url.startswith("/api/"):  # the API serves the crowd's items only
            assert client.get(url).status_code == 200, url
