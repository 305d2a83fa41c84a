"""Chinese-aware equality: text keys, Chinese numerals, Republic-era dates, per-kind values."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crowdcat.services.reconciliation.normalization import (
    ParsedDate,
    normalize_text,
    normalize_value,
    parse_date,
    parse_integer,
)
from crowdcat.services.reconciliation.voting import FieldRule


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("關於徵收田賦的呈，附清冊", "關於徵收田賦的呈,附清冊"),
        ("甲、乙、丙", "甲,乙,丙"),
        ("「訓令」", "“訓令”"),
        ("『訓令』", '"訓令"'),
        ("（附件）", "(附件)"),
        ("〔題名〕", "[題名]"),
        ("【題名】", "［題名］"),
        ("比例：1；2", "比例:1;2"),
        ("１２３ＡＢＣ", "123abc"),
        ("  民國　37 年  ", "民國37年"),
        ("省政府 秘書處", "省政府秘書處"),
        ("John  Smith", "john smith"),
        ("二十一—二十五", "二十一-二十五"),
        ("喬治・華盛頓", "喬治·華盛頓"),
        ("呈。", "呈．"),
        ("省\u200b政府", "省政府"),
    ],
)
def test_text_variants_are_equal(a: str, b: str) -> None:
    assert normalize_text(a) == normalize_text(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("[題名]", "題名"),  # a title supplied by the cataloguer is not the same as a typed one
        ("【題名】", "題名"),
        ("John Smith", "JohnSmith"),  # Latin words keep their spaces
        ("《申報》", "申報"),
        ("1-3", "1~3"),
    ],
)
def test_text_differences_that_matter(a: str, b: str) -> None:
    assert normalize_text(a) != normalize_text(b)


def test_traditional_and_simplified_equal_only_when_folding() -> None:
    assert normalize_text("檔案管理處") != normalize_text("档案管理处")
    assert normalize_text("檔案管理處", fold_variants=True) == normalize_text(
        "档案管理处", fold_variants=True
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("37", 37),
        ("０３７", 37),
        ("1,200", 1200),
        ("三十七", 37),
        ("卅七", 37),
        ("廿", 20),
        ("廿一", 21),
        ("十", 10),
        ("十一", 11),
        ("一十一", 11),
        ("一百零五", 105),
        ("一百五", 150),
        ("一千二百", 1200),
        ("一千零五十", 1050),
        ("兩", 2),
        ("两百", 200),
        ("〇", 0),
        ("零", 0),
        ("一九四八", 1948),
        ("壹佰貳拾參", 123),
        ("十二萬三千四百五十六", 123456),
        ("12頁", 12),
        ("共12頁", 12),
        ("共十二页", 12),
        ("計 3 張", 3),
    ],
)
def test_parse_integer(typed: str, expected: int) -> None:
    assert parse_integer(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "約12頁", "12.5", "-3", "十十", "百", "三十七七", "abc", "12頁附件"]
)
def test_parse_integer_rejects(typed: str) -> None:
    assert parse_integer(typed) is None


@pytest.mark.parametrize(
    "typed",
    [
        "民國三十七年五月十日",
        "民國37年5月10日",
        "民国37年5月10日",
        "中華民國卅七年五月十日",
        "民國 37 年 5 月 10 日",
        "民國３７年５月１０日",
        "民國37.5.10",
        "1948.5.10",
        "1948-05-10",
        "1948/05/10",
        "１９４８－０５－１０",
        "19480510",
        "1948年5月10日",
        "一九四八年五月十日",
        "1948年5月10號",
    ],
)
def test_one_date_many_spellings(typed: str) -> None:
    assert parse_date(typed) == ParsedDate("1948-05-10", "day")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("民國元年", ParsedDate("1912", "year")),
        ("民國元年元月", None),  # 元月 is not read: flagged for a person rather than guessed
        ("中華民國三十七年", ParsedDate("1948", "year")),
        ("民國卅七年五月", ParsedDate("1948-05", "month")),
        ("民國廿年一月廿一日", ParsedDate("1931-01-21", "day")),
        ("1948年5月", ParsedDate("1948-05", "month")),
        ("1948.5", ParsedDate("1948-05", "month")),
        ("194805", ParsedDate("1948-05", "month")),
        ("1948", ParsedDate("1948", "year")),
        ("1948年", ParsedDate("1948", "year")),
        ("1948-02-29", ParsedDate("1948-02-29", "day")),
    ],
)
def test_date_precision(typed: str, expected: ParsedDate | None) -> None:
    assert parse_date(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "1948-02-30",
        "1947-02-29",
        "1948-13-01",
        "民國37年13月",
        "37.5.10",
        "元年",
        "五月十日",
        "不詳",
        "",
    ],
)
def test_unreadable_dates(typed: str) -> None:
    assert parse_date(typed) is None


def test_normalize_value_by_kind() -> None:
    date, integer = FieldRule("date", "date"), FieldRule("pages", "integer")
    assert normalize_value("民國卅七年五月十日", date) == ("1948-05-10", False)
    assert normalize_value("1948年5月上旬", date) == ("1948年5月上旬", True)
    assert normalize_value("共十二頁", integer) == ("12", False)
    assert normalize_value("十餘頁", integer) == ("十餘頁", True)
    title = FieldRule("title", "text")
    assert normalize_value("〔關於 Tax 的呈〕", title) == ("[關於tax的呈]", False)


def test_select_is_exact_apart_from_width_and_spaces() -> None:
    rule = FieldRule("classification", "select", choices=("機密", "秘密", "普通"))
    assert normalize_value(" 機密 ", rule) == ("機密", False)
    assert normalize_value("机密", rule) == ("机密", True)  # not a listed choice: flagged
    assert normalize_value("ＡＢ", FieldRule("x", "select")) == ("AB", False)
    assert normalize_value("ab", FieldRule("x", "select")) != normalize_value(
        "AB", FieldRule("x", "select")
    )


def test_blank_values() -> None:
    rule = FieldRule("notes", "long_text", blank_values=("無", "不詳", "/"))
    for typed in (None, "", "   ", "\u3000", "無", " 不詳 ", "／"):
        assert normalize_value(typed, rule) == ("", False)
    assert normalize_value("无", rule) != ("", False)
    folded = FieldRule("notes", "long_text", fold_variants=True, blank_values=("無",))
    assert normalize_value("无", folded) == ("", False)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.booleans())
def test_normalize_text_is_idempotent(value: str, fold: bool) -> None:
    once = normalize_text(value, fold_variants=fold)
    assert normalize_text(once, fold_variants=fold) == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="民國元年卅廿三十七一二五月日號0123456789０１２３.-/ 　", max_size=20))
def test_parse_date_is_total_and_stable(value: str) -> None:
    parsed = parse_date(value)
    if parsed is not None:
        assert parse_date(parsed.iso) == parsed


@pytest.mark.parametrize(("typed", "iso"), [
    ("卅七年十一月二十八日", "1948-11-28"),
    ("廿二年九月二十八日", "1933-09-28"),
    ("37年5月10日", "1948-05-10"),
])
def test_a_short_year_without_the_era_is_a_republic_year(typed, iso):
    assert parse_date(typed).iso == iso
