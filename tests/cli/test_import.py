"""`crowdcat import` and `crowdcat import-manifest` on real files."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from crowdcat.models import Access, Item
from crowdcat.models import Image as Scan
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL
from tests.factories_scans import scan


def _pages(session, project):
    session.expire_all()
    return session.scalars(select(Item).where(Item.project_id == project.id)
                           .order_by(Item.sequence)).all()


def _images(session, project):
    session.expire_all()
    return session.scalars(select(Scan).join(Item, Item.id == Scan.item_id)
                           .where(Item.project_id == project.id)
                           .order_by(Item.sequence, Scan.position)).all()


def test_import_a_folder_with_bad_files(app, session, factory, tmp_path: Path):
    project = factory.project(fields=REPUBLIC_FILE_LEVEL)
    for n in (1, 2, 10):
        (tmp_path / f"{n}.jpg").write_bytes(scan((200, 280), seed=n))
    (tmp_path / "readme.jpg").write_text("hello")
    (tmp_path / "meta.csv").write_text("filename,全宗號,案卷號\n10.jpg,J1,7\n", encoding="utf-8")
    folder = tmp_path
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", project.slug, str(folder), "--restricted",
                                 "--metadata", str(tmp_path / "meta.csv")])
    assert result.exit_code == 1
    assert "readme.jpg: Not an image in an accepted format" in result.output
    assert "meta.csv:" in result.output  # the CSV in the folder is not a scan either
    assert "3 images added to 3 items from 3 files" in result.output
    pages = _pages(session, project)
    assert [i.original_name for i in _images(session, project)] == ["1.jpg", "2.jpg", "10.jpg"]
    assert {p.access for p in pages} == {Access.RESTRICTED}
    assert pages[2].prefill == {"fonds_no": "J1", "volume_no": "7"}

    again = runner.invoke(args=["import", project.slug, str(folder)])
    assert "0 images added to 0 items from 0 files; 3 files already imported" in again.output
    assert len(_pages(session, project)) == 3


def test_import_a_clean_folder_exits_zero(app, session, factory, tmp_path: Path):
    project = factory.project()
    (tmp_path / "a.jpg").write_bytes(scan(seed=1))
    result = app.test_cli_runner().invoke(args=["import", project.slug, str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_unknown_project_and_bad_metadata_change_nothing(app, session, factory, tmp_path):
    (tmp_path / "a.jpg").write_bytes(scan(seed=1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "nope", str(tmp_path)])
    assert result.exit_code != 0 and "No project" in result.output
    project = factory.project()
    (tmp_path / "m.csv").write_text("filename,shelf\na.jpg,3\n")
    result = runner.invoke(args=["import", project.slug, str(tmp_path),
                                 "--metadata", str(tmp_path / "m.csv")])
    assert result.exit_code != 0 and "shelf" in result.output
    assert _pages(session, project) == []


def test_import_manifest(app, session, factory, tmp_path: Path):
    project = factory.project()
    (tmp_path / "p1.png").write_bytes(scan((200, 280), "PNG", seed=1))
    (tmp_path / "p2.webp").write_bytes(scan((200, 280), "WEBP", seed=2))
    manifest = {"@context": "http://iiif.io/api/presentation/2/context.json",
                "sequences": [{"canvases": [
                    {"label": "二", "images": [{"resource": {"@id": "p2.webp"}}]},
                    {"label": "一", "images": [{"resource": {"@id": "p1.png"}}]}]}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    result = app.test_cli_runner().invoke(
        args=["import-manifest", project.slug, str(tmp_path / "manifest.json")])
    assert result.exit_code == 0, result.output
    assert [i.original_name for i in _images(session, project)] == ["0001 二", "0002 一"]


def test_import_groups_pages_into_items_and_reports_a_missing_page(app, session, factory,
                                                                    tmp_path: Path):
    project = factory.project()
    for n in (1, 2, 4):
        (tmp_path / f"L002-001-0276-0015-{n:04d}.jpg").write_bytes(scan((200, 280), seed=n))
    (tmp_path / "J1-0002").mkdir()
    for n in (1, 2):
        (tmp_path / "J1-0002" / f"{n}.jpg").write_bytes(scan((200, 280), seed=10 + n))
    runner = app.test_cli_runner()
    preview = runner.invoke(args=["import", project.slug, str(tmp_path), "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "L002-001-0276-0015: 3 pages" in preview.output and "J1-0002: 2 pages" in \
        preview.output
    assert "Item L002-001-0276-0015: page 3 is missing" in preview.output
    assert _images(session, project) == []

    result = runner.invoke(args=["import", project.slug, str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Warning: Item L002-001-0276-0015: page 3 is missing" in result.output
    assert "5 images added to 2 items from 5 files" in result.output
    assert [(p.reference, len(p.images)) for p in _pages(session, project)] == [
        ("J1-0002", 2), ("L002-001-0276-0015", 3)]


def test_import_one_item_per_file_and_a_bad_pattern(app, session, factory, tmp_path: Path):
    project = factory.project()
    for n in (1, 2):
        (tmp_path / f"A-1-{n:04d}.jpg").write_bytes(scan((200, 280), seed=n))
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["import", project.slug, str(tmp_path), "--pattern", "(?P<x>.)"])
    assert bad.exit_code != 0 and "group named item" in bad.output
    result = runner.invoke(args=["import", project.slug, str(tmp_path), "--one-item-per-file"])
    assert "2 images added to 2 items" in result.output


def test_import_manifest_with_ranges_counts_items(app, session, factory, tmp_path: Path):
    project = factory.project()
    for n in (1, 2, 3):
        (tmp_path / f"p{n}.jpg").write_bytes(scan((200, 280), seed=n))
    manifest = {"@context": "http://iiif.io/api/presentation/2/context.json",
                "sequences": [{"canvases": [
                    {"@id": f"c{n}", "label": f"p{n}",
                     "images": [{"resource": {"@id": f"p{n}.jpg"}}]}
                    for n in (1, 2, 3)]}],
                "structures": [{"@id": "r1", "label": "呈", "canvases": ["c1", "c2", "c3"]}]}
    (tmp_path / "m.json").write_text(json.dumps(manifest, ensure_ascii=False))
    result = app.test_cli_runner().invoke(
        args=["import-manifest", project.slug, str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    assert "3 images added to 1 items from 3 files" in result.output


def test_import_a_pdf_of_scans_as_one_item(app, session, factory, tmp_path: Path):
    from PIL import Image

    pages = [Image.new("RGB", (200, 280), (230 - 40 * i, 220, 200)) for i in range(2)]
    pages[0].save(tmp_path / "公函.pdf", "PDF", save_all=True, append_images=pages[1:])
    project = factory.project()
    result = app.test_cli_runner().invoke(args=["import", project.slug, str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 images added to 1 items from 1 files" in result.output
    assert [(p.reference, len(p.images)) for p in _pages(session, project)] == [("公函", 2)]
