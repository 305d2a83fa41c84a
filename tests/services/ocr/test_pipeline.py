"""Reading pages and storing the readings, on both databases."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from crowdcat.models import Access, ImageText
from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine
from crowdcat.services.scans import derivatives
from crowdcat.services.scans.storage import storage_for
from tests.factories_scans import import_image
from tests.services.ocr.conftest import HORIZONTAL, jpeg, text_image


def _read(session, page):
    storage = storage_for(current_app.config)
    row = pipeline.read_page(session, storage, page, get_engine(DEFAULT_ENGINE))
    session.commit()
    return row


def test_a_page_is_read_and_its_lines_stored_with_the_model_version(session, factory):
    page = import_image(session, factory.project(), jpeg(text_image()), "known.jpg")
    row = _read(session, page)
    session.expire_all()
    stored = session.scalars(select(ImageText).where(ImageText.image_id == page.id)).one()
    assert stored.id == row.id and stored.error is None
    assert stored.text.splitlines() == list(HORIZONTAL)
    assert [line["text"] for line in stored.lines] == list(HORIZONTAL)
    assert len(stored.lines[0]["box"]) == 4 and len(stored.lines[0]["polygon"]) == 4
    assert "PP-OCRv6_rec_small" in stored.model_version and stored.engine == DEFAULT_ENGINE

    _read(session, page)  # a rerun replaces the reading
    assert len(session.scalars(select(ImageText).where(ImageText.image_id == page.id)).all()) == 1


def test_a_page_whose_file_is_gone_gets_an_empty_reading_and_a_logged_reason(session, factory,
                                                                            caplog):
    # Scans are stored by content: an image no other test uses, since this one loses its file.
    page = import_image(session, factory.project(), jpeg(text_image(("杭州市政府呈",))),
                       "lost.jpg")
    storage = storage_for(current_app.config)
    storage.path(page.image_key).unlink()
    master = derivatives.store_for(storage).get(page.content_hash, derivatives.MASTER)
    if master:
        master.path.unlink()
    with caplog.at_level(logging.WARNING, logger="crowdcat.services.ocr.pipeline"):
        row = _read(session, page)
    assert row.lines == [] and row.text == "" and "missing" in row.error
    assert f"OCR of page {page.id} (lost.jpg) gave no text" in caplog.text


def test_a_damaged_file_gets_an_empty_reading_and_a_reason(session, factory, caplog):
    page = import_image(session, factory.project(), jpeg(text_image(("財政部咨文",))),
                       "damaged.jpg")
    path = storage_for(current_app.config).path(page.image_key)
    path.write_bytes(path.read_bytes()[:300])
    with caplog.at_level(logging.WARNING, logger="crowdcat.services.ocr.pipeline"):
        row = _read(session, page)
    assert row.lines == [] and "could not be decoded" in row.error
    assert "damaged.jpg" in caplog.text


def test_restricted_pages_are_read_only_if_the_project_allows_it(session, factory):
    project = factory.project()
    open_page = import_image(session, project, jpeg(text_image()), "open.jpg")
    secret = import_image(session, project, jpeg(text_image(("機密",))), "secret.jpg",
                         access=Access.RESTRICTED)
    assert pipeline.pages_to_read(session, project, DEFAULT_ENGINE) == [open_page.id]
    assert not pipeline.may_read(project, secret.item)
    project.ocr_restricted = True
    session.commit()
    assert pipeline.pages_to_read(session, project, DEFAULT_ENGINE) == [open_page.id, secret.id]
    assert pipeline.may_read(project, secret.item)


def test_only_missing_leaves_out_pages_read_and_retries_failures(session, factory):
    project = factory.project()
    done = import_image(session, project, jpeg(text_image()), "done.jpg")
    failed = import_image(session, project, jpeg(text_image(("又一頁",))), "failed.jpg")
    todo = import_image(session, project, jpeg(text_image(("第三頁",))), "todo.jpg")
    engine = get_engine(DEFAULT_ENGINE)
    pipeline.store(session, done, engine, pipeline.Reading(lines=[]))
    pipeline.store(session, failed, engine, pipeline.Reading(error="engine failed"))
    session.commit()
    assert pipeline.pages_to_read(session, project, DEFAULT_ENGINE, only_missing=True) == [
        failed.id, todo.id]
    assert pipeline.pages_to_read(session, project, "tesseract", only_missing=True) == [
        done.id, failed.id, todo.id]
