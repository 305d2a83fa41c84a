"""The project page shows how well volunteers agree, field by field."""
from __future__ import annotations

from crowdcat.models import Role
from crowdcat.services.keying import submission as submissions
from crowdcat.services.reconciliation.field_agreement import field_agreement
from tests.factories_keying import assign


def _key_two(session, factory, project, titles):  # noqa: ANN001, ANN202
    page = factory.item(project)
    for title in titles:
        user = factory.user()
        assign(session, page, user)
        submissions.submit(session, page=page, user=user,
                           values={"title": title, "date": "民國三十七年五月十日", "pages": "3"})
    session.commit()


def test_field_agreement_counts_statuses(session, factory):
    project = factory.project()
    _key_two(session, factory, project, ["訓令", "訓令"])
    _key_two(session, factory, project, ["訓令", "指令"])
    _key_two(session, factory, project, ["訓令"])  # one submission: undecided, not counted
    rows, sampled = field_agreement(session, project)
    by_key = {row.key: row for row in rows}
    assert sampled == 2
    assert by_key["title"].counts["unanimous"] == 1 and by_key["title"].counts["conflict"] == 1
    assert by_key["date"].counts["unanimous"] == 2 and by_key["date"].share("unanimous") == 100.0


def test_project_page_draws_the_agreement_chart(client, factory, auth, session):
    project = factory.project()
    _key_two(session, factory, project, ["訓令", "指令"])
    auth.login(factory.user(Role.ADMIN).email)
    html = client.get(f"/admin/projects/{project.slug}").get_data(as_text=True)
    assert "各欄位一致程度" in html and 'class="agree-conflict"' in html
