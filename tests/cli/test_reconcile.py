"""`crowdcat reconcile`: after a rule change, only entries not yet reviewed are reconciled
again, the field decisions that changed are counted, and the project page shows the count."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.cli.keying import reconcile as reconcile_command
from crowdcat.models import Entry, EntryStatus, Role, utcnow
from tests.factories_keying import GOOD, assign, key

VARIANT_READINGS = ("爲請撥電話綫經費事呈", "為請撥電話線經費事呈")


def _entry(session, item) -> Entry:  # noqa: ANN001
    return session.scalar(select(Entry).where(Entry.item_id == item.id))


def _keyed_twice(session, factory, project):  # noqa: ANN001, ANN202
    """An item two volunteers keyed, the title in two variant forms (a conflict)."""
    item = factory.item(project)
    for title in VARIANT_READINGS:
        user = factory.user()
        assign(session, item, user)
        key(session, item, user, GOOD | {"title": title})
    return item


def _review(session, item, status, reviewer):  # noqa: ANN001
    entry = _entry(session, item)
    with session.no_autoflush:
        entry.status, entry.values = status, {"title": VARIANT_READINGS[1]}
        entry.reviewer_id, entry.reviewed_at = reviewer.id, utcnow()
    session.commit()


def test_a_rule_change_reconciles_only_unreviewed_entries_and_counts_changes(
        app, session, factory, auth, client):
    project = factory.project(agree_needed=2, max_submissions=2)
    open_item, approved, rejected = (_keyed_twice(session, factory, project) for _ in range(3))
    assert _entry(session, open_item).status == EntryStatus.CONFLICT
    admin = factory.user(Role.ADMIN)
    _review(session, approved, EntryStatus.APPROVED, admin)
    _review(session, rejected, EntryStatus.REJECTED, admin)
    reviewed = {i.id: _entry(session, i).reconciled for i in (approved, rejected)}
    title = next(spec for spec in project.fields if spec.key == "title")
    title.options = {"fold_forms": True}  # 爲/為 and 綫/線 now agree
    session.commit()

    result = app.test_cli_runner().invoke(reconcile_command, ["--project", project.slug])
    assert result.exit_code == 0, result.output
    assert ("1 items reconciled again, 1 field decisions changed, 1 entries changed status; "
            "2 approved or rejected entries left as reviewed.") in result.output
    session.expire_all()
    entry = _entry(session, open_item)
    assert entry.status == EntryStatus.REVIEW
    assert entry.reconciled["fields"]["title"]["status"] == "unanimous"
    for item in (approved, rejected):  # exactly as the reviewer left them
        assert _entry(session, item).reconciled == reviewed[item.id]
    assert [_entry(session, i).status for i in (approved, rejected)] == [
        EntryStatus.APPROVED, EntryStatus.REJECTED]

    auth.login(admin.email)
    client.post("/lang/en")
    page = client.get(f"/admin/projects/{project.slug}").get_data(as_text=True)
    assert "with the current rules: 1 field decision changed." in page
    assert "2 approved or rejected entries stayed as reviewed." in page

    # Run again with nothing new: it is recorded, and the page shows the latest run.
    result = app.test_cli_runner().invoke(reconcile_command, ["--project", project.slug])
    assert "1 items reconciled again, 0 field decisions changed" in result.output
    page = client.get(f"/admin/projects/{project.slug}").get_data(as_text=True)
    assert "0 field decisions changed." in page


def test_a_project_never_re_reconciled_shows_no_count(session, factory, auth, client):
    project = factory.project()
    admin = factory.user(Role.ADMIN)
    auth.login(admin.email)
    client.post("/lang/en")
    page = client.get(f"/admin/projects/{project.slug}").get_data(as_text=True)
    assert "Re-reconciled" not in page
