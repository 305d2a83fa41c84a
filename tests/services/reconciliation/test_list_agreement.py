"""A volunteer's agreement on list items: the header once, each approved row's own cells."""
from __future__ import annotations

from crowdcat.models import Item, Role
from crowdcat.services.reconciliation import agreement
from crowdcat.services.review import lists
from tests.factories_keying import assign
from tests.factories_lists import LIST_FIELDS, ROWS, key_list


def test_agreement_counts_the_header_once_and_every_row_field(session, factory):
    project = factory.project(fields=LIST_FIELDS, agree_needed=2, max_submissions=2)
    item = factory.item(project)
    volunteer, other = factory.user(), factory.user()
    assign(session, item, volunteer)
    key_list(session, item, volunteer, rows=[ROWS[0], ROWS[1] | {"title": "別的題名"}])
    assign(session, item, other)
    key_list(session, item, other)
    item = session.get(Item, item.id)
    entries = lists.item_entries(session, item)
    lists.approve_list(session, item, factory.user(Role.REVIEWER),
                       {e.row: e.version for e in entries},
                       cells={2: {"title": ROWS[1]["title"]}, 3: dict(ROWS[2])})
    session.commit()
    assert len(lists.item_entries(session, item)) == 3

    # 1 header field + 3 rows x 4 row fields; the volunteer's row 2 title differed and
    # they missed row 3 (4 blank cells against approved values).
    assert agreement.of_user(session, volunteer.id, project.id) == agreement.Agreement(8, 13)
    assert agreement.of_user(session, other.id) == agreement.Agreement(13, 13)
