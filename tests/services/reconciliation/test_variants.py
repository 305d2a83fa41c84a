"""Variant forms of one Chinese character (異體字) agree in fields that opt in (fold_forms)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crowdcat.services.reconciliation.keys import loose_key
from crowdcat.services.reconciliation.normalization import normalize_text
from crowdcat.services.reconciliation.variants import OLD_FORMS, fold_forms, variant_table
from crowdcat.services.reconciliation.voting import FieldRule, Rules, Vote, reconcile

PAIRS = [("爲", "為"), ("着", "著"), ("裏", "裡"), ("綫", "線"), ("敍", "敘"), ("衞", "衛"),
         ("册", "冊"), ("峯", "峰"), ("啓", "啟"), ("説", "說"), ("衆", "眾"), ("覈", "核")]


@pytest.mark.parametrize(("variant", "standard"), PAIRS)
def test_a_variant_form_folds_to_the_taiwan_standard_form(variant, standard):
    assert fold_forms(variant) == standard
    assert fold_forms(standard) == standard


def test_titles_typed_with_variant_forms_have_one_key():
    typed = ["爲請撥電話綫經費事呈", "為請撥電話線經費事呈"]
    assert len({normalize_text(t, fold_forms=True) for t in typed}) == 1
    assert len({normalize_text(t) for t in typed}) == 2  # off by default
    loose = {loose_key(t, fold_forms=True) for t in ("衞生署、財政部", "衛生署，財政部")}
    assert len(loose) == 1


def test_folding_forms_keeps_traditional_and_simplified_apart():
    # 髮/發 and 後/后 are different characters in a Traditional catalogue.
    assert normalize_text("理髮", fold_forms=True) != normalize_text("理發", fold_forms=True)
    assert normalize_text("後方", fold_forms=True) != normalize_text("后方", fold_forms=True)
    assert normalize_text("衛生", fold_forms=True) != normalize_text("卫生", fold_forms=True)
    # With both switches on, every spelling is one key.
    spellings = ("衞生", "衛生", "卫生")
    both = {normalize_text(t, fold_forms=True, fold_variants=True) for t in spellings}
    assert len(both) == 1


def test_one_to_many_entries_never_join_distinct_characters():
    # OpenCC lists 麼 → 麼 么; only the first candidate is used, so 麼 stays 麼.
    assert fold_forms("什麼") == "什麼"
    assert fold_forms("幺") == fold_forms("么") != fold_forms("麼")


def test_the_table_is_idempotent_and_covers_the_old_printed_forms():
    table = variant_table()
    assert all(ord(target) not in table for target in table.values())
    assert all(fold_forms(old) == fold_forms(new) for old, new in OLD_FORMS.items())


def test_a_field_with_fold_forms_agrees_on_variant_readings():
    title = FieldRule.from_options("title", "text", {"fold_forms": True})
    typed = ("關於修理電話綫的呈", "關於修理電話線的呈")
    votes = [Vote("a", {"title": typed[0]}), Vote("b", {"title": typed[1]})]
    result = reconcile(Rules(fields=(title,), agree=2), votes).fields["title"]
    assert result.status == "unanimous" and result.value in typed
    plain = FieldRule.from_options("title", "text", {})
    assert reconcile(Rules(fields=(plain,), agree=2), votes).fields["title"].status == "conflict"


def test_fold_forms_must_be_true_or_false():
    with pytest.raises(ValueError, match="fold_forms"):
        FieldRule.from_options("title", "text", {"fold_forms": "yes"})


@given(st.text(alphabet="爲為着著裏裡綫線敍敘衞衛册冊峯峰關於的呈 、，", max_size=12))
def test_folding_forms_is_idempotent(text):
    key = normalize_text(text, fold_forms=True)
    assert normalize_text(key, fold_forms=True) == key
