"""The partial that shows a volunteer where their keying differed from the approved entry."""
from __future__ import annotations

from flask import render_template

from crowdcat.models import Role
from crowdcat.services.keying.contributions import differences
from crowdcat.services.review import decisions as review


def test_partial_lists_typed_and_approved_values(app, session, factory, rf):
    project = factory.project(title="建設廳檔案")
    volunteer = factory.user()
    typed = {"title": "修築公路經費", "date": "1948-05-10", "pages": "3"}
    entry = rf.entry(project, [typed, typed], volunteers=[volunteer, factory.user()])
    review.approve(session, entry, factory.user(Role.REVIEWER), {"title": "呈報修築公路經費"},
                   entry.version)
    session.commit()
    with app.test_request_context("/"):
        html = render_template("review/_my_differences.html",
                               differences=differences(session, volunteer))
    assert "建設廳檔案" in html and "修築公路經費" in html and "呈報修築公路經費" in html
    assert "題名" in html
    with app.test_request_context("/"):
        empty = render_template("review/_my_differences.html", differences=[])
    assert "目前沒有差異" in empty
