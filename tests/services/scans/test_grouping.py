"""Import groups images into items: sub-folders, a file-name pattern, a CSV column, manifests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from crowdcat.models import AuditEvent, Item
from crowdcat.models import Image as Scan
from crowdcat.services.errors import ServiceError
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL
from crowdcat.services.scans import grouping
from crowdcat.services.scans.ingest import Importer
from crowdcat.services.scans.manifests import manifest_plan
from crowdcat.services.scans.sources import folder_plan, read_metadata
from crowdcat.services.scans.storage import storage_for
from tests.factories_scans import scan

MB = 2**20
PATTERN = grouping.compile_pattern(None)


def _import(session, project, plan, **kw):
    importer = Importer(session, project, storage_for(current_app.config))
    importer.report.notes.extend(plan.notes)
    report = importer.run(plan.sources, **kw)
    session.commit()
    return report


def _items(session, project) -> list[tuple[str, list[str]]]:
    """(reference, image names in page order) per item, in the project's order."""
    session.expire_all()
    items = session.scalars(select(Item).where(Item.project_id == project.id)
                            .order_by(Item.sequence)).all()
    return [(i.reference, [img.original_name for img in i.images]) for i in items]


def _write(folder: Path, *names: str, seed: int = 0) -> None:
    for n, name in enumerate(names):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(scan((120, 160), seed=seed + n))


def test_each_sub_folder_is_an_item_of_its_files_in_natural_order(session, factory, tmp_path):
    _write(tmp_path, "J001-2-0034-0001/p10.jpg", "J001-2-0034-0001/p2.jpg",
           "J001-2-0034-0001/p1.jpg", "J001-2-0034-0002/a.jpg", "J001-2-0034-0002/deeper/x.jpg")
    plan = folder_plan(tmp_path, 50 * MB, pattern=PATTERN)
    assert any("deeper" in note for note in plan.notes)  # not imported, and said so
    report = _import(session, factory.project(), plan)
    assert report.items == 2 and report.pages == 4
    project = session.get(Item, report.outcomes[0].item_ids[0]).project
    assert _items(session, project) == [
        ("J001-2-0034-0001", ["J001-2-0034-0001/p1.jpg", "J001-2-0034-0001/p2.jpg",
                              "J001-2-0034-0001/p10.jpg"]),
        ("J001-2-0034-0002", ["J001-2-0034-0002/a.jpg"])]


def test_a_flat_folder_is_grouped_by_reference_and_page_suffix(session, factory, tmp_path):
    _write(tmp_path, *(f"L002-001-0276-0015-{n:04d}.jpg" for n in (3, 1, 4, 2)),
           "L002-001-0276-0016-0001.jpg", "cover.jpg", seed=10)
    project = factory.project()
    plan = folder_plan(tmp_path, 50 * MB, pattern=PATTERN)
    assert any("cover.jpg" in note for note in plan.notes)  # its own item, reported
    report = _import(session, project, plan)
    assert report.items == 3 and report.pages == 6
    items = _items(session, project)
    assert items[0] == ("cover", ["cover.jpg"])
    assert items[1] == ("L002-001-0276-0015",
                        [f"L002-001-0276-0015-{n:04d}.jpg" for n in (1, 2, 3, 4)])
    assert items[2] == ("L002-001-0276-0016", ["L002-001-0276-0016-0001.jpg"])
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "pages.import",
                                                     AuditEvent.project_id == project.id)).one()
    assert event.after["items"] == 3 and event.after["images"] == 6


def test_a_custom_pattern_groups_by_its_named_groups(session, factory, tmp_path):
    _write(tmp_path, "卷3_件7_p2.png", "卷3_件7_p1.png", seed=20)
    pattern = grouping.compile_pattern(r"(?P<item>.+)_p(?P<page>\d+)")
    project = factory.project()
    _import(session, project, folder_plan(tmp_path, 50 * MB, pattern=pattern))
    assert _items(session, project) == [("卷3_件7", ["卷3_件7_p1.png", "卷3_件7_p2.png"])]


@pytest.mark.parametrize(("pattern", "message"), [
    ("(?P<item>.+", "not a valid regular expression"),
    (r"(?P<item>.+)-\d+", "group named item and a group named page"),
])
def test_a_bad_pattern_is_refused_with_the_reason(pattern, message):
    with pytest.raises(ServiceError, match=message):
        grouping.compile_pattern(pattern)


