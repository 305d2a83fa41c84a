"""A CLI command is one unit of work: it commits when it ends well; a failure changes nothing."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from crowdcat.demo import content, images, loader
from crowdcat.models import Entry, Item, Project, Submission, User


def _count(session, model) -> int:  # noqa: ANN001
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def small_scans(monkeypatch):  # noqa: ANN001, ANN201
    """The demo with plain small scans instead of rendered pages (the same records)."""
    def render_all():  # noqa: ANN202
        for index, _record in enumerate(content.DEMO_RECORDS):
            buffer = io.BytesIO()
            Image.new("RGB", (64, 64), (index * 8, 255 - index * 8, 90)).save(buffer, "JPEG")
            yield images.filename(index).removesuffix(".jpg"), images.filename(index), \
                buffer.getvalue()

    monkeypatch.setattr(loader, "render_all", render_all)


@pytest.mark.usefixtures("small_scans")
def test_the_demo_failing_halfway_leaves_the_database_empty(app, session, monkeypatch):
    keyed = []
    key_stage = loader._key_stage  # noqa: SLF001 - wrapped to fail after some pages were keyed

    def failing_after_five(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if len(keyed) == 5:
            raise RuntimeError("the disk is full")
        keyed.append(args[2])
        return key_stage(*args, **kwargs)

    monkeypatch.setattr(loader, "_key_stage", failing_after_five)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert len(keyed) == 5  # accounts, project, pages and five pages' keying were done...
    for model in (User, Project, Item, Submission, Entry):  # ...and none of it stayed
        assert _count(session, model) == 0, model


@pytest.mark.usefixtures("small_scans")
def test_the_demo_loads_whole(app, session):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert _count(session, Project) == 2 and _count(session, Submission) > 0  # pages, lists
    assert _count(session, Entry) > 0


def test_create_token_for_nobody_changes_nothing(app, session):
    result = app.test_cli_runner().invoke(args=["create-token", "nobody@archive.org"])
    assert result.exit_code == 1
    assert _count(session, User) == 0
