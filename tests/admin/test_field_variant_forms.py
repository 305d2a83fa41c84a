"""The field editor's switch for variant forms of a character (爲/為, 綫/線)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crowdcat.models import FieldSpec, Role
from crowdcat.services.reconciliation.rules import rules_for


@pytest.fixture
def admin(factory, auth, client):
    user = factory.user(Role.ADMIN)
    auth.login(user.email)
    client.post("/lang/en")
    return user


def test_the_variant_forms_switch_is_saved_shown_and_used(client, session, factory, admin):
    project = factory.project()
    base = f"/admin/projects/{project.slug}/fields"
    assert "爲/為" in client.get(base).get_data(as_text=True)
    response = client.post(base, data={"key": "subject", "kind": "text", "keyed": "y",
                                       "label_zh_Hant": "事由", "fold_forms": "y"})
    assert response.status_code == 303
    spec = session.scalars(select(FieldSpec).where(FieldSpec.key == "subject")).one()
    assert spec.options == {"fold_forms": True}
    assert rules_for(spec.project).fields["subject"].normalizer("電話綫")[0] == "電話線"
    page = client.get(f"{base}/{spec.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="fold_forms"|<input[^>]*name="fold_forms"'
                     r'[^>]*checked', page)
    response = client.post(f"{base}/{spec.id}", data={"key": "subject", "kind": "text",
                                                      "keyed": "y", "label_zh_Hant": "事由"})
    assert response.status_code == 303
    session.refresh(spec)
    assert spec.options == {}
