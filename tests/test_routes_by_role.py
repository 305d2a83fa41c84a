"""Every route of the app, for every kind of visitor: the expected status is decided once, here.

The test walks `app.url_map` (all rules but `static`; GET and POST) for an anonymous visitor,
a volunteer, a reviewer, an admin and a deactivated volunteer, and compares each answer with
EXPECTED. A route that nobody has decided about fails the test with its name, and so does a
row of EXPECTED whose route is gone: adding a route means writing down who may use it.

The world: one active project whose one open page (a real scan) the volunteer holds, an
entry waiting for review on another page, and a bystander volunteer with an API token, whom
the admin (de)activates. Requests carry the visitor's session cookie; /api/ requests carry
their API token too (anonymous visitors have none; the deactivated volunteer's no longer
works). POSTs send an empty body (CSRF is off in the tests), so an allowed POST answers with
its validation or refusal status. The deactivated volunteer logged in before being
deactivated: their session has ended, so they are an anonymous visitor to the site.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from crowdcat.models import Access, Role
from crowdcat.services.accounts import tokens as api_tokens
from tests.factories import Factory
from tests.factories_keying import assign
from tests.factories_review import ReviewFactory
from tests.factories_scans import import_page

ROLES = ("anonymous", "volunteer", "reviewer", "admin", "deactivated")
METHODS = ("GET", "POST")
LOGIN = "302 to log in"  # a redirect to /auth/login (the login-required answer of the site)

# (endpoint, method): statuses for (anonymous, volunteer, reviewer, admin, deactivated).
# The item in item_id (and its image in image_id) is open and held by the volunteer (not by
# the staff).
EXPECTED: dict[tuple[str, str], tuple[int | str, ...]] = {
    # main
    ("main.index", "GET"):                      (200, 200, 200, 200, 200),
    ("main.healthz", "GET"):                    (200, 200, 200, 200, 200),
    ("main.set_language", "POST"):              (302, 302, 302, 302, 302),
    # auth
    ("auth.login", "GET"):                      (200, 302, 302, 302, 200),
    ("auth.login", "POST"):                     (422, 302, 302, 302, 422),
    ("auth.signup", "GET"):                     (200, 302, 302, 302, 200),
    ("auth.signup", "POST"):                    (422, 302, 302, 302, 422),
    ("auth.password", "GET"):                   (LOGIN, 200, 200, 200, LOGIN),
    ("auth.password", "POST"):                  (LOGIN, 422, 422, 422, LOGIN),
    ("auth.logout", "POST"):                    (302, 302, 302, 302, 302),
    # transcribe: projects are public, keying needs a log-in
    ("transcribe.projects", "GET"):             (200, 200, 200, 200, 200),
    ("transcribe.project", "GET"):              (200, 200, 200, 200, 200),
    ("transcribe.key", "GET"):                  (LOGIN, 302, 302, 302, LOGIN),
    ("transcribe.page", "GET"):                 (LOGIN, 200, 302, 302, LOGIN),
    # The hold is checked before the values: an empty form is 422 for the volunteer who holds
    # the item, 409 (submit) or on to the next item (skip) for staff, who hold nothing.
    ("transcribe.submit", "POST"):              (LOGIN, 422, 409, 409, LOGIN),
    ("transcribe.skip", "POST"):                (LOGIN, 422, 303, 303, LOGIN),
    ("transcribe.renew", "POST"):               (LOGIN, 200, 409, 409, LOGIN),
    ("transcribe.profile", "GET"):              (LOGIN, 200, 200, 200, LOGIN),
    ("transcribe.contributions", "GET"):        (LOGIN, 200, 200, 200, LOGIN),
    ("transcribe.create_token", "POST"):        (LOGIN, 200, 200, 200, LOGIN),
    ("transcribe.revoke_token", "POST"):        (LOGIN, 404, 404, 404, LOGIN),  # not theirs
    # scans: volunteers see the pages given to them, staff all; originals are staff only
    ("scans.image", "GET"):                     (LOGIN, 200, 200, 200, LOGIN),
    ("scans.thumbnail", "GET"):                 (LOGIN, 200, 200, 200, LOGIN),
    ("scans.original", "GET"):                  (LOGIN, 404, 200, 200, LOGIN),
    ("scans.text", "GET"):                      (LOGIN, 200, 200, 200, LOGIN),
    # The world's project has OCR suggestions off: 404 for everyone who may see the item.
    ("scans.item_suggestions", "GET"):          (LOGIN, 404, 404, 404, LOGIN),
    ("scans.iiif_base", "GET"):                 (LOGIN, 303, 303, 303, LOGIN),
    ("scans.iiif_info", "GET"):                 (LOGIN, 200, 200, 200, LOGIN),
    ("scans.iiif_tile", "GET"):                 (LOGIN, 200, 200, 200, LOGIN),
    # review: reviewers and admins
    ("review.index", "GET"):                    (LOGIN, 403, 200, 200, LOGIN),
    ("review.project_queue", "GET"):            (LOGIN, 403, 200, 200, LOGIN),
    ("review.export_form", "GET"):              (LOGIN, 403, 200, 200, LOGIN),
    ("review.export_download", "GET"):          (LOGIN, 403, 200, 200, LOGIN),
    ("review.entry", "GET"):                    (LOGIN, 403, 200, 200, LOGIN),
    ("review.history", "GET"):                  (LOGIN, 403, 200, 200, LOGIN),
    ("review.approve", "POST"):                 (LOGIN, 403, 400, 400, LOGIN),
    ("review.send_back", "POST"):               (LOGIN, 403, 400, 400, LOGIN),
    ("review.reject", "POST"):                  (LOGIN, 403, 400, 400, LOGIN),
    ("review.reopen", "POST"):                  (LOGIN, 403, 400, 400, LOGIN),
    ("review.item_pages", "GET"):               (LOGIN, 403, 200, 200, LOGIN),
    ("review.move_page", "POST"):               (LOGIN, 403, 422, 422, LOGIN),
    ("review.split_item", "POST"):              (LOGIN, 403, 422, 422, LOGIN),
    ("review.merge_item", "POST"):              (LOGIN, 403, 422, 422, LOGIN),
    # a list item's decisions: an empty form has no row versions (400)
    ("review.approve_list", "POST"):            (LOGIN, 403, 400, 400, LOGIN),
    ("review.send_back_list", "POST"):          (LOGIN, 403, 400, 400, LOGIN),
    # admin: admins only; the old export addresses moved to /review (308 for everyone)
    ("admin.projects", "GET"):                  (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_new", "GET"):               (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_new", "POST"):              (LOGIN, 403, 403, 422, LOGIN),
    ("admin.project", "GET"):                   (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_edit", "GET"):              (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_edit", "POST"):             (LOGIN, 403, 403, 422, LOGIN),
    ("admin.export_form_moved", "GET"):         (308, 308, 308, 308, 308),
    ("admin.export_download_moved", "GET"):     (308, 308, 308, 308, 308),
    ("admin.project_fields_view", "GET"):       (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_fields_view", "POST"):      (LOGIN, 403, 403, 422, LOGIN),
    ("admin.project_field", "GET"):             (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_field", "POST"):            (LOGIN, 403, 403, 422, LOGIN),
    ("admin.project_field_move", "POST"):       (LOGIN, 403, 403, 303, LOGIN),
    ("admin.project_field_delete", "POST"):     (LOGIN, 403, 403, 303, LOGIN),
    ("admin.project_pages", "GET"):             (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_page", "GET"):              (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_pages_access", "POST"):     (LOGIN, 403, 403, 400, LOGIN),
    ("admin.project_import", "GET"):            (LOGIN, 403, 403, 200, LOGIN),
    ("admin.project_import", "POST"):           (LOGIN, 403, 403, 400, LOGIN),
    ("admin.project_import_preview", "POST"):   (LOGIN, 403, 403, 400, LOGIN),
    ("admin.users", "GET"):                     (LOGIN, 403, 403, 200, LOGIN),
    ("admin.set_role", "POST"):                 (LOGIN, 403, 403, 303, LOGIN),  # "Unknown role."
    ("admin.deactivate", "POST"):               (LOGIN, 403, 403, 303, LOGIN),
    ("admin.reactivate", "POST"):               (LOGIN, 403, 403, 303, LOGIN),
    # api: a bearer token (the date hint also takes the site's session)
    ("api.openapi", "GET"):                     (200, 200, 200, 200, 200),
    ("api.projects", "GET"):                    (401, 200, 200, 200, 401),
    ("api.next_page", "POST"):                  (401, 200, 200, 200, 401),
    ("api.submit", "POST"):                     (401, 400, 400, 400, 401),
    ("api.renew", "POST"):                      (401, 200, 409, 409, 401),
    ("api.image", "GET"):                       (401, 200, 200, 200, 401),
    # the addresses of one-image clients (/api/v1/pages/...): 308 to the new ones
    ("api.submit_moved", "POST"):               (308, 308, 308, 308, 308),
    ("api.renew_moved", "POST"):                (308, 308, 308, 308, 308),
    ("api.page_image_moved", "GET"):            (401, 308, 308, 308, 401),
    ("api.parse_date_hint", "GET"):             (401, 200, 200, 200, 401),
}

# Requests that change what later requests see run last, in this order: the next page
# reserves one for the visitor, deleting the field removes it, logging out ends the session.
LAST = (
    ("admin.project_field_delete", "POST"),
    ("transcribe.key", "GET"),
    ("api.next_page", "POST"),
    ("auth.logout", "POST"),
)


# For the volunteer, the routes of an item or image: (an item open but not given to them, a
# restricted item). A volunteer learns nothing of either: no scan, no keying screen, no hold.
OTHER_PAGES: dict[tuple[str, str], tuple[int | str, int | str]] = {
    ("transcribe.page", "GET"):                 (302, 404),  # on to their own next page
    # The hold is checked before the values (services/keying/submission.py). The 409 still
    # comes with the item's keying screen (the view answers every Conflict so): see the
    # xfail of tests/api/test_submissions_assigned.py, the one DEFECT left here.
    ("transcribe.submit", "POST"):              (409, 404),
    ("transcribe.skip", "POST"):                (303, 404),  # on to their next item
    ("api.submit", "POST"):                     (400, 404),  # malformed body: 400, nothing shown
    ("transcribe.renew", "POST"):               (409, 404),
    ("scans.image", "GET"):                     (404, 404),
    ("scans.thumbnail", "GET"):                 (404, 404),
    ("scans.original", "GET"):                  (404, 404),
    ("scans.text", "GET"):                      (404, 404),
    ("scans.item_suggestions", "GET"):          (404, 404),
    ("scans.iiif_base", "GET"):                 (404, 404),
    ("scans.iiif_info", "GET"):                 (404, 404),
    ("scans.iiif_tile", "GET"):                 (404, 404),
    ("admin.project_page", "GET"):              (403, 403),
    ("review.item_pages", "GET"):               (403, 403),
    ("review.move_page", "POST"):               (403, 403),
    ("review.split_item", "POST"):              (403, 403),
    ("review.merge_item", "POST"):              (403, 403),
    ("review.approve_list", "POST"):            (403, 403),
    ("review.send_back_list", "POST"):          (403, 403),
    ("api.renew", "POST"):                      (409, 404),
    ("api.image", "GET"):                       (404, 404),
    ("api.submit_moved", "POST"):               (308, 308),  # the new address decides
    ("api.renew_moved", "POST"):                (308, 308),
    ("api.page_image_moved", "GET"):            (404, 404),
}
PAGE_ARGUMENTS = {"item_id", "image_id"}


@dataclass
class World:
    """What the URLs point at, and the visitor's client and token."""

    arguments: dict[str, Any]
    client: FlaskClient
    token: str | None
    other_pages: tuple[Any, Any] = ()


