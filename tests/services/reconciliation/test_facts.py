"""Facts stamped on approved entries: dates read once, plain values, stale stamps found fast."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from crowdcat.models import Entry, EntryStatus, Role
from crowdcat.services.reconciliation import facts as entry_facts
from crowdcat.services.review import decisions as review
from tests.factories_export import ExportFactory
from tests.factories_review import ReviewFactory


def test_dates_are_read_once_whatever_the_field():
    dates, plain = entry_facts.facts({
        "date": "民國三十七年五月十日", "received": "1948.5", "title": "關於徵收田賦的訓令",
        "year": "民國卅七年", "notes": "", "blank": None})
    assert dates == {"date": ["1948-05-10", "day"], "received": ["1948-05", "month"],
                     "year": ["1948", "year"]}
    assert plain


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-3", "@x", "\tx", "\rx", "'quoted",
                                   " J001", "J001 ", "J001\u3000", "\u3000"])
def test_a_value_a_spreadsheet_or_a_reference_would_change_is_not_plain(value):
    assert entry_facts.facts({"title": "題名", "fonds_no": value})[1] is False


def test_values_not_written_as_text_are_left_unstamped():
    assert entry_facts.facts({"pages": 12}) is None
    assert entry_facts.facts({"pages": "12"}) == ({}, True)


def test_approval_stamps_the_entry(session, factory):
    reviewer = factory.user(Role.REVIEWER)
    entry = ReviewFactory(session, factory).agreed(
        factory.project(), {"title": "=呈報", "date": "民國三十七年五月十日", "pages": "3"})
    review.approve(session, entry, reviewer, None, entry.version)
    session.commit()
    entry = session.get(Entry, entry.id)
    assert entry.facts_tag == entry_facts.TAG
    assert entry.final_dates == {"date": ["1948-05-10", "day"]}
    assert entry.final_plain is False


def test_stale_entries_are_found_and_stamped_again(session):
    make = ExportFactory(session)
    project = make.project(title="民國檔案")
    other = make.project(title="別的")
    fresh = make.entry(project, {"title": "甲", "date": "1948-05-10"})
    old = make.entry(project, {"title": "乙", "date": "民國37年"})
    unread = make.entry(project, {"title": "丙"})
    waiting = make.entry(project, {"title": "丁"}, status=EntryStatus.REVIEW)
    elsewhere = make.entry(other, {"title": "戊"})
    entry_facts.stamp(fresh)
    entry_facts.stamp(old)
    old.facts_tag = "0" * 16  # stamped by another version of the code
    session.commit()
    before = session.scalar(sa.select(Entry.updated_at).where(Entry.id == old.id))
    assert entry_facts.has_stale(session, project.id)
    assert entry_facts.count_stale(session, project.id) == 2
    seen = []
    assert entry_facts.restamp(session, project.id, progress=seen.append) == 2
    assert sum(seen) == 2 and not entry_facts.has_stale(session, project.id)
    session.expire_all()
    assert session.get(Entry, old.id).final_dates == {"date": ["1948", "year"]}
    assert session.get(Entry, unread.id).facts_tag == entry_facts.TAG
    # Entries awaiting review and other projects are not touched; the change time stays.
    assert session.get(Entry, waiting.id).facts_tag is None
    assert session.get(Entry, elsewhere.id).facts_tag is None
    assert session.get(Entry, old.id).updated_at == before
    assert entry_facts.restamp(session, project.id) == 0


def test_entries_with_other_values_than_text_stay_stale(session):
    make = ExportFactory(session)
    project = make.project(title="民國檔案")
    make.entry(project, {"title": "甲", "pages": 12},
               reviewed_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert entry_facts.restamp(session, project.id) == 0
    assert entry_facts.has_stale(session, project.id)
