"""Many volunteers at once, in threads and in processes, on SQLite and PostgreSQL."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from crowdcat.extensions import db
from crowdcat.models import Item, Reservation, Submission
from crowdcat.services.accounts import tokens as api_tokens
from tests.services.keying.workers import volunteer

WORKERS = 4
USERS_PER_WORKER = 3


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_no_page_exceeds_its_maximum_and_nobody_holds_two_pages(session, factory, mode):
    project = factory.project(agree_needed=2, max_submissions=3)
    pages = [factory.item(project, sequence=n) for n in range(1, 7)]
    users = [factory.user() for _ in range(WORKERS * USERS_PER_WORKER)]
    tokens = {u.id: api_tokens.create(session, u)[1] for u in users}
    # Worker 0 shares its first volunteer with worker 1: the same person in two tabs.
    groups = [[u.id for u in users[i::WORKERS]] for i in range(WORKERS)]
    groups[1].insert(0, groups[0][0])
    url = db.engine.url.render_as_string(hide_password=False)
    session.commit()

    if mode == "threads":
        pool = ThreadPoolExecutor(WORKERS)
    else:
        pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"))
    with pool:
        futures = [pool.submit(volunteer, url, project.id, group, seed, tokens)
                   for seed, group in enumerate(groups)]
        results = [f.result(timeout=240) for f in futures]

    totals = {k: sum(r[k] for r in results) for k in results[0]}
    assert totals["double_hold"] == 0
    assert totals["overfull"] == 0  # never more holds than a page still wants
    assert totals["resume_mismatch"] == 0
    assert totals["refused"] == 0  # a live reservation always keeps its slot
    assert totals["keyed"] > len(pages)
    session.expire_all()
    for page in session.scalars(select(Item).where(Item.project_id == project.id)):
        keyed = session.scalar(select(func.count()).select_from(Submission).where(
            Submission.item_id == page.id))
        assert keyed == page.submission_count <= page.wanted <= project.max_submissions
    assert session.scalar(select(func.count()).select_from(Reservation)) == 0
