"""Next page by token: token, project and claim together, the rest left to assignment.reserve()."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from crowdcat.models import ApiToken, FieldSpec, ProjectStatus, Reservation, utcnow
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.keying import next_by_token as token_claim
from crowdcat.services.projects import snapshot
from tests.factories_keying import reserve


def token_of(session, user) -> str:
    """A new API token of the user."""
    _token, raw = api_tokens.create(session, user)
    session.commit()
    return raw


def test_a_token_reserves_its_volunteers_page_and_records_its_use(session, factory):
    project = factory.project()
    page = factory.item(project)
    user = factory.user()
    raw = token_of(session, user)
    found = token_claim.next_page(session, token=raw, slug=project.slug)
    session.commit()
    assert found.user_id == user.id and found.reserved.item_id == page.id
    assert found.project.slug == project.slug and found.error is None
    held = session.scalar(select(Reservation).where(Reservation.user_id == user.id))
    assert held.item_id == page.id and held.expires_at == found.reserved.expires_at
    assert session.scalar(select(ApiToken.last_used_at)) is not None


def test_a_claims_quick_commit_stays_in_its_own_transaction(session, factory):
    """The claim commits without waiting for a disk flush; what the same pooled connection
    commits next (a volunteer's submission) waits for it as always."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no asynchronous commit")
    project = factory.project()
    for _page in range(2):
        factory.item(project)
    users = [factory.user() for _ in range(3)]
    engine = session.get_bind()
    for user in users:
        assert token_claim.next_page(session, token=token_of(session, user),
                                     slug=project.slug).reserved is not None
        session.commit()
    # Every connection of the pool (the claims took them in turn) is back to the server's
    # setting, for the transactions that come after.
    held = [engine.raw_connection() for _ in range(engine.pool.checkedin())]
    try:
        settings = {c.driver_connection.execute("SHOW synchronous_commit").fetchone()[0]
                    for c in held}
    finally:
        for connection in held:
            connection.close()
    assert settings == {"on"}
    assert session.execute(text("SHOW synchronous_commit")).scalar() == "on"


def test_what_the_statement_cannot_decide_goes_the_long_way(session, factory):
    project = factory.project()
    first, _second = factory.item(project), factory.item(project)
    user = factory.user()
    raw = token_of(session, user)
    assert reserve(session, project, user).id == first.id
    # Holding a page already: resumed, not a second one.
    found = token_claim.next_page(session, token=raw, slug=project.slug)
    session.commit()
    assert found.reserved.item_id == first.id and not found.pending


def test_bad_tokens_unknown_and_closed_projects(session, factory):
    project = factory.project(status=ProjectStatus.PAUSED)
    factory.item(project)
    raw = token_of(session, factory.user())
    assert token_claim.next_page(session, token="cc_nope", slug=project.slug).user_id is None
    assert token_claim.next_page(session, token="", slug=project.slug).user_id is None
    assert token_claim.next_page(session, token=raw, slug="nope").project is None
    closed = token_claim.next_page(session, token=raw, slug=project.slug)
    assert closed.reserved is None and "not open" in str(closed.error)
    session.rollback()
    assert session.scalar(select(Reservation)) is None


def test_another_tabs_hold_won_between_the_reads_and_the_claim(session, factory, monkeypatch):
    """SQLite reads before it locks: the reads saw no hold, the claim meets one and resumes it."""
    project = factory.project()
    first, _second = factory.item(project), factory.item(project)
    user = factory.user()
    raw = token_of(session, user)
    assert reserve(session, project, user).id == first.id  # the other tab
    real = snapshot.with_own
    # The reads as they were a moment before the other tab reserved (PostgreSQL reads and
    # claims in one statement: there the hold is seen and resumed all the same).
    monkeypatch.setattr(snapshot, "with_own", lambda rows: (real(rows)[0], None))
    found = token_claim.next_page(session, token=raw, slug=project.slug)
    session.commit()
    assert found.reserved.item_id == first.id
    assert len(session.scalars(select(Reservation)).all()) == 1


def test_an_edited_field_is_seen_by_the_next_request(session, factory):
    project = factory.project()
    factory.item(project)
    factory.item(project)
    first_user, second_user = factory.user(), factory.user()
    before = token_claim.next_page(session, token=token_of(session, first_user),
                                   slug=project.slug)
    session.commit()
    spec = session.scalar(select(FieldSpec).where(FieldSpec.project_id == project.id,
                                                  FieldSpec.key == "title"))
    spec.labels = {"zh_Hant": "新題名", "en": "New title"}
    session.commit()
    after = token_claim.next_page(session, token=token_of(session, second_user),
                                  slug=project.slug)
    session.commit()
    labels = {f.key: f.labels for f in after.project.keyed_fields}
    assert labels["title"]["zh_Hant"] == "新題名"
    assert {f.key: f.labels for f in before.project.keyed_fields}["title"] != labels["title"]
    assert utcnow() < after.reserved.expires_at


def test_a_changed_project_setting_is_seen_by_the_next_request(session, factory):
    project = factory.project(reservation_minutes=30)
    factory.item(project)
    factory.item(project)
    first = token_claim.next_page(session, token=token_of(session, factory.user()),
                                  slug=project.slug)
    session.commit()
    project.reservation_minutes = 45
    session.commit()
    second = token_claim.next_page(session, token=token_of(session, factory.user()),
                                   slug=project.slug)
    session.commit()
    assert first.project.reservation_minutes == 30
    assert second.project.reservation_minutes == 45
    assert 44 * 60 < (second.reserved.expires_at - utcnow()).total_seconds() <= 45 * 60
