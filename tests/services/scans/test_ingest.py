"""Importing scans: whole files or nothing, idempotent, ordered, with metadata and manifests."""
from __future__ import annotations

import io
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import select

from crowdcat.models import Access, AuditEvent, Item
from crowdcat.models import Image as Scan
from crowdcat.services.errors import ServiceError
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL
from crowdcat.services.scans import derivatives
from crowdcat.services.scans.ingest import Importer, Source, natural_key
from crowdcat.services.scans.manifests import manifest_plan
from crowdcat.services.scans.sources import folder_sources, read_metadata
from crowdcat.services.scans.storage import storage_for
from tests.factories_scans import scan

MB = 2**20


def _importer(session, project, **kw) -> Importer:
    return Importer(session, project, storage_for(current_app.config), **kw)


def _pages(session, project) -> list[Item]:
    return list(session.scalars(select(Item).where(Item.project_id == project.id)
                                .order_by(Item.sequence)))


def _images(session, project) -> list[Scan]:
    """The project's images in item and page order."""
    return list(session.scalars(select(Scan).join(Item, Item.id == Scan.item_id)
                                .where(Item.project_id == project.id)
                                .order_by(Item.sequence, Scan.position)))


def _multipage_tiff(count: int) -> bytes:
    pages = [Image.new("L", (300, 420), 60 + 40 * i) for i in range(count)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    return out.getvalue()


@pytest.fixture
def scans_folder(tmp_path: Path) -> Path:
    """Good scans with names that sort differently as text and as numbers, and bad files."""
    folder = tmp_path / "box-12"
    folder.mkdir()
    for n in (1, 2, 10):
        (folder / f"scan-{n}.jpg").write_bytes(scan(seed=n))
    (folder / "scan-3.tif").write_bytes(_multipage_tiff(2))
    (folder / "notes.jpg").write_text("not an image")
    good = scan(seed=99)
    (folder / "scan-4-truncated.jpg").write_bytes(good[: len(good) // 2])
    (folder / ".DS_Store").write_bytes(b"\0\0")
    return folder


def test_a_folder_imports_the_good_files_in_natural_order_and_names_the_bad(
        session, factory, scans_folder):
    project = factory.project()
    report = _importer(session, project).run(folder_sources(scans_folder, 50 * MB))
    session.commit()

    names = [p.original_name for p in _images(session, project)]
    assert names == ["scan-1.jpg", "scan-2.jpg", "scan-3.tif#1/2", "scan-3.tif#2/2",
                     "scan-10.jpg"]
    # The two-page TIFF is one item of two images.
    assert [(i.item.sequence, i.position) for i in _images(session, project)] == [
        (1, 1), (2, 1), (3, 1), (3, 2), (4, 1)]
    assert [p.reference for p in _pages(session, project)] == [
        "scan-1", "scan-2", "scan-3", "scan-10"]
    bad = {o.name: o.reason for o in report.rejected}
    assert set(bad) == {"notes.jpg", "scan-4-truncated.jpg"}
    assert "accepted format" in bad["notes.jpg"] and "truncated" in bad["scan-4-truncated.jpg"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "pages.import")).one()
    assert event.after["images"] == 5 and event.after["items"] == 4
    assert event.after["rejected"] == 2


def test_pages_record_size_hash_name_and_access_and_have_derivatives(session, factory):
    project = factory.project()
    data = scan((640, 900), seed=5)
    outcome = _importer(session, project, access=Access.RESTRICTED).import_one(
        Source("a.jpg", lambda: data))
    page = session.get(Scan, outcome.image_ids[0])
    assert (page.width, page.height, page.byte_size) == (640, 900, len(data))
    assert page.item.access == Access.RESTRICTED and page.original_name == "a.jpg"
    storage = storage_for(current_app.config)
    assert storage.path(page.image_key).read_bytes() == data  # the original, byte for byte
    store = derivatives.store_for(storage)
    for variant, box in ((derivatives.WEB, 1600), (derivatives.THUMB, 240)):
        with Image.open(store.get(page.content_hash, variant).path) as image:
            assert image.format == "JPEG" and max(image.size) <= box


def test_reimporting_is_idempotent_by_content_hash(session, factory, scans_folder):
    project = factory.project()
    _importer(session, project).run(folder_sources(scans_folder, 50 * MB))
    session.commit()
    again = _importer(session, project).run(folder_sources(scans_folder, 50 * MB))
    session.commit()
    assert len(_images(session, project)) == 5 and len(_pages(session, project)) == 4
    assert again.pages == 0 and again.count("skipped") == 4 and len(again.rejected) == 2


def test_the_same_scan_may_be_in_two_projects(session, factory):
    data = scan(seed=7)
    for project in (factory.project(), factory.project()):
        assert _importer(session, project).import_one(Source("x.jpg", lambda: data)).pages == 1


def test_an_interrupted_import_resumes_where_it_stopped(session, factory, scans_folder):
    project = factory.project()
    sources = folder_sources(scans_folder, 50 * MB)
    seen = []

    def crash_after_three(outcome):
        seen.append(outcome)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _importer(session, project).run(sources, batch=2, commit=session.commit,
                                        progress=crash_after_three)
    session.rollback()
    # The first batch (notes.jpg, rejected, and scan-1.jpg) was committed.
    assert [p.original_name for p in _images(session, project)] == ["scan-1.jpg"]
    _importer(session, project).run(folder_sources(scans_folder, 50 * MB), commit=session.commit)
    names = [p.original_name for p in _images(session, project)]
    assert names == ["scan-1.jpg", "scan-2.jpg", "scan-3.tif#1/2", "scan-3.tif#2/2",
                     "scan-10.jpg"]


def test_a_file_over_the_size_cap_is_refused(session, factory, tmp_path):
    (tmp_path / "big.jpg").write_bytes(scan((1200, 1600), seed=8))
    report = _importer(session, factory.project()).run(folder_sources(tmp_path, 10_000))
    assert "larger than" in report.rejected[0].reason


def test_a_bomb_in_a_folder_is_refused_and_nothing_is_added(session, factory):
    project = factory.project()
    outcome = _importer(session, project, max_pixels=100_000).import_one(
        Source("huge.png", lambda: scan((400, 400), "PNG")))
    assert outcome.status == "rejected" and "megapixels" in outcome.reason
    assert _pages(session, project) == []


def test_natural_order():
    names = ["p10.jpg", "p2.jpg", "P1.jpg", "p1a.jpg", "卷3-10.tif", "卷3-9.tif"]
    assert sorted(names, key=natural_key) == [
        "P1.jpg", "p1a.jpg", "p2.jpg", "p10.jpg", "卷3-9.tif", "卷3-10.tif"]


def test_metadata_csv_prefills_reference_parts(session, factory, tmp_path):
    project = factory.project(fields=REPUBLIC_FILE_LEVEL)
    csv_text = "filename,全宗號,目錄號,案卷號\nscan-1.jpg,J001,2,0034\nscan-2.jpg,J001,2,\n"
    table = read_metadata(csv_text.encode("gb18030"), project)
    (tmp_path / "scan-1.jpg").write_bytes(scan(seed=11))
    (tmp_path / "scan-2.jpg").write_bytes(scan(seed=12))
    _importer(session, project).run(folder_sources(tmp_path, 50 * MB, table))
    first, second = _pages(session, project)
    assert first.prefill == {"fonds_no": "J001", "catalog_no": "2", "volume_no": "0034"}
    assert second.prefill == {"fonds_no": "J001", "catalog_no": "2"}


@pytest.mark.parametrize(("text", "message"), [
    ("name,全宗號\na.jpg,1\n", "filename column"),
    ("filename,shelf\na.jpg,1\n", "matches no field"),
    ("filename,全宗號\na.jpg\n", "Line 2"),
    ("", "empty"),
])
def test_bad_metadata_csv_is_refused_with_the_reason(factory, text, message):
    project = factory.project(fields=REPUBLIC_FILE_LEVEL)
    with pytest.raises(ServiceError, match=message):
        read_metadata(text.encode(), project)


def _write_images(folder: Path, count: int) -> list[str]:
    names = []
    for n in range(count):
        (folder / "img").mkdir(exist_ok=True)
        (folder / "img" / f"f{n}.png").write_bytes(scan((300, 400), "PNG", seed=20 + n))
        names.append(f"img/f{n}.png")
    return names


def test_iiif_v2_manifest_from_local_files_keeps_the_manifest_order(session, factory, tmp_path):
    names = _write_images(tmp_path, 3)
    order = [names[2], names[0], names[1]]
    manifest = {"@context": "http://iiif.io/api/presentation/2/context.json",
                "@type": "sc:Manifest", "sequences": [{"canvases": [
                    {"label": f"第{i + 1}頁", "images": [{"resource": {"@id": name}}]}
                    for i, name in enumerate(order)]}]}
    (tmp_path / "m.json").write_text(json.dumps(manifest, ensure_ascii=False))
    project = factory.project()
    report = _importer(session, project).run(
        manifest_plan(tmp_path / "m.json", timeout=5, max_bytes=50 * MB).sources)
    assert report.pages == 3
    storage = storage_for(current_app.config)
    stored = [storage.path(p.image_key).read_bytes() for p in _images(session, project)]
    assert stored == [(tmp_path / n).read_bytes() for n in order]
    assert [p.original_name for p in _images(session, project)][0] == "0001 第1頁"


def _v3(ids: list[str]) -> dict:
    return {"@context": "http://iiif.io/api/presentation/3/context.json", "type": "Manifest",
            "items": [{"id": f"c{i}", "type": "Canvas", "label": {"zh": [f"頁{i}"]},
                       "items": [{"type": "AnnotationPage", "items": [
                           {"type": "Annotation", "motivation": "painting",
                            "body": {"id": ident, "type": "Image"}}]}]}
                      for i, ident in enumerate(ids)]}


@pytest.fixture
def local_http(tmp_path: Path):
    """A static file server on 127.0.0.1 serving tmp_path."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: ANN002
        pass


def test_iiif_v3_manifest_with_urls_and_a_missing_image(session, factory, tmp_path, local_http):
    names = _write_images(tmp_path, 2)
    ids = [f"{local_http}/{names[0]}", f"{local_http}/img/missing.png", names[1]]
    (tmp_path / "m3.json").write_text(json.dumps(_v3(ids)))
    project = factory.project()
    report = _importer(session, project).run(
        manifest_plan(tmp_path / "m3.json", timeout=5, max_bytes=50 * MB).sources)
    assert report.pages == 2
    assert len(report.rejected) == 1 and "404" in report.rejected[0].reason


def test_manifest_images_may_not_leave_the_manifest_folder(session, factory, tmp_path):
    (tmp_path / "m3.json").write_text(json.dumps(_v3(["../../etc/passwd"])))
    report = _importer(session, factory.project()).run(
        manifest_plan(tmp_path / "m3.json", timeout=5, max_bytes=MB).sources)
    assert "outside the manifest" in report.rejected[0].reason


def test_url_downloads_are_capped(session, factory, tmp_path, local_http):
    names = _write_images(tmp_path, 1)
    (tmp_path / "m3.json").write_text(json.dumps(_v3([f"{local_http}/{names[0]}"])))
    report = _importer(session, factory.project()).run(
        manifest_plan(tmp_path / "m3.json", timeout=5, max_bytes=1000).sources)
    assert "larger than" in report.rejected[0].reason


@pytest.mark.parametrize("content", ["{not json", '{"@context": "x"}', "[]"])
def test_a_file_that_is_not_a_manifest_is_refused(tmp_path, content):
    (tmp_path / "m.json").write_text(content)
    with pytest.raises(ServiceError):
        manifest_plan(tmp_path / "m.json", timeout=5, max_bytes=MB)
