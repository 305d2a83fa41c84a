"""A project's keying settings as plain values, and what is derived from them once."""
from __future__ import annotations

import json

from crowdcat.services.projects import snapshot


def test_the_field_list_as_text_is_the_field_list_without_the_prefilled_ones(session, factory):
    project = factory.project()
    session.commit()
    info = snapshot.load(session, slug=project.slug)
    for prefill in ({}, {"title": "題名已知"}, {"title": "  "}):
        text = info.fields_json_text(prefill)
        assert json.loads(text) == info.fields_json(prefill)
        assert info.fields_json_text(dict(prefill)) is text  # serialized once
    assert "title" not in [f["key"] for f in json.loads(info.fields_json_text({"title": "x"}))]
