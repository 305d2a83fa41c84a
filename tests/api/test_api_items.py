"""The API keys items of several images: next lists them in order, each fetched by its own
authorized route; restricted items and their images never reach volunteers; the addresses of
one-image clients (/pages/<id>/...) answer 308 to the new ones."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from crowdcat.models import Access, Item, Role, Submission
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.scans.ingest import Importer, Source
from crowdcat.services.scans.storage import storage_for
from tests.factories_keying import GOOD, reserve
from tests.factories_scans import scan

# Distinct sizes, so that each image of the answer is told from the others.
SIZES = ((600, 850), (640, 900), (700, 500))


def import_item(session, project, reference: str, access: Access = Access.OPEN) -> Item:  # noqa: ANN001
    """An item of len(SIZES) real images, imported in that order (committed)."""
    importer = Importer(session, project, storage_for(current_app.config), access=access)
    for position, size in enumerate(SIZES, start=1):
        data = scan(size=size, seed=hash((reference, position)) % 1000)
        outcome = importer.import_one(Source(f"{reference}-{position:04d}.jpg",
                                             lambda data=data: data, item=reference))
        assert outcome.status == "imported", outcome.reason
    session.commit()
    return session.scalar(select(Item).where(Item.project_id == project.id,
                                             Item.reference == reference))


def bearer(session, user) -> dict:  # noqa: ANN001
    """The Authorization header of a new token of the user."""
    _token, raw = api_tokens.create(session, user, "test")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_next_lists_the_items_images_in_order_each_fetched_with_the_token(
        client, session, factory):  # noqa: ANN001
    project = factory.project()
    item = import_item(session, project, "L002-001-0276-0015")
    headers = bearer(session, factory.user())
    body = client.post(f"/api/v1/projects/{project.slug}/next", headers=headers).json
    assert body["item_id"] == item.id and body["reserved_until"] and body["fields"]
    assert [(i["width"], i["height"]) for i in body["images"]] == list(SIZES)
    assert [i["url"] for i in body["images"]] == [
        f"http://localhost/api/v1/images/{image.id}" for image in item.images]
    for shown in body["images"]:
        fetched = client.get(shown["url"], headers=headers)
        assert fetched.status_code == 200 and fetched.mimetype == "image/jpeg"
    assert client.get(body["images"][0]["url"]).status_code == 401  # the token is needed
    # Resumed: the same item, the same images.
    again = client.post(f"/api/v1/projects/{project.slug}/next", headers=headers).json
    assert again["images"] == body["images"]


def test_a_volunteer_fetches_no_image_of_an_item_not_given_to_them(client, session, factory):
    project = factory.project()
    given = import_item(session, project, "given")
    other = import_item(session, project, "other")
    headers = bearer(session, factory.user())
    assert client.post(f"/api/v1/projects/{project.slug}/next",
                       headers=headers).json["item_id"] == given.id
    for image in other.images:
        assert client.get(f"/api/v1/images/{image.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/images/999999", headers=headers).status_code == 404


def test_restricted_items_and_their_images_never_reach_volunteers(client, session, factory):
    project = factory.project()
    restricted = import_item(session, project, "restricted", access=Access.RESTRICTED)
    volunteer = factory.user()
    headers = bearer(session, volunteer)
    answer = client.post(f"/api/v1/projects/{project.slug}/next", headers=headers)
    assert answer.status_code == 204
    open_item = import_item(session, project, "open")
    body = client.post(f"/api/v1/projects/{project.slug}/next", headers=headers).json
    assert body["item_id"] == open_item.id
    # Made restricted while held: neither the item nor any of its images is served.
    restricted_ids = {image.id for image in restricted.images}
    assert not restricted_ids & {int(i["url"].rsplit("/", 1)[1]) for i in body["images"]}
    open_item.access = Access.RESTRICTED
    session.commit()
    for image in [*open_item.images, *restricted.images]:
        assert client.get(f"/api/v1/images/{image.id}", headers=headers).status_code == 404
    for item in (open_item, restricted):
        stored = client.post(f"/api/v1/items/{item.id}/submissions", json={"values": GOOD},
                             headers=headers)
        assert stored.status_code == 404
        assert client.post(f"/api/v1/items/{item.id}/reservation",
                           headers=headers).status_code == 404
        assert client.get(f"/api/v1/pages/{item.id}/image", headers=headers).status_code == 404
    assert session.scalar(select(func.count()).select_from(Submission)) == 0


def test_the_addresses_of_one_image_clients_answer_308(client, session, factory):
    project = factory.project()
    item = import_item(session, project, "moved")
    headers = bearer(session, factory.user())
    client.post(f"/api/v1/projects/{project.slug}/next", headers=headers)
    renewed = client.post(f"/api/v1/pages/{item.id}/reservation", headers=headers)
    assert renewed.status_code == 308
    assert renewed.headers["Location"].endswith(f"/api/v1/items/{item.id}/reservation")
    image = client.get(f"/api/v1/pages/{item.id}/image", headers=headers)
    assert image.status_code == 308
    assert image.headers["Location"].endswith(f"/api/v1/images/{item.images[0].id}")
    moved = client.post(f"/api/v1/pages/{item.id}/submissions", json={"values": GOOD},
                        headers=headers)
    assert moved.status_code == 308
    assert moved.headers["Location"].endswith(f"/api/v1/items/{item.id}/submissions")
    # Followed (method and body kept): stored once.
    stored = client.post(f"/api/v1/pages/{item.id}/submissions", json={"values": GOOD},
                         headers=headers, follow_redirects=True)
    assert stored.status_code == 201 and stored.json["item_id"] == item.id
    assert session.scalar(select(func.count()).select_from(Submission)) == 1


def test_staff_fetch_the_images_of_every_open_item(client, session, factory):
    project = factory.project()
    item = import_item(session, project, "staff")
    reserve(session, project, factory.user())  # held by somebody else
    headers = bearer(session, factory.user(Role.REVIEWER))
    for image in item.images:
        assert client.get(f"/api/v1/images/{image.id}", headers=headers).status_code == 200
