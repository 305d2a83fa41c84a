"""Ditto marks in list pages: 同上, 仝上 and 〃 repeat the cell above (ditto.resolve)."""

from hypothesis import given
from hypothesis import strategies as st

from crowdcat.services.reconciliation.ditto import DITTO_MARKS, is_ditto, resolve, unresolved


def test_a_mark_repeats_the_value_of_the_row_above() -> None:
    rows = [
        {"責任者": "湖北省政府", "日期": "民國三十七年五月三日"},
        {"責任者": "同上", "日期": "民國三十七年五月九日"},
        {"責任者": " 〃 ", "日期": "仝上"},
    ]
    assert resolve(rows) == [
        {"責任者": "湖北省政府", "日期": "民國三十七年五月三日"},
        {"責任者": "湖北省政府", "日期": "民國三十七年五月九日"},
        {"責任者": "湖北省政府", "日期": "民國三十七年五月九日"},
    ]


def test_english_registers_use_the_ditto_mark_too() -> None:
    rows = [{"creator": "Shanghai Municipal Council"}, {"creator": "″"}, {"creator": "〃"}]
    assert [row["creator"] for row in resolve(rows)] == ["Shanghai Municipal Council"] * 3


def test_the_typed_rows_are_not_changed() -> None:
    rows = [{"題名": "呈文"}, {"題名": "同上"}]
    resolve(rows)
    assert rows[1]["題名"] == "同上"


def test_a_mark_with_nothing_above_stays_as_typed_for_validation_to_refuse() -> None:
    rows = [{"題名": "同上", "備註": ""}, {"題名": "令", "備註": "〃"}, {"題名": "同前"}]
    resolved = resolve(rows)
    assert resolved[0]["題名"] == "同上"  # first row
    assert resolved[1]["備註"] == "〃"  # the cell above is blank
    assert resolved[2]["題名"] == "令"
    assert unresolved(resolved) == [(1, "題名"), (2, "備註")]


def test_a_mark_under_an_unresolved_mark_stays_as_typed() -> None:
    assert resolve([{"a": "同上"}, {"a": "〃"}]) == [{"a": "同上"}, {"a": "〃"}]


def test_only_the_row_directly_above_counts() -> None:
    resolved = resolve([{"a": "x", "b": "y"}, {"a": "z"}, {"a": "同上", "b": "同上"}])
    assert resolved[2] == {"a": "z", "b": "同上"}


def test_a_mark_inside_text_is_text() -> None:
    assert resolve([{"a": "x"}, {"a": "同上件"}, {"a": '"'}]) == [
        {"a": "x"}, {"a": "同上件"}, {"a": '"'},
    ]
    assert not is_ditto('"') and not is_ditto("又") and not is_ditto(None)


def test_missing_values_become_blank() -> None:
    assert resolve([{"a": None}]) == [{"a": ""}]


cells = st.one_of(st.sampled_from(DITTO_MARKS), st.sampled_from(["", " ", "呈", "令", "A"]),
                  st.text(max_size=4))
row_lists = st.lists(st.dictionaries(st.sampled_from(["題名", "責任者", "日期"]), cells),
                     max_size=8)


@given(row_lists)
def test_resolving_twice_changes_nothing(rows: list[dict[str, str]]) -> None:
    once = resolve(rows)
    assert resolve(once) == once


@given(row_lists)
def test_a_resolved_cell_is_a_mark_only_when_there_was_nothing_to_repeat(
    rows: list[dict[str, str]],
) -> None:
    resolved = resolve(rows)
    for number, key in unresolved(resolved):
        above = resolved[number - 2].get(key, "") if number > 1 else ""
        assert not above.strip() or is_ditto(above)
