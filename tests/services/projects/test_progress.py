"""A project's progress: items counted once each (a list item too), approved entries counted."""
from __future__ import annotations

from crowdcat.models import Item, Role
from crowdcat.services.projects.progress import project_progress
from crowdcat.services.review import lists
from tests.factories_keying import GOOD, assign, key
from tests.factories_lists import LIST_FIELDS, key_list


def _keyed_list(session, factory, project):  # noqa: ANN001, ANN202
    item = factory.item(project)
    for _ in range(2):
        user = factory.user()
        assign(session, item, user)
        key_list(session, item, user)  # three rows
    return session.get(Item, item.id)


def test_a_list_item_is_one_item_of_the_progress_and_its_rows_are_entries(session, factory):
    project = factory.project(fields=LIST_FIELDS)
    approved = _keyed_list(session, factory, project)
    _keyed_list(session, factory, project)  # its three rows wait for review: one item
    factory.item(project)  # never keyed
    versions = {e.row: e.version for e in lists.item_entries(session, approved)}
    lists.approve_list(session, approved, factory.user(Role.REVIEWER), versions)
    session.commit()
    progress = project_progress(session, [project.id])[project.id]
    assert progress.total == 3
    assert (progress.counts["new"], progress.counts["review"], progress.counts["approved"]) == (
        1, 1, 1)
    assert progress.done_percent == 33
    assert progress.entries == 3  # the approved list's three rows


def test_a_normal_project_counts_one_entry_per_approved_item(session, factory):
    project = factory.project()
    item = factory.item(project)
    for _ in range(2):
        user = factory.user()
        assign(session, item, user)
        key(session, item, user, GOOD)
    progress = project_progress(session, [project.id])[project.id]
    assert progress.total == 1 and progress.counts["review"] == 1 and progress.entries == 0
