"""Re-reconciling a list project after a rule change: its rows counted one by one."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.models import Entry, EntryStatus
from crowdcat.services.reconciliation import rereconcile
from crowdcat.services.reconciliation.rules import rules_for
from tests.factories_keying import assign
from tests.factories_lists import LIST_FIELDS, ROWS, key_list

VARIANT_TITLES = ("爲請撥電話綫經費事呈", "為請撥電話線經費事呈")


def _entries(session, item):  # noqa: ANN001, ANN202
    return list(session.scalars(select(Entry).where(Entry.item_id == item.id)
                                .order_by(Entry.row)))


def _run(session, project):  # noqa: ANN001, ANN202
    run, _last = rereconcile.rereconcile_batch(session, project, rules_for(project), 0, 100)
    session.commit()
    return run


def test_a_rule_change_counts_each_rows_changed_decision_and_each_moved_row(session, factory):
    project = factory.project(fields=LIST_FIELDS, agree_needed=2, max_submissions=2)
    item = factory.item(project)
    for title in VARIANT_TITLES:  # row 2's title in two variant forms: a conflict
        user = factory.user()
        assign(session, item, user)
        key_list(session, item, user, rows=[ROWS[0], ROWS[1] | {"title": title}, ROWS[2]])
    assert [e.status for e in _entries(session, item)] == [EntryStatus.CONFLICT] * 3
    title = next(spec for spec in project.fields if spec.key == "title")
    title.options = {**title.options, "fold_forms": True}
    session.commit()

    run = _run(session, project)
    assert (run.items, run.changed, run.moved) == (1, 1, 3)
    assert [e.status for e in _entries(session, item)] == [EntryStatus.REVIEW] * 3
    assert (_run(session, project).changed, _run(session, project).moved) == (0, 0)


def test_a_row_no_longer_found_counts_its_fields_as_changed(session, factory):
    project = factory.project(fields=LIST_FIELDS, agree_needed=2, max_submissions=2)
    item = factory.item(project)
    for _ in range(2):
        user = factory.user()
        assign(session, item, user)
        key_list(session, item, user)
    last = _entries(session, item)[-1]
    last.reconciled = {**last.reconciled, "fields": {
        **last.reconciled["fields"], "title": {"value": "舊", "status": "conflict"}}}
    session.add(Entry(item_id=item.id, project_id=project.id, row=4,
                      reconciled={"fields": {"title": {"value": "多出", "status": "majority"}}}))
    session.commit()
    run = _run(session, project)
    assert run.changed == 2  # row 3's title decided again; row 4's title gone
    assert [e.row for e in _entries(session, item)] == [1, 2, 3]
