"""Reconciling a page into its entry: keyed fields are voted, imported values are fixed."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.cli.keying import reconcile as reconcile_command
from crowdcat.models import Entry, EntryStatus, FieldKind, Item, ItemStatus, Submission, utcnow
from crowdcat.services.reconciliation import agreement, entries
from tests.factories import SIMPLE_FIELDS
from tests.factories_keying import GOOD, key, reserve

REFERENCE_FIELDS = [
    {"key": "fonds_no", "kind": FieldKind.REFERENCE, "labels": {"en": "Fonds"}},
    *SIMPLE_FIELDS,
]


def _entry(session, page) -> Entry:  # noqa: ANN001
    return session.scalar(select(Entry).where(Entry.item_id == page.id))


def test_prefilled_values_are_fixed_and_not_keyed(session, factory):
    project = factory.project(fields=REFERENCE_FIELDS)
    page = factory.item(project, prefill={"fonds_no": "J001"})
    a, b = factory.user(), factory.user()
    for user in (a, b):
        reserve(session, project, user)
        key(session, page, user, GOOD)  # no fonds_no typed: it is not asked for
    entry = _entry(session, page)
    assert entry.status == EntryStatus.REVIEW
    assert entry.reconciled["fields"]["fonds_no"]["value"] == "J001"
    assert entry.reconciled["fields"]["fonds_no"]["fixed"] is True
    assert entry.reconciled["fields"]["title"]["status"] == "unanimous"


def test_unkeyed_fields_are_not_voted(session, factory):
    fields = [*SIMPLE_FIELDS, {"key": "reference_code", "kind": FieldKind.REFERENCE,
                               "keyed": False, "labels": {"en": "Ref"}}]
    project = factory.project(fields=fields)
    page = factory.item(project)
    user = factory.user()
    reserve(session, project, user)
    key(session, page, user)
    assert "reference_code" not in _entry(session, page).reconciled["fields"]


def _approve(session, page, values, reviewer):  # noqa: ANN001
    reviewer_id = reviewer.id
    entry = _entry(session, page)
    with session.no_autoflush:
        entry.status, entry.values = EntryStatus.APPROVED, values
        entry.reviewer_id, entry.reviewed_at = reviewer_id, utcnow()
    session.commit()


def test_agreement_with_approved_entries(session, factory):
    project = factory.project(agree_needed=1, max_submissions=1)
    page = factory.item(project)
    user, reviewer = factory.user(), factory.user()
    reserve(session, project, user)
    key(session, page, user, GOOD | {"date": "民國37年5月10日", "pages": "4"})
    _approve(session, page, GOOD | {"date": "1948-05-10", "pages": "3"}, reviewer)
    stats = agreement.of_user(session, user.id)
    assert (stats.agreed, stats.total) == (2, 3)  # title and date agree; pages differ


def test_weighted_votes_let_a_reliable_volunteer_break_a_tie(session, factory):
    project = factory.project(agree_needed=1, max_submissions=3, weighted_votes=True)
    history = factory.item(project)
    good, poor, reviewer = factory.user(), factory.user(), factory.user()
    for user, typed in ((good, GOOD), (poor, GOOD | {"title": "錯誤", "pages": "9"})):
        submission = Submission(item_id=history.id, user_id=user.id, project_id=project.id,
                                values=typed)
        session.add(submission)
    session.commit()
    entries.reconcile_page(session, history)
    session.commit()
    _approve(session, history, GOOD, reviewer)
    page = factory.item(project, wanted=2)
    for user, pages in ((good, "3"), (poor, "4")):
        session.add(Submission(item_id=page.id, user_id=user.id, project_id=project.id,
                               values=GOOD | {"pages": pages}))
    session.commit()
    result = entries.reconcile_page(session, page)
    assert result.fields["pages"].value == "3"


def test_approved_entries_are_left_alone(session, factory):
    project = factory.project()
    page = factory.item(project)
    a, b, reviewer = factory.user(), factory.user(), factory.user()
    for user in (a, b):
        reserve(session, project, user)
        key(session, page, user)
    _approve(session, page, GOOD, reviewer)
    entries.reconcile_page(session, session.get(Item, page.id))
    session.commit()
    assert _entry(session, page).status == EntryStatus.APPROVED


def test_reconcile_command_applies_changed_rules(app, session, factory):
    project = factory.project(agree_needed=2, max_submissions=3)
    page = factory.item(project)
    a, b = factory.user(), factory.user()
    for user, pages in ((a, "3"), (b, "4")):
        reserve(session, project, user)
        key(session, page, user, GOOD | {"pages": pages})
    assert session.get(Item, page.id).status == ItemStatus.KEYING
    project.agree_needed, project.max_submissions = 1, 2
    session.commit()
    result = app.test_cli_runner().invoke(reconcile_command, ["--project", project.slug])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert _entry(session, page).status == EntryStatus.CONFLICT


def test_reconcile_command_refuses_an_unknown_project(app):
    result = app.test_cli_runner().invoke(reconcile_command, ["--project", "nope"])
    assert result.exit_code != 0 and "nope" in result.output
