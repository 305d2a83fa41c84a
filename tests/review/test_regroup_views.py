"""The "Pages of this item" screen: move a page, split, merge; refusals in the user's language."""
from __future__ import annotations

import sqlalchemy as sa

from crowdcat.models import AuditEvent, Entry, EntryStatus, Image, Item, Role

AGREED = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}


def _ids(session, item_id: int) -> list[int]:
    session.expire_all()
    return list(session.scalars(sa.select(Image.id).where(Image.item_id == item_id)
                                .order_by(Image.position)))


def test_screen_shows_the_pages_in_order_with_their_thumbnails(client, factory, session,
                                                               reviewer):
    item = factory.item(factory.project(), images=3)
    page = client.get(f"/review/items/{item.id}/pages").get_data(as_text=True)
    shown = [page.index(f"/scans/{image_id}/thumbnail") for image_id in _ids(session, item.id)]
    assert shown == sorted(shown)
    assert f"第 {item.sequence} 件的各頁" in page
    assert page.count("從此拆分") == 2  # not before the first page
    assert "與下一件合併" in page


def test_the_review_screen_links_to_the_pages(client, rf, factory, reviewer):
    entry = rf.agreed(factory.project(), AGREED, images=2)
    page = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert f"/review/items/{entry.item_id}/pages" in page


def test_move_a_page_by_item_number(client, factory, session, reviewer):
    project = factory.project()
    a, b = factory.item(project, images=2), factory.item(project, images=1)
    moved = _ids(session, a.id)[1]
    response = client.post(f"/review/items/{a.id}/pages/move",
                           data={"image_id": moved, "number": b.sequence, "position": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/review/items/{a.id}/pages")
    assert _ids(session, b.id)[0] == moved and len(_ids(session, a.id)) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"此頁已移至第 {b.sequence} 件。" in page


def test_moving_the_last_page_removes_the_item_and_shows_the_other(client, factory, session,
                                                                   reviewer):
    project = factory.project()
    a, b = factory.item(project), factory.item(project)
    a_id, a_number = a.id, a.sequence
    response = client.post(f"/review/items/{a_id}/pages/move",
                           data={"image_id": _ids(session, a_id)[0], "number": b.sequence})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/review/items/{b.id}/pages")
    assert session.get(Item, a_id) is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"第 {a_number} 件已無任何頁，已刪除。" in page


def test_split_and_merge_back(client, factory, session, reviewer):
    project = factory.project()
    item = factory.item(project, images=3)
    before = _ids(session, item.id)
    assert client.post(f"/review/items/{item.id}/split",
                       data={"position": "2"}).status_code == 303
    assert _ids(session, item.id) == before[:1]
    new_id = session.scalar(sa.select(Item.id).where(Item.project_id == project.id,
                                                      Item.id != item.id))
    assert _ids(session, new_id) == before[1:]
    assert client.post(f"/review/items/{item.id}/merge",
                       data={"with": "next"}).status_code == 303
    assert _ids(session, item.id) == before
    assert session.get(Item, new_id) is None
    actions = list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["item.split", "item.merge"]


def test_regrouping_a_keyed_item_sends_its_entry_back_to_a_reviewer(client, factory, rf,
                                                                    session, reviewer):
    project = factory.project()
    entry = rf.agreed(project, AGREED, images=3)
    assert client.post(f"/review/items/{entry.item_id}/split",
                       data={"position": "3"}).status_code == 303
    session.expire_all()
    assert session.get(Entry, entry.id).status == EntryStatus.CONFLICT
    history = client.get(f"/review/entries/{entry.id}/history").get_data(as_text=True)
    assert 'data-action="entry.regroup"' in history
    assert "頁的歸屬已調整" in history and "各頁（影像編號）" in history


def test_bad_input_is_refused_in_the_users_language_and_changes_nothing(client, factory,
                                                                        session, rf, reviewer):
    project = factory.project()
    item = factory.item(project, images=2)
    keyed = rf.agreed(project, AGREED)
    foreign = factory.item(factory.project())
    image = _ids(session, item.id)[0]
    cases = [
        ("pages/move", {"image_id": image, "number": "99999"}, "本專案沒有第 99999 件。"),
        ("pages/move", {"image_id": image, "number": foreign.sequence},
         f"本專案沒有第 {foreign.sequence} 件。"),
        ("pages/move", {"image_id": image, "number": ""}, "請輸入本專案中某一件的件次。"),
        ("pages/move", {"image_id": "x", "number": keyed.item.sequence},
         "請選擇本件中要移動的頁。"),
        ("split", {"position": "1"}, "請在第 2 至 2 頁之間拆分"),
        ("split", {"position": "3"}, "請在第 2 至 2 頁之間拆分"),
        ("split", {"position": "two"}, "請輸入頁次。"),
        ("merge", {"with": "number", "number": item.sequence}, "一件不能與自己合併。"),
        ("merge", {"with": "number", "number": keyed.item.sequence},
         f"第 {keyed.item.sequence} 件已有人著錄"),
    ]
    for action, data, message in cases:
        response = client.post(f"/review/items/{item.id}/{action}", data=data)
        assert response.status_code in (409, 422), (action, data, response.status_code)
        assert message in response.get_data(as_text=True), (action, data)
    assert _ids(session, item.id)[0] == image and len(_ids(session, item.id)) == 2
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
    client.post("/lang/zh_Hans")
    response = client.post(f"/review/items/{item.id}/split", data={"position": "1"})
    assert "请在第 2 至 2 页之间拆分" in response.get_data(as_text=True)


def test_last_item_has_no_next_to_merge_with(client, factory, reviewer):
    item = factory.item(factory.project())
    response = client.post(f"/review/items/{item.id}/merge", data={"with": "next"})
    assert response.status_code == 422
    assert "沒有下一件可以合併" in response.get_data(as_text=True)


def test_staff_only(client, factory, auth, session):
    project = factory.project()
    item = factory.item(project, images=2)
    assert client.get(f"/review/items/{item.id}/pages").status_code == 302  # to log in
    auth.login(factory.user().email)
    assert client.get(f"/review/items/{item.id}/pages").status_code == 403
    assert client.post(f"/review/items/{item.id}/split",
                       data={"position": "2"}).status_code == 403
    assert len(_ids(session, item.id)) == 2
    auth.logout()
    auth.login(factory.user(Role.ADMIN).email)
    assert client.get(f"/review/items/{item.id}/pages").status_code == 200
    assert client.get("/review/items/999999/pages").status_code == 404
