"""One commit per request: domain refusals become error pages, a failed request changes nothing."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crowdcat import create_app
from crowdcat.errors import MESSAGES
from crowdcat.extensions import db
from crowdcat.models import Role, User
from crowdcat.services.accounts import users as accounts
from crowdcat.services.errors import Conflict, Forbidden, NotFound, ServiceError
from crowdcat.services.keying.validation import InvalidValues
from crowdcat.services.review.values import InvalidValues as InvalidDecision
from crowdcat.unit_of_work import MARK, unit_of_work

# Messages with translations in every catalog (the error pages' own texts).
SAID = {404: MESSAGES[404][1], 403: MESSAGES[403][1], 409: MESSAGES[409][1],
        422: MESSAGES[422][1]}
ENGLISH_TITLES = {404: "Not found", 403: "Not allowed", 409: "Not possible now",
                  422: "Cannot process"}
REFUSALS = {
    "not-found": (lambda: NotFound(SAID[404]), 404, "not_found"),
    "forbidden": (lambda: Forbidden(SAID[403]), 403, "forbidden"),
    "conflict": (lambda: Conflict(SAID[409]), 409, "conflict"),
    "invalid": (lambda: ServiceError(SAID[422], field="title"), 422, "invalid"),
    "invalid-values": (lambda: InvalidValues({"title": _l("This field is required.")}), 422,
                       "invalid_values"),
    "invalid-decision": (lambda: InvalidDecision({"title": _l("This field is required.")}),
                         422, "invalid_values"),
}


def _add_user(email: str) -> None:
    """A write the failing views below make before they fail (flushed, not committed)."""
    accounts.create_user(db.session, email=email, display_name="Flushed",
                         password="a very good password", role=Role.VOLUNTEER)
    db.session.flush()


@pytest.fixture
def refusing(app: Flask) -> Iterator[Flask]:
    """An app on the test's database with views that write, then raise or refuse."""
    config = dict(app.config) | {"TESTING": False}  # errors answered as in production
    built = create_app(config)

    @built.post("/test/refuse/<kind>")
    @built.post("/api/v1/test/refuse/<kind>")
    @unit_of_work
    def refuse(kind: str):
        _add_user(f"{kind}@archive.org")
        raise REFUSALS[kind][0]()

    @built.post("/test/abort/<int:status>")
    @built.post("/api/v1/test/abort/<int:status>")
    @unit_of_work
    def aborts(status: int):
        _add_user(f"abort{status}@archive.org")
        abort(status)

    @built.post("/test/crash")
    @built.post("/api/v1/test/crash")
    @unit_of_work
    def crash():
        _add_user("crash@archive.org")
        raise RuntimeError("a bug")

    @built.post("/api/v1/test/json")
    @unit_of_work
    def needs_json():
        return {"got": request.json}

    @built.post("/test/form-again")
    @unit_of_work
    def form_again():
        _add_user("form@archive.org")
        return "the form with its messages", 422

    @built.post("/test/saved")
    @unit_of_work
    def saved():
        _add_user("saved@archive.org")
        return "saved", 201

    built.logger.disabled = True  # the crash is logged on purpose
    yield built
    with built.app_context():
        db.engine.dispose()


def _users(session) -> int:  # noqa: ANN001
    session.rollback()
    return session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("kind", sorted(REFUSALS))
@pytest.mark.parametrize("lang", ["zh_Hant", "en"])
def test_a_refusal_is_an_error_page_in_the_users_language(refusing, session, kind, lang):
    client = refusing.test_client()
    if lang == "en":
        client.post("/lang/en")
    make, status, _code = REFUSALS[kind]
    response = client.post(f"/test/refuse/{kind}")
    assert response.status_code == status and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    with refusing.test_request_context(headers={"Cookie": f"crowdcat_lang={lang}"}):
        title, message = str(MESSAGES[status][0]), str(make())
    assert title in page and message in page
    assert (ENGLISH_TITLES[status] in page) is (lang == "en")
    assert _users(session) == 0  # the user flushed before the refusal was rolled back


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_refusal_under_api_is_the_json_error_shape(refusing, session, kind):
    _make, status, code = REFUSALS[kind]
    response = refusing.test_client().post(f"/api/v1/test/refuse/{kind}")
    assert response.status_code == status and response.is_json
    error = response.json["error"]
    assert error["code"] == code and error["message"]
    if status == 422:
        assert set(error["fields"]) == {"title"}
    else:
        assert "fields" not in error
    assert set(response.json) == {"error"}
    assert _users(session) == 0


def test_an_error_after_a_flush_changes_nothing(refusing, session):
    client = refusing.test_client()
    assert client.post("/test/crash").status_code == 500
    assert client.post("/test/abort/404").status_code == 404
    assert client.post("/test/form-again").status_code == 422
    assert _users(session) == 0
    assert client.post("/test/saved").status_code == 201
    assert _users(session) == 1


@pytest.mark.parametrize("status", [400, 403, 404, 405, 409, 413, 415, 422, 429, 500])
def test_every_api_error_status_has_the_one_shape(refusing, status):
    client = refusing.test_client()
    if status == 500:
        response = client.post("/api/v1/test/crash")
    elif status == 415:
        response = client.post("/api/v1/test/json", data="x", content_type="text/plain")
    else:
        response = client.post(f"/api/v1/test/abort/{status}")
    assert response.status_code == status and response.is_json
    assert set(response.json) == {"error"}
    assert set(response.json["error"]) == {"code", "message"}
    assert response.json["error"]["message"]
    assert response.json["error"]["code"].isidentifier()


def test_outside_the_api_errors_stay_html(refusing):
    response = refusing.test_client().post("/test/abort/409")
    assert response.status_code == 409 and response.mimetype == "text/html"
    assert "目前無法執行" in response.get_data(as_text=True)


def test_every_view_that_takes_a_post_is_a_unit_of_work(app):
    loose = sorted(
        rule.endpoint for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.endpoint != "static"
        and not getattr(app.view_functions[rule.endpoint], MARK, False))
    assert loose == []