def url_arguments(project, page, entry, bystander, bystander_token_id) -> dict[str, Any]:  # noqa: ANN001
    """The value of every URL argument, by name (image_id: the first image of item_id)."""
    return {
        "slug": project.slug,
        **page_arguments(page),
        "field_id": project.fields[0].id,
        "entry_id": entry.id,
        "user_id": bystander.id,
        "token_id": bystander_token_id,
        "code": "zh_Hans",
        "region": "full",
        "size": "max",
        "rotation": "0",
        "quality_format": "default.jpg",
    }


def page_arguments(item) -> dict[str, int]:  # noqa: ANN001
    """The URL arguments naming the item and its first image."""
    return {"item_id": item.id, "image_id": item.images[0].id}


def _login(app: Flask, email: str) -> FlaskClient:
    """A client logged in as `email`."""
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": Factory.PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def build_world(app: Flask, session, factory: Factory, role: str) -> World:  # noqa: ANN001
    """The project, its pages, an entry and a bystander; a client (and token) for `role`."""
    project = factory.project()
    page = import_page(session, project, name="given.jpg")
    other = import_page(session, project, name="not-given.jpg")
    restricted = import_page(session, project, name="restricted.jpg", access=Access.RESTRICTED)
    entry = ReviewFactory(session, factory).agreed(
        project, {"title": "題名", "date": "民國三十七年五月十日", "pages": "3"}, sequence=1000)
    volunteer = factory.user(Role.VOLUNTEER)
    assign(session, page, volunteer)
    bystander = factory.user(Role.VOLUNTEER)
    bystander_token, _raw = api_tokens.create(session, bystander, "bystander")
    session.commit()
    arguments = url_arguments(project, page, entry, bystander, bystander_token.id)
    if role == "anonymous":
        return World(arguments, app.test_client(), None)
    user = {"volunteer": lambda: volunteer, "reviewer": lambda: factory.user(Role.REVIEWER),
            "admin": lambda: factory.user(Role.ADMIN),
            "deactivated": lambda: factory.user(Role.VOLUNTEER)}[role]()
    token = factory.api_token(user)
    client = _login(app, user.email)
    if role == "deactivated":
        user.active = False
        session.commit()
    return World(arguments, client, token, (other, restricted))


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every (rule, method) to try, in a fixed order with LAST at the end."""
    pairs = [(rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
             for method in METHODS if method in rule.methods]
    order = {key: position for position, key in enumerate(LAST)}
    return sorted(pairs, key=lambda p: (order.get((p[0].endpoint, p[1]), -1), p[1], p[0].rule))


def _url(app: Flask, rule: Rule, method: str, arguments: dict[str, Any]) -> str:
    """The rule's URL with every argument filled from `arguments`."""
    missing = sorted(rule.arguments - arguments.keys())
    assert not missing, f"no value for URL argument(s) {missing} of {rule.rule}: see url_arguments"
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, {name: arguments[name] for name in rule.arguments},
                         method=method)