def test_a_missing_page_is_reported_and_a_page_imported_late_takes_its_place(
        session, factory, tmp_path):
    _write(tmp_path, "A-1-0001.jpg", "A-1-0002.jpg", "A-1-0004.jpg", seed=30)
    project = factory.project()
    plan = folder_plan(tmp_path, 50 * MB, pattern=PATTERN)
    assert plan.notes == ["Item A-1: page 3 is missing (it has pages 1 to 4)."]
    _import(session, project, plan)
    _write(tmp_path, "A-1-0003.jpg", seed=40)  # the missing page is found and imported
    again = folder_plan(tmp_path, 50 * MB, pattern=PATTERN)
    assert again.notes == []
    report = _import(session, project, again)
    assert report.pages == 1 and report.count("skipped") == 3
    assert _items(session, project) == [
        ("A-1", ["A-1-0001.jpg", "A-1-0002.jpg", "A-1-0003.jpg", "A-1-0004.jpg"])]


def test_a_bad_page_is_named_with_its_item(session, factory, tmp_path):
    _write(tmp_path, "B-2-0001.jpg", "B-2-0003.jpg", seed=50)
    (tmp_path / "B-2-0002.jpg").write_text("not an image")
    report = _import(session, factory.project(), folder_plan(tmp_path, 50 * MB, pattern=PATTERN))
    (bad,) = report.rejected
    assert bad.name == "B-2-0002.jpg" and bad.item == "B-2" and "accepted format" in bad.reason
    assert report.incomplete == ["B-2"]


def test_an_interrupted_grouped_import_resumes_with_pages_in_order(session, factory, tmp_path):
    _write(tmp_path, *(f"C-3-{n:04d}.jpg" for n in range(1, 6)), seed=60)
    project = factory.project()
    plan = folder_plan(tmp_path, 50 * MB, pattern=PATTERN)
    seen = []

    def crash_after_three(outcome):
        seen.append(outcome)
        if len(seen) == 3:
            raise KeyboardInterrupt

    importer = Importer(session, project, storage_for(current_app.config))
    with pytest.raises(KeyboardInterrupt):
        importer.run(plan.sources, batch=2, commit=session.commit, progress=crash_after_three)
    session.rollback()
    assert len(_items(session, project)[0][1]) == 2
    _import(session, project, folder_plan(tmp_path, 50 * MB, pattern=PATTERN))
    assert _items(session, project) == [("C-3", [f"C-3-{n:04d}.jpg" for n in range(1, 6)])]


def test_the_metadata_csv_may_name_each_files_item(session, factory, tmp_path):
    project = factory.project(fields=REPUBLIC_FILE_LEVEL)
    _write(tmp_path, "s1.jpg", "s2.jpg", "s3.jpg", "s4.jpg", seed=70)
    csv_text = ("filename,件,全宗號,案卷號\n"
                "s1.jpg,呈-1,J001,0034\ns2.jpg,呈-1,,\ns3.jpg,呈-1,,\ns4.jpg,代電-2,J001,0035\n")
    table = read_metadata(csv_text.encode("gb18030"), project)
    assert table.items == {"s1.jpg": "呈-1", "s2.jpg": "呈-1", "s3.jpg": "呈-1",
                           "s4.jpg": "代電-2"}
    _import(session, project, folder_plan(tmp_path, 50 * MB, table, PATTERN))
    assert _items(session, project) == [("呈-1", ["s1.jpg", "s2.jpg", "s3.jpg"]),
                                        ("代電-2", ["s4.jpg"])]
    first, second = session.scalars(select(Item).where(Item.project_id == project.id)
                                    .order_by(Item.sequence)).all()
    assert first.prefill == {"fonds_no": "J001", "volume_no": "0034"}
    assert second.prefill == {"fonds_no": "J001", "volume_no": "0035"}


