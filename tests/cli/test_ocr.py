"""`crowdcat ocr` and `crowdcat import --ocr`, with the real default engine."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from crowdcat.models import Access, Image, ImageText, Item
from crowdcat.services.scans.storage import storage_for
from tests.factories_scans import import_image
from tests.services.ocr.conftest import HORIZONTAL, jpeg, text_image


def _readings(session, project):
    session.expire_all()
    return {row.image_id: row for row in session.scalars(
        select(ImageText).join(Image, Image.id == ImageText.image_id)
        .join(Item, Item.id == Image.item_id).where(Item.project_id == project.id))}


def test_ocr_reads_the_open_pages_names_a_bad_one_and_resumes(app, session, factory):
    project = factory.project()
    good = import_image(session, project, jpeg(text_image()), "good.jpg")
    lost = import_image(session, project, jpeg(text_image(("第二頁",))), "lost.jpg")
    secret = import_image(session, project, jpeg(text_image(("機密",))), "secret.jpg",
                         access=Access.RESTRICTED)
    storage_for(current_app.config).path(lost.image_key).unlink()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["ocr", project.slug])
    assert result.exit_code == 1, result.output
    assert f"Page {lost.item.sequence}/1 (lost.jpg): the scan's file is missing" in result.output
    assert "1 pages read; 1 could not be read." in result.output
    readings = _readings(session, project)
    assert readings[good.id].text.splitlines() == list(HORIZONTAL)
    assert readings[lost.id].lines == [] and readings[lost.id].error
    assert secret.id not in readings  # the project does not allow OCR of restricted pages

    first = readings[good.id].id
    again = runner.invoke(args=["ocr", project.slug, "--only-missing"])
    assert "0 pages read; 1 could not be read." in again.output  # only the failed one retried
    assert _readings(session, project)[good.id].id == first


def test_ocr_reads_restricted_pages_when_the_project_allows_it(app, session, factory):
    project = factory.project(ocr_restricted=True)
    secret = import_image(session, project, jpeg(text_image(("浙江省政府",))), "secret.jpg",
                         access=Access.RESTRICTED)
    result = app.test_cli_runner().invoke(args=["ocr", project.slug])
    assert result.exit_code == 0, result.output
    assert _readings(session, project)[secret.id].text == "浙江省政府"


def test_ocr_of_an_unknown_project_says_so(app):
    result = app.test_cli_runner().invoke(args=["ocr", "no-such-project"])
    assert result.exit_code != 0 and "No project with the address name no-such-project" in \
        result.output


def test_import_with_ocr_reads_the_new_pages(app, session, factory, tmp_path: Path):
    project = factory.project()
    (tmp_path / "1.jpg").write_bytes(jpeg(text_image()))
    result = app.test_cli_runner().invoke(args=["import", project.slug, str(tmp_path), "--ocr"])
    assert result.exit_code == 0, result.output
    (reading,) = _readings(session, project).values()
    assert reading.text.splitlines() == list(HORIZONTAL)
