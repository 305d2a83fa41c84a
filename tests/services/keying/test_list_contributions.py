"""A volunteer's differences on a list item: the header once, each row's own cells."""
from __future__ import annotations

from crowdcat.models import Item, Role
from crowdcat.services.keying.contributions import differences
from crowdcat.services.review import lists
from tests.factories_keying import assign
from tests.factories_lists import HEADER, LIST_FIELDS, ROWS, key_list

OTHER_TITLE = "呈報檔案清冊"


def test_a_header_differs_once_and_a_cell_on_its_own_row(session, factory):
    project = factory.project(fields=LIST_FIELDS, agree_needed=2, max_submissions=2)
    item = factory.item(project)
    volunteer, other = factory.user(), factory.user()
    assign(session, item, volunteer)
    key_list(session, item, volunteer, rows=[ROWS[0], ROWS[1] | {"title": OTHER_TITLE},
                                             ROWS[2]])
    assign(session, item, other)
    key_list(session, item, other)
    item = session.get(Item, item.id)
    versions = {e.row: e.version for e in lists.item_entries(session, item)}
    lists.approve_list(session, item, factory.user(Role.REVIEWER), versions,
                       header={"volume_no": "13"}, cells={2: {"title": ROWS[1]["title"]}})
    session.commit()

    found = differences(session, volunteer)
    mine = sorted((d.row, d.field.key, d.typed, d.approved) for d in found)
    assert mine == [(1, "volume_no", HEADER["volume_no"], "13"),
                    (2, "title", OTHER_TITLE, ROWS[1]["title"])]
    theirs = [(d.row, d.field.key) for d in differences(session, other)]
    assert theirs == [(1, "volume_no")]  # 同上 in their row 2 was resolved: no difference
