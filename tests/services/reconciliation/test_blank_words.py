"""Blank words per template language, and the comparison defaults the templates ship."""

import pytest

from crowdcat.models import FieldKind
from crowdcat.services.projects.fields import clean_options
from crowdcat.services.projects.templates import TEMPLATES
from crowdcat.services.reconciliation.blank_words import BLANK_WORDS
from crowdcat.services.reconciliation.voting import FieldRule, Rules, Vote, reconcile


def template_rules(name: str) -> dict[str, FieldRule]:
    """The reconciliation rules of a template's keyed fields."""
    return {
        f["key"]: FieldRule.from_options(
            f["key"], f["kind"].value, f.get("options", {}) | {"choices": f.get("choices", [])}
        )
        for f in TEMPLATES[name] if f.get("keyed", True)
    }


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("zh", ["無", "无", "不詳", "未詳", "空白", "缺", "（無）", "[不詳]", "無法辨認", "—"]),
        ("en", ["none", "N/A", "na", "Unknown", "not given", "s.n.", "S.N.", "illegible", "-"]),
    ],
)
def test_blank_words_count_as_blank(language: str, typed: list[str]) -> None:
    rule = FieldRule("f", "text", blank_values=BLANK_WORDS[language])
    for value in typed:
        assert rule.normalizer(value) == ("", False), value


@pytest.mark.parametrize("value", ["附件缺", "無錫縣政府", "〇", "0", "其他", "none given", "Nash"])
def test_values_that_only_contain_a_blank_word_are_values(value: str) -> None:
    rule = FieldRule("f", "text", blank_values=BLANK_WORDS["zh"] + BLANK_WORDS["en"])
    assert rule.normalizer(value)[0] != ""


def test_templates_ship_blank_words_in_their_language() -> None:
    republic = template_rules("republic_file_level")
    english = template_rules("english_archival")
    assert set(BLANK_WORDS["zh"]) <= set(republic["creator"].blank_values)
    assert set(BLANK_WORDS["en"]) <= set(english["notes"].blank_values)
    page = reconcile(Rules((republic["creator"],)), [Vote("a", {"creator": "不詳"}),
                                                     Vote("b", {}), Vote("c", {})])
    assert page.fields["creator"].how == "blank_words 3/3"


@pytest.mark.parametrize("name", ["republic_file_level", "dat22_item_level", "english_archival"])
def test_template_fields_compare_by_their_nature(name: str) -> None:
    rules = template_rules(name)
    assert rules["title"].contain and rules["title"].loose  # a title is often typed short
    if "doc_no" in rules:  # an identifier: as typed, a longer number is another document
        assert not rules["doc_no"].loose and not rules["doc_no"].contain
    if name == "english_archival":
        assert not rules["reference_code"].loose
    assert rules["creator"].loose and not rules["creator"].contain  # names never contain
    assert rules["notes"].contain  # long text does
    assert all(not r.loose for r in rules.values() if r.kind not in ("text", "long_text"))


def test_the_field_editor_keeps_the_comparison_switches() -> None:
    assert clean_options({"loose": "off", "contain": "on"}) == {"loose": False, "contain": True}
    assert clean_options({"loose": False, "contain": True}) == {"loose": False, "contain": True}
    assert clean_options({"loose": "", "contain": None}) == {}  # the kind's default


def test_kinds_default_to_the_comparisons_that_suit_them() -> None:
    assert FieldRule("t", FieldKind.TEXT.value).loose
    assert not FieldRule("t", FieldKind.TEXT.value).contain
    assert FieldRule("n", FieldKind.LONG_TEXT.value).contain
    assert not FieldRule("r", FieldKind.REFERENCE.value).loose
    with pytest.raises(ValueError, match="contain"):
        FieldRule.from_options("t", "text", {"contain": "yes"})
