"""Scan images over HTTP: access-controlled, cached with ETags, IIIF level 1 for the viewer."""
from __future__ import annotations

import io
import shutil
from datetime import timedelta

import pytest
from flask import current_app
from PIL import Image

from crowdcat.models import Access, ProjectStatus, Role, utcnow
from crowdcat.services.scans import derivatives
from crowdcat.services.scans.storage import storage_for
from tests.factories_keying import assign, key, reserve
from tests.factories_scans import import_image, scan

ROUTES = ("/scans/{id}/image", "/scans/{id}/thumbnail", "/iiif/{id}/info.json",
          "/iiif/{id}/full/200,/0/default.jpg")


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(response.data))


@pytest.fixture
def scan_page(session, factory):
    return import_image(session, factory.project(), scan((1500, 2100), seed=1), "p.jpg")


@pytest.fixture
def holder(session, factory, scan_page):
    """A volunteer to whom assignment gave scan_page."""
    user = factory.user()
    assign(session, scan_page.item, user)
    return user


def test_volunteer_gets_web_image_and_thumbnail_with_cache_headers(client, auth, holder,
                                                                   scan_page):
    auth.login(holder.email)
    web = client.get(f"/scans/{scan_page.id}/image")
    assert web.status_code == 200 and web.mimetype == "image/jpeg"
    assert max(_image(web).size) == 1600
    assert "private" in web.headers["Cache-Control"] and "max-age=2592000" in web.headers[
        "Cache-Control"]
    assert "public" not in web.headers["Cache-Control"]
    thumb = client.get(f"/scans/{scan_page.id}/thumbnail")
    assert max(_image(thumb).size) == 240
    assert thumb.headers["ETag"] != web.headers["ETag"]

    again = client.get(f"/scans/{scan_page.id}/image",
                       headers={"If-None-Match": web.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_restricted_images_are_hidden_from_volunteers_and_shown_to_staff(
        session, client, auth, factory):
    project = factory.project()
    page = import_image(session, project, scan(seed=2), "secret.jpg", access=Access.RESTRICTED)
    auth.login(factory.user().email)
    for route in ROUTES:
        assert client.get(route.format(id=page.id)).status_code == 404, route
    auth.logout()
    auth.login(factory.user(Role.REVIEWER).email)
    for route in ROUTES:
        assert client.get(route.format(id=page.id)).status_code == 200, route


def test_pages_of_inactive_projects_and_unknown_pages_are_not_found(session, client, auth,
                                                                    factory):
    page = import_image(session, factory.project(status=ProjectStatus.DRAFT), scan(seed=3))
    auth.login(factory.user().email)
    assert client.get(f"/scans/{page.id}/image").status_code == 404
    assert client.get("/scans/999999/image").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, scan_page):
    response = client.get(f"/scans/{scan_page.id}/image")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_original_is_for_staff_only(client, auth, factory, holder, scan_page):
    auth.login(holder.email)
    assert client.get(f"/scans/{scan_page.id}/original").status_code == 404
    auth.logout()
    auth.login(factory.user(Role.ADMIN).email)
    original = client.get(f"/scans/{scan_page.id}/original")
    assert original.status_code == 200 and original.mimetype == "image/jpeg"
    assert original.data == storage_for(current_app.config).path(
        scan_page.image_key).read_bytes()
    original.close()


def test_iiif_info_describes_a_level_1_tiled_image(client, auth, holder, scan_page):
    auth.login(holder.email)
    info = client.get(f"/iiif/{scan_page.id}/info.json").get_json()
    assert info["profile"] == "level1" and info["type"] == "ImageService3"
    assert (info["width"], info["height"]) == (1500, 2100)
    assert info["id"].endswith(f"/iiif/{scan_page.id}")
    assert info["tiles"] == [{"width": 512, "scaleFactors": [1, 2, 4, 8]}]


def test_iiif_tiles_are_cut_from_the_scan_and_cached(client, auth, holder, scan_page):
    auth.login(holder.email)
    base = f"/iiif/{scan_page.id}"
    tile = client.get(f"{base}/0,0,1024,1024/512,512/0/default.jpg")
    assert tile.status_code == 200 and _image(tile).size == (512, 512)
    # The dark corner block of the scan (top left tenth) is in the first tile.
    assert _image(tile).convert("L").getpixel((10, 10)) < 80
    edge = client.get(f"{base}/1024,2048,476,52/238,26/0/default.jpg")
    assert _image(edge).size == (238, 26)
    odd = client.get(f"{base}/100,100,300,200/150,/0/default.jpg")
    assert _image(odd).size == (150, 100)
    # Off-grid requests are rendered but not cached (they could fill the disk).
    store = derivatives.store_for(storage_for(current_app.config))
    cached = {p.name for p in store.path(scan_page.content_hash, "x").parent.iterdir()}
    assert "tile-0-0-1024-1024-512-512.jpg" in cached
    assert not any(name.startswith("tile-100-100") for name in cached)
    whole = client.get(f"{base}/full/max/0/default.jpg")
    assert _image(whole).size == (1500, 2100)
    repeat = client.get(f"{base}/0,0,1024,1024/512,512/0/default.jpg",
                        headers={"If-None-Match": tile.headers["ETag"]})
    assert repeat.status_code == 304


@pytest.mark.parametrize("path", [
    "full/max/90/default.jpg", "full/max/0/default.png", "full/max/0/bitonal.jpg",
    "full/3000,/0/default.jpg", "5000,0,10,10/10,/0/default.jpg", "0,0,0,10/max/0/default.jpg",
    "pct:10,10,10,10/max/0/default.jpg", "full/abc,/0/default.jpg",
])
def test_requests_beyond_level_1_are_bad_requests(client, auth, holder, scan_page, path):
    auth.login(holder.email)
    assert client.get(f"/iiif/{scan_page.id}/{path}").status_code == 400


def test_lost_derivatives_are_made_again(client, auth, holder, scan_page):
    store = derivatives.store_for(storage_for(current_app.config))
    shutil.rmtree(store.path(scan_page.content_hash, "web").parent)
    auth.login(holder.email)
    assert client.get(f"/scans/{scan_page.id}/image").status_code == 200
    assert store.get(scan_page.content_hash, "web") is not None


def test_non_jpeg_scans_are_tiled_from_a_master(session, client, auth, factory):
    out = io.BytesIO()
    Image.new("I;16", (700, 900), 50000).save(out, "TIFF")
    page = import_image(session, factory.project(), out.getvalue(), "deep.tif")
    volunteer = factory.user()
    assign(session, page.item, volunteer)
    auth.login(volunteer.email)
    tile = client.get(f"/iiif/{page.id}/0,0,512,512/512,512/0/default.jpg")
    assert tile.status_code == 200 and 185 <= _image(tile).getpixel((5, 5)) <= 200


ALL_ROUTES = (*ROUTES, "/iiif/{id}", "/scans/{id}/original")


def test_a_volunteer_stepping_ids_finds_only_the_pages_given_to_them(session, client, auth,
                                                                      factory):
    project = factory.project(agree_needed=1, max_submissions=1)
    pages = [import_image(session, project, scan(seed=10 + n), f"p{n}.jpg") for n in range(3)]
    volunteer, other = factory.user(), factory.user()
    held = reserve(session, project, volunteer).images[0]
    others = reserve(session, project, other).images[0]
    never = next(p for p in pages if p.id not in (held.id, others.id))
    auth.login(volunteer.email)
    for route in ALL_ROUTES:
        for page in (others, never):  # held by someone else; given to nobody
            assert client.get(route.format(id=page.id)).status_code == 404, route
        assert client.get(route.format(id=max(p.id for p in pages) + 1)).status_code == 404
    for route in ROUTES:
        assert client.get(route.format(id=held.id)).status_code == 200, route
    assert client.get(f"/iiif/{held.id}").status_code == 303
    assert client.get(f"/scans/{held.id}/original").status_code == 404  # staff only
    auth.logout()
    auth.login(factory.user(Role.REVIEWER).email)
    for route in ALL_ROUTES:
        assert client.get(route.format(id=never.id)).status_code in (200, 303), route


def test_a_volunteer_keeps_seeing_pages_they_keyed_or_whose_hold_expired(session, client, auth,
                                                                          factory):
    project = factory.project(reservation_minutes=1)
    first, second = (import_image(session, project, scan(seed=20 + n), f"k{n}.jpg")
                     for n in range(2))
    volunteer = factory.user()
    keyed = reserve(session, project, volunteer)
    key(session, keyed, volunteer)  # the hold ends with the submission
    lapsed = reserve(session, project, volunteer, now=utcnow() - timedelta(hours=1))
    keyed, lapsed = keyed.images[0], lapsed.images[0]
    assert {keyed.id, lapsed.id} == {first.id, second.id}
    auth.login(volunteer.email)
    for route in ROUTES:
        for page in (keyed, lapsed):
            assert client.get(route.format(id=page.id)).status_code == 200, route


def test_a_hold_does_not_open_a_page_the_crowd_may_no_longer_see(session, client, auth,
                                                                  factory, holder, scan_page):
    auth.login(holder.email)
    assert client.get(f"/scans/{scan_page.id}/image").status_code == 200
    scan_page.item.access = Access.RESTRICTED  # directly: the hold stays
    session.commit()
    for route in ALL_ROUTES:
        assert client.get(route.format(id=scan_page.id)).status_code == 404, route
