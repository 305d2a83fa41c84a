"""A volunteer sees where their keying differed from the approved value."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.models import Entry, Role
from crowdcat.services.keying import submission as submissions
from crowdcat.services.review import decisions as review
from tests.factories_keying import assign


def test_contributions_page_lists_a_corrected_value(client, factory, auth, session):
    project = factory.project()
    page = factory.item(project)
    anna, ben = factory.user(display_name="Anna"), factory.user(display_name="Ben")
    reviewer = factory.user(Role.REVIEWER)
    for user, title in ((anna, "浙江省政府訓令"), (ben, "浙江省政府訓令")):
        assign(session, page, user)
        submissions.submit(session, page=page, user=user,
                           values={"title": title, "date": "民國三十七年五月十日", "pages": "3"})
    session.commit()
    entry = session.scalar(select(Entry).where(Entry.item_id == page.id))
    review.approve(session, entry, reviewer, {"title": "浙江省政府關於田賦的訓令"}, entry.version)
    session.commit()
    auth.login(anna.email)
    html = client.get("/me/contributions").get_data(as_text=True)
    assert "浙江省政府關於田賦的訓令" in html and "浙江省政府訓令" in html
