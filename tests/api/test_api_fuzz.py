"""The JSON API fuzzed from its own OpenAPI description (schemathesis): no request gets a 500."""
from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from crowdcat.models import Access, ProjectStatus, Role
from tests.factories_keying import GOOD, key, reserve
from tests.factories_scans import import_page

# Examples per operation and generation mode: 6 operations x 2 modes x 50 stays well under a
# minute per database on this machine, and each run draws new inputs.
EXAMPLES = 50
# An item (image) id drawn as HELD: the item the drawn volunteer gets from "next page" just
# before (its first image).
HELD = "held"
SUBMISSIONS = "/items/{item_id}/submissions"


@pytest.fixture
def world(client, factory, session):  # noqa: ANN001, ANN201
    """Real objects for the generated requests to hit: projects, pages in every state, tokens."""
    project = factory.project()
    draft = factory.project(status=ProjectStatus.DRAFT)
    scanned = import_page(session, project)  # a real image, the first page handed out
    pages = [factory.item(project) for _ in range(12)]
    restricted = factory.item(project, access=Access.RESTRICTED)
    hidden = factory.item(draft)
    volunteer, other = factory.user(), factory.user()
    reviewer = factory.user(role=Role.REVIEWER)
    assert reserve(session, project, volunteer).id == scanned.id
    keyed = reserve(session, project, other)
    key(session, keyed, other, GOOD)
    tokens = [f"Bearer {factory.api_token(user)}" for user in (volunteer, other, reviewer)]
    return {
        # None keeps the generated value; real ones are drawn more often.
        "slug": [None, project.slug, project.slug, draft.slug],
        # HELD is drawn often: a submission says yes only for a page assignment gave.
        "item_id": [None, *[HELD] * 6, scanned.id, keyed.id, restricted.id, hidden.id,
                    *(p.id for p in pages[:6])],
        "image_id": [None, *[HELD] * 6, scanned.images[0].id, keyed.images[0].id,
                     restricted.images[0].id, hidden.images[0].id,
                     *(p.images[0].id for p in pages[:6])],
        "authorization": [None, *tokens, *tokens],
        "project": project.slug,
    }


class _Client:
    """The suite's client, bodies encoded by the standard library: it writes any generated
    value (integers past 64 bits, NaN), so what reaches the app is what was generated."""

    def __init__(self, client) -> None:  # noqa: ANN001
        self._client = client

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if "json" in kwargs:
            kwargs["data"] = json.dumps(kwargs.pop("json"))
            kwargs.setdefault("content_type", "application/json")
        return self._client.open(*args, **kwargs)


def _served_schema(client):  # noqa: ANN001, ANN202 - a schemathesis schema
    """The OpenAPI document as the app serves it, loaded by schemathesis."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json)


def _aim(client, world: dict, case, slug: str | None, item_id: int | str | None,  # noqa: ANN001
         image_id: int | str | None, authorization: str | None) -> None:
    """Point a generated case at real objects and a real token (None keeps what was generated)."""
    parameters = case.path_parameters or {}
    if slug is not None and "slug" in parameters:
        parameters["slug"] = slug
    if authorization is not None:
        case.headers = {**(case.headers or {}), "Authorization": authorization}
    if HELD in (item_id, image_id) and authorization is not None:
        given = client.post(f"/api/v1/projects/{world['project']}/next",
                            headers={"Authorization": authorization})
        held = given.json if given.status_code == 200 else None
        if item_id == HELD:
            item_id = held["item_id"] if held else None
        if image_id == HELD:
            image_id = int(held["images"][0]["url"].rsplit("/", 1)[1]) if held else None
    if item_id not in (None, HELD) and "item_id" in parameters:
        parameters["item_id"] = item_id
    if image_id not in (None, HELD) and "image_id" in parameters:
        parameters["image_id"] = image_id


def _right(operation):  # noqa: ANN001, ANN202 - a schemathesis operation and case
    """A request to the operation that a volunteer holding an item gets a yes to."""
    names = [p["name"] for p in operation.definition.raw.get("parameters", [])
             if p.get("in") == "path"]
    extra = {}
    if operation.path == SUBMISSIONS:
        extra = {"body": {"skip": "blank"}, "media_type": "application/json"}
    if operation.path == "/parse-date":
        extra = {"query": {"value": "民國三十七年五月十日"}}
    return operation.Case(path_parameters={name: 0 for name in names}, **extra)


def _fuzz(app, client, world: dict, operation, mode: GenerationMode) -> set:  # noqa: ANN001
    """EXAMPLES generated requests to one operation; the kinds of answer (2 for 2xx...)."""
    sender = _Client(client)
    answered = set()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode), slug=st.sampled_from(world["slug"]),
           item_id=st.sampled_from(world["item_id"]),
           image_id=st.sampled_from(world["image_id"]),
           authorization=st.sampled_from(world["authorization"]))
    def fuzz(case, slug, item_id, image_id, authorization):  # noqa: ANN001
        _aim(client, world, case, slug, item_id, image_id, authorization)
        # Sent through the suite's client (each request its own app context and session);
        # TESTING propagates exceptions, so a crash fails here with its traceback.
        response = case.call(app=app, session=sender)
        case.validate_response(response, checks=[not_a_server_error])
        answered.add(response.status_code // 100)

    if mode == GenerationMode.POSITIVE:
        # Saying yes may need a held item, a valid body and a volunteer's token at once: one
        # such request per operation is written out, so that "yes at least once" rests on no
        # luck (the generated ones still run after it).
        fuzz = example(case=_right(operation), slug=world["project"], item_id=HELD,
                       image_id=HELD, authorization=world["authorization"][1])(fuzz)
    fuzz()
    return answered


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_server_error(app, client, world, mode):
    schema = _served_schema(client)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/projects", SUBMISSIONS}
    for operation in operations:
        answered = _fuzz(app, client, world, operation, mode)
        if mode == GenerationMode.POSITIVE:
            # The real objects and tokens were reached: the operation said yes at least once.
            assert 2 in answered, operation.path


def test_an_id_larger_than_the_database_holds_is_not_found(client, factory):
    volunteer = factory.user()
    headers = {"Authorization": f"Bearer {factory.api_token(volunteer)}"}
    for item_id in (2**31, 2**63, 10**30):
        assert client.get(f"/api/v1/images/{item_id}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/pages/{item_id}/image", headers=headers).status_code == 404
        response = client.post(f"/api/v1/items/{item_id}/submissions", headers=headers,
                               json={"skip": "blank"})
        assert response.status_code == 404
