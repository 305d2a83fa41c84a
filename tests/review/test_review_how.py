"""The review screen says how each field was decided, and reads records kept before that."""
from __future__ import annotations

from crowdcat.models import Entry

AGREED = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}


def test_each_field_shows_how_it_was_decided(client, factory, rf, reviewer):
    project = factory.project()
    entry = rf.entry(project, [AGREED, AGREED | {"date": "1948-05-10", "pages": "4"}, AGREED])
    page = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert '<span class="how-decided"' in page
    assert "輸入完全相同 3/3" in page  # the title
    assert "正規化後相同 3/3" in page  # the date, typed two ways
    assert "輸入完全相同 2/3" in page  # the pages, two against one


def test_a_record_reconciled_before_how_existed_still_shows(client, factory, rf, reviewer,
                                                             session):
    project = factory.project()
    entry = rf.entry(project, [AGREED, AGREED])
    older = dict(entry.reconciled)
    older["fields"] = {key: {k: v for k, v in result.items() if k != "how"}
                       for key, result in older["fields"].items()}
    session.get(Entry, entry.id).reconciled = older
    session.commit()
    response = client.get(f"/review/entries/{entry.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<span class="how-decided"' not in page and AGREED["title"] in page
