"""Volunteers see where their keying differed from the approved value."""
from __future__ import annotations

from crowdcat.models import Role, SkipReason, Submission
from crowdcat.services.keying.contributions import differences
from crowdcat.services.review import decisions as review
from tests.factories_review import ReviewFactory

TYPED = {"title": "呈報縣政府修築公路經費", "date": "民國37年5月10日", "pages": "三"}


def test_only_real_differences_are_listed(session, factory):
    rf = ReviewFactory(session, factory)
    project = factory.project()
    volunteer, other = factory.user(), factory.user()
    reviewer = factory.user(Role.REVIEWER)
    entry = rf.entry(project, [TYPED, TYPED | {"date": "1948-05-10", "pages": "3"}],
                     volunteers=[volunteer, other])
    # Spaces, full-width digits and another way of writing the same date are not differences.
    review.approve(session, entry, reviewer,
                   {"title": "呈報縣政府修築公路經費案", "date": "１９４８.５.１０", "pages": "3"},
                   entry.version)
    session.commit()
    [diff] = differences(session, volunteer)
    assert (diff.field.key, diff.typed, diff.approved) == (
        "title", "呈報縣政府修築公路經費", "呈報縣政府修築公路經費案")
    assert diff.item.id == entry.item_id and diff.project.id == project.id


def test_pages_not_yet_approved_and_skips_are_left_out(session, factory):
    rf = ReviewFactory(session, factory)
    project = factory.project()
    volunteer = factory.user()
    rf.entry(project, [TYPED, TYPED | {"title": "別的"}], volunteers=[volunteer, factory.user()])
    skipped = factory.item(project)
    session.add(Submission(item_id=skipped.id, user_id=volunteer.id, project_id=project.id,
                           skip_reason=SkipReason.BLANK))
    session.commit()
    assert differences(session, volunteer) == []