def _v3_with_ranges(tmp_path: Path, count: int, ranges: list[list[int]] | None) -> Path:
    _write(tmp_path, *(f"img/{n}.jpg" for n in range(1, count + 1)), seed=80)
    canvases = [{"id": f"https://x.org/c{n}", "type": "Canvas", "label": {"zh": [f"頁{n}"]},
                 "items": [{"type": "AnnotationPage", "items": [
                     {"type": "Annotation", "motivation": "painting",
                      "body": {"id": f"img/{n}.jpg", "type": "Image"}}]}]}
                for n in range(1, count + 1)]
    manifest = {"@context": "http://iiif.io/api/presentation/3/context.json",
                "type": "Manifest", "label": {"zh": ["浙江省政府檔案 卷12"]}, "items": canvases}
    if ranges:
        manifest["structures"] = [{"id": "https://x.org/r0", "type": "Range",
                                   "label": {"zh": ["目錄"]}, "items": [
            {"id": f"https://x.org/r{i}", "type": "Range", "label": {"zh": [f"件{i}"]},
             "items": [{"id": f"https://x.org/c{n}", "type": "Canvas"} for n in members]}
            for i, members in enumerate(ranges, start=1)]}]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False))
    return path


def test_a_manifest_without_ranges_is_one_item(session, factory, tmp_path):
    project = factory.project()
    _import(session, project, manifest_plan(_v3_with_ranges(tmp_path, 3, None), timeout=5,
                                            max_bytes=MB))
    assert _items(session, project) == [("浙江省政府檔案 卷12",
                                         ["0001 頁1", "0002 頁2", "0003 頁3"])]


def test_a_v3_manifest_with_ranges_is_one_item_per_range(session, factory, tmp_path):
    project = factory.project()
    plan = manifest_plan(_v3_with_ranges(tmp_path, 5, [[1, 2], [3, 4]]), timeout=5,
                         max_bytes=MB)
    assert any("no range" in note for note in plan.notes)  # canvas 5
    _import(session, project, plan)
    assert _items(session, project) == [("件1", ["0001 頁1", "0002 頁2"]),
                                        ("件2", ["0003 頁3", "0004 頁4"]),
                                        ("0005 頁5", ["0005 頁5"])]


def test_a_v2_manifest_with_ranges_is_one_item_per_range(session, factory, tmp_path):
    _write(tmp_path, "a.jpg", "b.jpg", "c.jpg", seed=90)
    canvases = [{"@id": f"c{n}", "label": f"第{n}頁", "images": [{"resource": {"@id": name}}]}
                for n, name in enumerate(("a.jpg", "b.jpg", "c.jpg"), start=1)]
    manifest = {"@context": "http://iiif.io/api/presentation/2/context.json",
                "sequences": [{"canvases": canvases}],
                "structures": [{"@id": "r1", "label": "呈", "canvases": ["c1", "c2"]},
                               {"@id": "r2", "label": "公函", "canvases": ["c3"]}]}
    (tmp_path / "m.json").write_text(json.dumps(manifest, ensure_ascii=False))
    project = factory.project()
    _import(session, project, manifest_plan(tmp_path / "m.json", timeout=5, max_bytes=MB))
    assert _items(session, project) == [("呈", ["0001 第1頁", "0002 第2頁"]),
                                        ("公函", ["0003 第3頁"])]
    again = _import(session, project, manifest_plan(tmp_path / "m.json", timeout=5,
                                                    max_bytes=MB))
    assert again.pages == 0 and len(_items(session, project)) == 2  # idempotent


def test_images_keep_their_item_and_page_in_the_database(session, factory, tmp_path):
    _write(tmp_path, "D-4-0002.jpg", "D-4-0001.jpg", seed=95)
    project = factory.project()
    _import(session, project, folder_plan(tmp_path, 50 * MB, pattern=PATTERN))
    rows = session.scalars(select(Scan).where(Scan.project_id == project.id)
                           .order_by(Scan.position)).all()
    assert [(r.position, r.original_name) for r in rows] == [(1, "D-4-0001.jpg"),
                                                             (2, "D-4-0002.jpg")]
    assert len({r.item_id for r in rows}) == 1


def test_a_pdf_named_like_a_page_is_still_an_item_of_its_own():
    result = grouping.by_pattern(["L002-001-0276-0015.pdf", "L002-001-0276-0016-0001.jpg"],
                                 PATTERN)
    assert [(g.reference, [m.name for m in g.members]) for g in result.groups] == [
        ("L002-001-0276-0015", ["L002-001-0276-0015.pdf"]),
        ("L002-001-0276-0016", ["L002-001-0276-0016-0001.jpg"])]
