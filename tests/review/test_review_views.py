"""The review pages: queue, review screen, decisions, history, access."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.models import AuditEvent, Entry, EntryStatus, ItemStatus, Role

AGREED = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}


def _form(entry, **values):
    data = {"version": str(entry.version)}
    data.update({f"value-{k}": v for k, v in values.items()})
    return data


def test_volunteers_get_403_and_visitors_are_sent_to_log_in(client, factory, auth, rf):
    entry = rf.agreed(factory.project(), AGREED)
    assert client.get("/review/").status_code == 302
    volunteer = factory.user()
    auth.login(volunteer.email)
    for url in ("/review/", f"/review/entries/{entry.id}", f"/review/entries/{entry.id}/history"):
        assert client.get(url).status_code == 403
    assert client.post(f"/review/entries/{entry.id}/approve",
                       data=_form(entry)).status_code == 403


def test_nav_and_index_list_projects_with_waiting_entries(client, factory, rf, reviewer):
    project = factory.project(title="民國建設廳檔案")
    rf.agreed(project, AGREED)
    rf.entry(project, [AGREED, AGREED | {"pages": "4"}])
    factory.project(title="空專案")
    page = client.get("/review/").get_data(as_text=True)
    assert 'href="/review/"' in page
    assert "民國建設廳檔案" in page and "空專案" not in page


def test_queue_shows_counts_conflicts_first_and_filters(client, factory, rf, reviewer):
    project = factory.project()
    ready = rf.agreed(project, AGREED)
    conflict = rf.entry(project, [AGREED, AGREED | {"pages": "4"}])
    page = client.get(f"/review/{project.slug}").get_data(as_text=True)
    assert page.index(f"/review/entries/{conflict.id}") < page.index(f"/review/entries/{ready.id}")
    client.post("/lang/en")
    page = client.get(f"/review/{project.slug}").get_data(as_text=True)
    assert "2 entries" in page and "Conflict" in page
    filtered = client.get(f"/review/{project.slug}?field=pages").get_data(as_text=True)
    assert f"/review/entries/{conflict.id}" in filtered
    assert f"/review/entries/{ready.id}\"" not in filtered
    assert client.get(f"/review/{project.slug}?status=nonsense").status_code == 400
    assert client.get(f"/review/{project.slug}?field=nonsense").status_code == 400
    assert client.get("/review/no-such-project").status_code == 404


def test_review_screen_shows_badges_alternatives_and_who_typed_them(client, factory, rf, reviewer):
    project = factory.project()
    a, b, c = (factory.user(display_name=n) for n in ("陳一", "李二", "張三"))
    entry = rf.entry(project, [AGREED, AGREED | {"title": "呈報縣政府修築道路經費"}, AGREED],
                     volunteers=[a, b, c])
    page = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert 'class="badge majority"' in page and 'class="badge unanimous"' in page
    assert "呈報縣政府修築道路經費" in page and "李二" in page and "陳一" in page
    assert 'name="take-title"' in page and f'src="/scans/{entry.item.images[0].id}/image"' in page


def test_take_an_alternative_without_javascript_and_approve(client, factory, rf, reviewer, session):
    project = factory.project()
    entry = rf.entry(project, [AGREED, AGREED | {"pages": "4"}])
    groups = entry.reconciled["fields"]["pages"]["groups"]
    four = next(i for i, g in enumerate(groups) if g["value"] == "4")
    response = client.post(f"/review/entries/{entry.id}/approve",
                           data=_form(entry, title=AGREED["title"], date=AGREED["date"], pages="")
                           | {"take-pages": str(four)})
    assert response.status_code == 303
    session.expire_all()
    entry = session.get(Entry, entry.id)
    assert entry.status == EntryStatus.APPROVED and entry.values["pages"] == "4"
    assert entry.reviewer_id == reviewer.id


def test_invalid_values_are_refused_with_messages_and_nothing_saved(client, factory, rf, reviewer,
                                                                   session):
    entry = rf.agreed(factory.project(), AGREED)
    response = client.post(f"/review/entries/{entry.id}/approve",
                           data=_form(entry, title="", date="某年某月", pages="許多"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and "某年某月" in page
    session.expire_all()
    assert session.get(Entry, entry.id).status == EntryStatus.REVIEW


def test_approve_and_next_opens_the_next_entry(client, factory, rf, reviewer):
    project = factory.project()
    first = rf.agreed(project, AGREED)
    second = rf.agreed(project, AGREED)
    response = client.post(f"/review/entries/{first.id}/approve",
                           data=_form(first) | {"action": "next"})
    assert response.headers["Location"].startswith(f"/review/entries/{second.id}")
    response = client.post(f"/review/entries/{second.id}/approve",
                           data=_form(second) | {"action": "next"})
    assert response.headers["Location"] == f"/review/{project.slug}"


def test_second_reviewer_gets_a_clear_message_and_nothing_is_overwritten(
        app, client, factory, rf, reviewer, session):
    entry = rf.agreed(factory.project(), AGREED)
    rendered_version = entry.version
    other = factory.user(Role.REVIEWER, display_name="王審核")
    other_client = app.test_client()
    other_client.post("/auth/login", data={"email": other.email, "password": factory.PASSWORD})
    # Both have the form open; the other reviewer approves first with a correction.
    assert other_client.post(f"/review/entries/{entry.id}/approve",
                             data={"version": str(rendered_version),
                                   "value-title": "王的題名"}).status_code == 303
    response = client.post(f"/review/entries/{entry.id}/approve",
                           data={"version": str(rendered_version), "value-title": "林的題名"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "王審核" in page and "林的題名" in page  # who, and what was not saved
    session.expire_all()
    assert session.get(Entry, entry.id).values["title"] == "王的題名"


def test_own_submission_cannot_be_approved_but_can_be_sent_back(client, factory, rf, reviewer,
                                                                session):
    project = factory.project()
    entry = rf.agreed(project, AGREED, volunteers=[reviewer, factory.user()])
    page = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert "disabled" in page
    assert client.post(f"/review/entries/{entry.id}/approve",
                       data=_form(entry)).status_code == 403
    response = client.post(f"/review/entries/{entry.id}/send-back",
                           data={"version": str(entry.version), "send-reason": "題名不清",
                                 "send-extra": "2"})
    assert response.status_code == 303
    session.expire_all()
    entry = session.get(Entry, entry.id)
    assert entry.status == EntryStatus.KEYING and entry.item.status == ItemStatus.KEYING
    assert entry.item.wanted == 4


def test_send_back_needs_a_reason(client, factory, rf, reviewer, session):
    entry = rf.agreed(factory.project(), AGREED)
    response = client.post(f"/review/entries/{entry.id}/send-back",
                           data={"version": str(entry.version), "send-reason": " ",
                                 "send-extra": "1"})
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Entry, entry.id).status == EntryStatus.REVIEW


def test_not_a_catalog_entry(client, factory, rf, reviewer, session):
    entry = rf.agreed(factory.project(), AGREED)
    response = client.post(f"/review/entries/{entry.id}/reject",
                           data={"version": str(entry.version), "reject-why": "blank"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Entry, entry.id).status == EntryStatus.REJECTED


def test_missing_version_is_a_bad_request(client, factory, rf, reviewer):
    entry = rf.agreed(factory.project(), AGREED)
    assert client.post(f"/review/entries/{entry.id}/approve", data={}).status_code == 400
    assert client.post("/review/entries/999999/approve", data={"version": "1"}).status_code == 404


def test_reopen_and_history_show_who_when_before_and_after(client, factory, rf, reviewer, session):
    entry = rf.agreed(factory.project(), AGREED)
    client.post(f"/review/entries/{entry.id}/approve", data=_form(entry, title="改正的題名"))
    session.expire_all()
    entry = session.get(Entry, entry.id)
    assert client.post(f"/review/entries/{entry.id}/reopen",
                       data={"version": str(entry.version), "reopen-reason": ""}).status_code == 422
    response = client.post(f"/review/entries/{entry.id}/reopen",
                           data={"version": str(entry.version), "reopen-reason": "日期待核"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Entry, entry.id).status == EntryStatus.REVIEW
    page = client.get(f"/review/entries/{entry.id}/history").get_data(as_text=True)
    assert "林審核" in page and "日期待核" in page
    assert "呈報縣政府修築公路經費" in page and "改正的題名" in page
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["entry.correct", "entry.approve", "entry.reopen"]
