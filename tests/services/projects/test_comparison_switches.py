"""The field editor keeps a field's comparison switches (loose key, containment)."""
from __future__ import annotations

from crowdcat.models import FieldKind, Role
from crowdcat.services.projects import fields as project_fields
from crowdcat.services.reconciliation.rules import rules_for

FIELDS = [
    {"key": "title", "kind": FieldKind.TEXT, "labels": {"zh_Hant": "題名"},
     "options": {"contain": True}},
    {"key": "doc_no", "kind": FieldKind.TEXT, "labels": {"zh_Hant": "文號"},
     "options": {"loose": False, "contain": False}},
]


def test_editing_a_field_keeps_switches_the_form_does_not_show(session, factory):
    admin = factory.user(role=Role.ADMIN)
    project = factory.project(fields=FIELDS)
    title, doc_no = project.fields
    # The editor form sends only the options it shows: the switches stay as they were.
    project_fields.update_field(session, admin, title, {
        "labels": {"zh_Hant": "題名", "en": "Title"},
        "options": {"fold_variants": True, "blank_values": ["無"], "fuzzy_threshold": None},
    })
    session.commit()
    assert title.options == {"fold_variants": True, "blank_values": ["無"], "contain": True}
    rules = rules_for(project).fields
    assert rules["title"].contain and not rules["doc_no"].loose
    # Sent explicitly, a switch changes; sent empty, it returns to the kind's default.
    project_fields.update_field(session, admin, doc_no, {"options": {"loose": "on"}})
    project_fields.update_field(session, admin, title, {"options": {"contain": ""}})
    session.commit()
    assert doc_no.options == {"loose": True, "contain": False}
    assert title.options == {}