def _answer(world: World, method: str, url: str) -> int | str:
    """What the visitor gets: the status (LOGIN for a redirect to log in), or the exception."""
    headers = {}
    if url.startswith("/api/") and world.token:
        headers["Authorization"] = f"Bearer {world.token}"
    try:
        response = world.client.open(url, method=method, headers=headers)
    except Exception as exc:  # noqa: BLE001 - a crash is one more mismatch to report
        return f"raised {type(exc).__name__}: {exc}"
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


def test_every_route_has_a_decision(app: Flask) -> None:
    """The table names exactly the routes of the URL map."""
    routes = {(rule.endpoint, method) for rule, method in _routes(app)}
    undecided = sorted(routes - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - routes)
    assert not undecided and not stale, (
        f"routes without a decision in EXPECTED: {undecided}; "
        f"rows of EXPECTED for routes that no longer exist: {stale}")
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_decided(app: Flask, session, factory: Factory,
                                                  role: str) -> None:
    """Each route answers this kind of visitor with the status written in EXPECTED."""
    world = build_world(app, session, factory, role)
    column = ROLES.index(role)
    mismatches = []
    for rule, method in _routes(app):
        key = (rule.endpoint, method)
        if key not in EXPECTED:
            mismatches.append(f"{method} {rule.rule} ({rule.endpoint}): not in EXPECTED")
            continue
        url = _url(app, rule, method, world.arguments)
        got, wanted = _answer(world, method, url), EXPECTED[key][column]
        if got != wanted:
            mismatches.append(f"{method} {url} ({rule.endpoint}): expected {wanted}, got {got}")
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)


def test_a_volunteer_reaches_no_page_that_was_not_given_to_them(app: Flask, session,
                                                                  factory: Factory) -> None:
    """The routes of a page answer a volunteer as OTHER_PAGES says for pages not theirs."""
    world = build_world(app, session, factory, "volunteer")
    page_routes = [(rule, method) for rule, method in _routes(app)
                   if rule.arguments & PAGE_ARGUMENTS]
    decided = {(rule.endpoint, method) for rule, method in page_routes}
    assert decided == OTHER_PAGES.keys(), (
        f"page routes without a row in OTHER_PAGES: {sorted(decided - OTHER_PAGES.keys())}; "
        f"rows for routes that are gone: {sorted(OTHER_PAGES.keys() - decided)}")
    mismatches = []
    for column, page in enumerate(world.other_pages):
        arguments = world.arguments | page_arguments(page)
        for rule, method in page_routes:
            url = _url(app, rule, method, arguments)
            got, wanted = _answer(world, method, url), OTHER_PAGES[(rule.endpoint, method)][column]
            if got != wanted:
                mismatches.append(f"{method} {url} ({rule.endpoint}, page {page.access}): "
                                  f"expected {wanted}, got {got}")
    assert not mismatches, "\n".join(mismatches)
